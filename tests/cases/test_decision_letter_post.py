"""The decision letter can be posted and answered (forvaltningsloven § 27). The real
PDF is rendered and read back with poppler: the recipient's postal address, the sender's address and
contact, the date, reference, appeal and access; no birth date and no national ID; still tagged."""

import subprocess
from datetime import date

import pytest

from cases.services import decisions as services
from tests.factories import (
    CounsellorFactory,
    HouseholdFactory,
    ManagerFactory,
    MunicipalityFactory,
    PersonFactory,
)
from tests.services import pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter_pdf(django_capture_on_commit_callbacks):
    municipality = MunicipalityFactory(
        name="Ålesund",
        slug="alesund-post",
        postal_address="Postboks 1521",
        postcode="6025",
        post_town="Ålesund",
        service_unit="Boveiledertjenesten, Helse og velferd",
        phone="70 16 20 00",
        email="postmottak@alesund.kommune.no",
    )
    counsellor = CounsellorFactory(municipality=municipality, first_name="Kari", last_name="Nordvik")
    manager = ManagerFactory(municipality=municipality, first_name="Lise", last_name="Leder")
    household = HouseholdFactory(
        municipality=municipality,
        counsellor=counsellor,
        reference="H-2026-17",
        postal_address="Storgata 12 B",
        postcode="6002",
        post_town="Ålesund",
    )
    person = PersonFactory(
        household=household,
        first_name="Amina",
        last_name="Hassan",
        birth_date=date(1988, 4, 9),
        household_role="applicant",
        with_national_id=True,
    )
    decision = services.decision_draft(
        household=household,
        person=person,
        by=counsellor,
        main_content="Oppfølgingsbesøk to ganger i måneden.",
        period_from=date(2026, 3, 2),
        reasons="Husstanden er vanskeligstilt på boligmarkedet.",
    )
    services.decision_submit(decision=decision, by=counsellor)
    with django_capture_on_commit_callbacks(execute=False):
        services.decision_approve(decision=decision, by=manager, on=date(2026, 3, 2))
    letter = services.letter_render(letter=decision.letters.get())
    assert not letter.error, letter.error
    with letter.pdf.open("rb") as fh:
        return {"data": fh.read(), "person": person, "decision": decision}


def _text(data: bytes) -> str:
    return " ".join(pdftotext(data).split())


def test_the_letter_has_a_postal_address_and_no_birth_date_or_national_id(letter_pdf):
    text = _text(letter_pdf["data"])
    lines = [line.strip() for line in pdftotext(letter_pdf["data"]).splitlines() if line.strip()]
    # The recipient as a post office reads it: name, street, postcode and place, each on its own line.
    name_at = lines.index(next(line for line in lines if line.startswith("Amina Hassan")))
    assert lines[name_at + 1].startswith("Storgata 12 B")
    assert lines[name_at + 2].startswith("6002 Ålesund")
    assert "Født" not in text and "09.04.1988" not in text
    national_id = letter_pdf["person"].national_id
    assert national_id not in text.replace(" ", "") and national_id[6:] not in text.replace(" ", "")


def test_the_letter_names_the_sender_so_the_citizen_can_answer(letter_pdf):
    text = _text(letter_pdf["data"])
    for part in (
        "Ålesund kommune",
        "Boveiledertjenesten, Helse og velferd",
        "Postboks 1521",
        "6025 Ålesund",
        "Kontaktperson: Kari Nordvik",
        "Telefon: 70 16 20 00",
        "E-post: postmottak@alesund.kommune.no",
    ):
        assert part in text, part
    decision = letter_pdf["decision"]
    assert "Dato: 02.03.2026" in text
    assert f"Vår referanse: H-2026-17/{decision.pk}" in text
    # The right to appeal and its deadline (§§ 27, 29), and to see the documents (§ 18).
    assert "Klagefristen er tre uker" in text and "går klagefristen ut 23.03.2026" in text
    assert "Send klagen til Ålesund kommune, Postboks 1521, 6025 Ålesund" in text
    assert "forvaltningsloven §§ 18 og 19" in text


def test_the_letter_stays_a_tagged_pdf_with_its_title_and_language(letter_pdf):
    info = subprocess.run(
        ["pdfinfo", "-"], input=letter_pdf["data"], capture_output=True, check=True
    ).stdout.decode()
    assert "Tagged:          yes" in info
    assert "Title:           Vedtak om individuelt tilpasset bistand – Ålesund" in info
