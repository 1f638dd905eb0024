"""Documents on a household: PDF, JPEG or PNG checked by their content, kept outside the
web root, downloaded through the access check as an attachment, every download in the innsynslogg;
removed with the household under the retention rules and included in the person's innsyn export."""

import base64
import io
import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.models import Document, RecordView, TimelineEvent
from cases.services.retention import households_anonymise_closed
from tests.factories import CounsellorFactory, HouseholdFactory, OfficerFactory, PersonFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def _upload(client, household, name, content, *, title="Signert samtykke", content_type="application/pdf"):
    return client.post(
        reverse("cases:document_upload", args=[household.pk]),
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "title": title,
            "form_token": uuid.uuid4(),
        },
    )


@pytest.fixture
def document(client_for, counsellor, household):
    response = _upload(client_for(counsellor), household, "samtykke.pdf", PDF)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Document.objects.get(household=household)


def test_a_counsellor_attaches_a_pdf_and_downloads_it_as_an_attachment_logged_in_the_innsynslogg(
    client_for, counsellor, household, document
):
    assert document.title == "Signert samtykke"
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert document.file.name.startswith("private/documents/") and "samtykke" not in document.file.name
    assert TimelineEvent.objects.filter(household=household, kind="document").exists()
    client = client_for(counsellor)
    page = client.get(reverse("cases:household_detail", args=[household.pk])).content.decode()
    assert reverse("cases:document_download", args=[document.pk]) in page and "Signert samtykke" in page

    before = RecordView.objects.count()
    response = client.get(reverse("cases:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Signert samtykke.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert RecordView.objects.count() == before + 1
    row = RecordView.objects.latest("viewed_at")
    assert (row.household_id, row.user_id, row.what) == (household.pk, counsellor.pk, "document")
    log = client_for(CounsellorFactory(municipality=household.municipality, is_manager=True))
    assert (
        "Dokument (nedlasting)"
        in log.get(reverse("cases:household_access_log", args=[household.pk])).content.decode()
    )


def test_the_file_is_not_served_from_the_media_address(client_for, counsellor, document):
    assert Path(settings.MEDIA_ROOT, document.file.name).is_file()
    assert client_for(counsellor).get(f"{settings.MEDIA_URL}{document.file.name}").status_code == 404


def test_another_municipality_gets_404(client_for, other_counsellor, document):
    response = client_for(other_counsellor).get(reverse("cases:document_download", args=[document.pk]))
    assert response.status_code == 404
    assert not RecordView.objects.filter(user=other_counsellor).exists()


def test_a_colleague_gets_it_until_the_household_is_restricted(client_for, municipality, household, document):
    colleague = CounsellorFactory(municipality=municipality)
    url = reverse("cases:document_download", args=[document.pk])
    assert client_for(colleague).get(url).status_code == 200
    assert client_for(OfficerFactory(municipality=municipality)).get(url).status_code == 200
    household.restricted = True
    household.save()
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(household.counsellor).get(url).status_code == 200


@pytest.mark.parametrize(
    "name,content,message",
    [
        (
            "lonnsslipp.pdf",
            HTML,
            "Bare PDF-, JPEG- og PNG-filer kan legges ved",
        ),  # HTML that says it is a PDF
        ("side.html", HTML, "Bare PDF-, JPEG- og PNG-filer kan legges ved"),
        ("program.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "Bare PDF-, JPEG- og PNG-filer kan legges ved"),
        ("bilde.pdf", _png(), "Filnavnet sier at dette er en annen filtype enn innholdet, som er PNG"),
        (
            "stor.pdf",
            PDF + b"0" * (10 * 1024 * 1024),
            "Filen er for stor (10,0 MB): et dokument kan være høyst 10 MB.",
        ),
    ],
)
def test_a_file_that_lies_an_oversized_file_and_html_are_refused_in_norwegian_keeping_the_form(
    client_for, counsellor, household, name, content, message
):
    response = _upload(client_for(counsellor), household, name, content, title="Lønnsslipp mars")
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Lønnsslipp mars"' in html  # nothing else on the form is lost
    assert not Document.objects.exists()


def test_a_png_and_a_jpeg_are_accepted_by_their_content(client_for, counsellor, household):
    client = client_for(counsellor)
    jpeg = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(jpeg, "JPEG")
    assert _upload(client, household, "bilde.png", _png(), title="").status_code == 302
    assert _upload(client, household, "skann.JPEG", jpeg.getvalue(), title="").status_code == 302
    kinds = dict(Document.objects.values_list("title", "content_type"))
    assert kinds == {"bilde.png": "image/png", "skann.JPEG": "image/jpeg"}


def test_a_document_on_a_start_up_loan_of_another_household_is_refused(client_for, counsellor, household):
    from tests.factories import StartLoanApplicationFactory

    own = StartLoanApplicationFactory(household=household)
    other = StartLoanApplicationFactory(household=HouseholdFactory(municipality=household.municipality))
    client = client_for(counsellor)
    url = reverse("cases:document_upload", args=[household.pk])
    for startloan, expected in ((other, 200), (own, 302)):
        response = client.post(
            url,
            {"file": SimpleUploadedFile("a.pdf", PDF), "startloan": startloan.pk, "form_token": uuid.uuid4()},
        )
        assert response.status_code == expected
    assert list(Document.objects.values_list("startloan", flat=True)) == [own.pk]
    assert response.url == reverse("cases:startloan_detail", args=[own.pk])
    page = client.get(response.url).content.decode()
    assert reverse("cases:document_download", args=[Document.objects.get().pk]) in page
    assert f"?startloan={own.pk}" in page


def test_the_upload_form_is_sent_once(client_for, counsellor, household):
    client = client_for(counsellor)
    token = uuid.uuid4()
    for _ in range(2):
        client.post(
            reverse("cases:document_upload", args=[household.pk]),
            {"file": SimpleUploadedFile("a.pdf", PDF), "form_token": token},
        )
    assert Document.objects.count() == 1


def test_the_innsyn_export_holds_the_households_documents(client_for, manager, household, document):
    person = PersonFactory(household=household, with_national_id=True)
    response = client_for(manager).get(reverse("cases:person_innsyn", args=[person.pk]))
    export = json.loads(response.content)
    [row] = export["documents"]
    assert row["name"] == "Signert samtykke.pdf" and row["kind"] == "PDF"
    assert base64.b64decode(row["content_base64"]) == PDF


def test_retention_removes_the_documents_and_their_files(
    django_capture_on_commit_callbacks, municipality, household, document
):
    path = Path(settings.MEDIA_ROOT, document.file.name)
    household.closed_on, household.close_reason = date(2010, 1, 1), "goal_reached"
    household.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            households_anonymise_closed(municipality=municipality, as_of=date.today() + timedelta(days=1))
            == 1
        )
    assert not Document.objects.exists()
    assert not path.exists()
