"""The manager's journal and the public journal, on screen and as files: the public journal names no
one (page, CSV, PDF read back with pdftotext), the journal does; only managers get in; a bad period
says why; the page's queries do not grow with its rows."""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from cases.services import decisions as services
from journal.models import SCREENED
from tests.factories import CounsellorFactory, ManagerFactory, MunicipalityFactory, OfficerFactory
from tests.journal.world import approved_decision, letter_posted
from tests.services import pdftotext

pytestmark = pytest.mark.django_db

QUARTER = {"quarter": "2026Q1"}
NAMES = ("Amina", "Hassan", "Ole", "Berg")


@pytest.fixture
def journaled():
    """A quarter with two letters and an appeal; the manager of the municipality."""
    municipality = MunicipalityFactory(name="Ålesund", slug="alesund-journal")
    first = approved_decision(municipality, first_name="Amina", last_name="Hassan", on=date(2026, 1, 12))
    letter_posted(first, date(2026, 1, 13))
    services.appeal_register(decision=first, received_on=date(2026, 1, 26), by=first.approved_by)
    second = approved_decision(municipality, first_name="Ole", last_name="Berg", on=date(2026, 3, 30))
    letter_posted(second, date(2026, 3, 31))
    return ManagerFactory(municipality=municipality)


def _get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_the_manager_sees_the_quarters_journal_with_names(client, journaled):
    response = _get(client, journaled, "journal:journal", **QUARTER)

    html = response.content.decode()
    assert response.status_code == 200
    assert "2026/000001" in html and "2026/000003" in html
    assert "Amina Hassan" in html and "Ole Berg" in html
    assert "Klage på vedtak av 12.01.2026" in html


def test_the_public_journal_page_names_no_one(client, journaled):
    response = _get(client, journaled, "journal:public", **QUARTER)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(SCREENED) == 3
    assert "2026/000003" in html
    assert not [name for name in NAMES if name in html]


def test_the_public_journal_csv_names_no_one(client, journaled):
    response = _get(client, journaled, "journal:export", format="csv", public="1", **QUARTER)

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="offentlig-journal-alesund-journal-2026Q1'
    )
    assert rows[0][0] == "Journalnummer" and len(rows) == 4
    assert {row[4] for row in rows[1:]} == {SCREENED}
    assert not [name for name in NAMES if name in text]


def test_the_journal_csv_names_the_persons(client, journaled):
    response = _get(client, journaled, "journal:export", format="csv", **QUARTER)

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[4] for row in rows[1:]] == ["Amina Hassan", "Amina Hassan", "Ole Berg"]


def test_the_public_journal_pdf_names_no_one(client, journaled):
    response = _get(client, journaled, "journal:export", format="pdf", public="1", **QUARTER)

    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdftotext(response.content).split())
    assert "Offentlig journal 01.01.2026–31.03.2026" in text
    assert "2026/000001" in text and "2026/000003" in text
    assert "Unntatt offentlighet" in text
    assert not [name for name in NAMES if name in text]


def test_the_journal_pdf_names_the_persons(client, journaled):
    response = _get(client, journaled, "journal:export", format="pdf", **QUARTER)

    text = " ".join(pdftotext(response.content).split())
    assert "Amina Hassan" in text and "Ole Berg" in text


def test_the_arkivmelding_package_comes_from_the_page(client, journaled):
    response = _get(client, journaled, "journal:export", format="xml", **QUARTER)

    assert response["Content-Type"] == "application/zip"
    package = zipfile.ZipFile(io.BytesIO(response.content))
    assert "arkivmelding.xml" in package.namelist() and len(package.namelist()) == 3


def test_the_public_journal_is_never_an_arkivmelding(client, journaled):
    response = _get(client, journaled, "journal:export", format="xml", public="1", **QUARTER)

    assert response.status_code == 400
    assert "Arkivet får journalen, ikke den offentlige journalen." in response.content.decode()


@pytest.mark.parametrize(
    "params,message",
    [
        ({"date_from": "2026-03-01", "date_to": "2026-01-01"}, "Til-datoen kommer før fra-datoen."),
        ({"date_from": "2026-01-01"}, "Fyll inn begge datoene, eller velg et kvartal."),
        ({"date_from": "2024-01-01", "date_to": "2026-01-01"}, "Velg høyst ett år om gangen."),
        ({"quarter": "2026Q9"}, "Velg et gyldig valg."),
    ],
)
def test_a_bad_period_says_why_and_keeps_what_was_typed(client, journaled, params, message):
    response = _get(client, journaled, "journal:export", format="csv", **params)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    for value in params.values():
        if value != "2026Q9":
            assert f'value="{value}"' in html


def test_dates_choose_the_period(client, journaled):
    response = _get(client, journaled, "journal:journal", date_from="2026-03-01", date_to="2026-03-31")

    html = response.content.decode()
    assert "Ole Berg" in html and "Amina Hassan" not in html


@pytest.mark.parametrize("factory", [CounsellorFactory, OfficerFactory])
def test_only_managers_open_the_journal(client, journaled, factory):
    user = factory(municipality=journaled.municipality)
    for name in ("journal:journal", "journal:public", "journal:export"):
        assert _get(client, user, name, **QUARTER).status_code == 403


def test_another_municipalitys_manager_sees_none_of_it(client, journaled):
    response = _get(client, ManagerFactory(municipality=MunicipalityFactory()), "journal:journal", **QUARTER)

    assert "Amina Hassan" not in response.content.decode()
    assert "2026/000001" not in response.content.decode()


def test_the_menu_offers_the_journal_to_managers_only(client, journaled):
    page = _get(client, journaled, "journal:journal").content.decode()
    assert f'href="{reverse("journal:journal")}"' in page
    counsellor = CounsellorFactory(municipality=journaled.municipality)
    assert reverse("journal:journal") not in _get(client, counsellor, "cases:caseload").content.decode()


def test_the_journal_pages_queries_do_not_grow_with_its_rows(client, journaled, django_assert_num_queries):
    client.force_login(journaled)
    url = reverse("journal:journal")
    with django_assert_num_queries(4) as counted:
        client.get(url, QUARTER)
    for on in (date(2026, 2, 2), date(2026, 2, 3)):
        letter_posted(approved_decision(journaled.municipality, on=on), on)
    with django_assert_num_queries(len(counted.captured_queries)):
        client.get(url, QUARTER)


def test_the_decision_page_shows_its_journal_numbers_to_its_counsellor(client, journaled):
    from journal.models import JournalEntry

    entry = JournalEntry.objects.get(number=1)
    decision = entry.case.decision
    client.force_login(decision.household.counsellor)

    html = client.get(reverse("cases:decision_detail", args=[decision.pk])).content.decode()

    assert "Sak 2026/1 i kommunens journal." in html
    assert "2026/000001 (2026/1-1) – Utgående" in html and "2026/000002 (2026/1-2) – Inngående" in html
