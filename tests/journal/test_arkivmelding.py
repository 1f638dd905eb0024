"""The journal of a quarter as a Noark 5 arkivmelding the archive can import: valid against the
published schema (journal/schemas/, checked with xmlschema), one saksmappe per decision, one
journalpost per entry, each letter's PDF in the package under the name the message gives it."""

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from cases.services import decisions as services
from journal.arkivmelding import CATALOGUE, NS, STRUCTURE, arkivmelding_package
from journal.periods import parse_quarter
from journal.selectors import entries_for
from tests.factories import MunicipalityFactory
from tests.journal.world import approved_decision, letter_posted

pytestmark = pytest.mark.django_db

NAMES = {"am": NS, "as": STRUCTURE, "n5mdk": CATALOGUE}
SCHEMAS = Path(__file__).resolve().parents[2] / "journal" / "schemas"


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "arkivmelding.xsd"))


def _quarter_package(municipality, quarter="2026Q1"):
    entries = entries_for(municipality, parse_quarter(quarter)).select_related("letter")
    data = arkivmelding_package(municipality=municipality, entries=entries)
    package = zipfile.ZipFile(io.BytesIO(data))
    return package, package.read("arkivmelding.xml")


def test_the_quarters_arkivmelding_validates_and_carries_the_letters(schema):
    municipality = MunicipalityFactory(service_unit="Boveiledertjenesten")
    first = approved_decision(municipality, first_name="Amina", last_name="Hassan", on=date(2026, 1, 12))
    letter_posted(first, date(2026, 1, 13))
    services.appeal_register(decision=first, received_on=date(2026, 1, 26), by=first.approved_by)
    second = approved_decision(municipality, first_name="Ole", last_name="Berg", on=date(2026, 3, 30))
    letter_posted(second, date(2026, 3, 31))
    later = approved_decision(municipality, on=date(2026, 4, 2))
    letter_posted(later, date(2026, 4, 2))  # the next quarter: not in this one

    package, xml = _quarter_package(municipality)

    schema.validate(xml)
    message = ET.fromstring(xml)  # noqa: S314 - our own message, just made
    assert message.findtext("am:antallFiler", namespaces=NAMES) == "2"
    assert len(message.findall("am:mappe", NAMES)) == 2
    posts = message.findall("am:mappe/am:registrering", NAMES)
    assert [
        (
            p.findtext("am:journalaar", namespaces=NAMES),
            p.findtext("am:journalsekvensnummer", namespaces=NAMES),
        )
        for p in posts
    ] == [
        ("2026", "1"),
        ("2026", "2"),
        ("2026", "3"),
    ]
    assert [p.findtext("am:journalposttype/n5mdk:kode", namespaces=NAMES) for p in posts] == ["U", "I", "U"]
    names = [p.findtext("am:korrespondansepart/am:korrespondansepartNavn", namespaces=NAMES) for p in posts]
    assert names == ["Amina Hassan", "Amina Hassan", "Ole Berg"]
    for post in posts:
        basis = post.findtext("am:skjerming/as:skjermingshjemmel", namespaces=NAMES)
        assert basis == "Offl. § 13 jf. fvl. § 13"
        public_title = post.findtext("am:offentligTittel", namespaces=NAMES)
        assert "Hassan" not in public_title and "Berg" not in public_title
    documents = message.findall("am:mappe/am:registrering/am:dokumentbeskrivelse/am:dokumentobjekt", NAMES)
    assert len(documents) == 2
    for item in documents:
        data = package.read(item.findtext("am:referanseDokumentfil", namespaces=NAMES))
        assert data.startswith(b"%PDF")
        assert item.findtext("am:sjekksum", namespaces=NAMES) == hashlib.sha256(data).hexdigest()
        assert item.findtext("am:filstoerrelse", namespaces=NAMES) == str(len(data))
    named = [item.findtext("am:referanseDokumentfil", namespaces=NAMES) for item in documents]
    assert sorted(package.namelist()) == sorted(["arkivmelding.xml", *named])


def test_an_empty_quarter_is_still_a_valid_message(schema):
    _package, xml = _quarter_package(MunicipalityFactory())
    schema.validate(xml)


def test_the_schema_catches_a_broken_message(schema):
    """The check can fail: a journalpost without its required type is refused."""
    municipality = MunicipalityFactory()
    letter_posted(approved_decision(municipality, on=date(2026, 2, 2)), date(2026, 2, 3))
    _package, xml = _quarter_package(municipality)
    broken = xml.replace(b"<journalposttype>", b"<journalpostType>").replace(
        b"</journalposttype>", b"</journalpostType>"
    )
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(broken)
