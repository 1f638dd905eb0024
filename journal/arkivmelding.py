"""The journal of a period as a Noark 5 arkivmelding (v2) for the municipality's archive: one
saksmappe per case, one journalpost per entry, each letter's PDF as the entry's main document. The
package is a ZIP holding `arkivmelding.xml` and the PDFs it names (referanseDokumentfil). See
docs/journal.md; the schemas are in journal/schemas/."""

import hashlib
import io
import uuid
import zipfile
from datetime import datetime, time
from xml.etree import ElementTree as ET

from django.utils import timezone

from journal.models import SCREENING_BASIS, JournalEntry

NS = "http://www.arkivverket.no/standarder/noark5/arkivmelding/v2"
# The children of types the message borrows are in the namespace of the schema that declares them.
STRUCTURE = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
CATALOGUE = "http://www.arkivverket.no/standarder/noark5/metadatakatalog/v2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SYSTEM = "Boveileder"
DOCUMENTS = "dokumenter"

# Noark 5 code lists (kode, beskrivelse).
JOURNALPOST_TYPE = {"I": ("I", "Inngående dokument"), "U": ("U", "Utgående dokument")}
PARTY_TYPE = {"I": ("EA", "Avsender"), "U": ("EM", "Mottaker")}
JOURNALED = ("J", "Journalført")
CASE_OPEN = ("B", "Under behandling")
CONFIDENTIAL = ("13", "Taushetsbelagte opplysninger")
LETTER = ("B", "Brev")
FINISHED = ("F", "Dokumentet er ferdigstilt")
MAIN_DOCUMENT = ("H", "Hoveddokument")
PRODUCTION_FORMAT = ("P", "Produksjonsformat")
PDF_FORMAT = ("fmt/276", "PDF 1.7")
CHANNELS = {"post": "Post", "svarut": "SvarUt"}

ET.register_namespace("arkivstruktur", STRUCTURE)
ET.register_namespace("n5mdk", CATALOGUE)
ET.register_namespace("xsi", XSI)


def _add(parent, name: str, text=None, *, ns: str = NS, xsi_type: str | None = None):
    attrs = {f"{{{XSI}}}type": xsi_type} if xsi_type else {}
    element = ET.SubElement(parent, f"{{{ns}}}{name}", attrs)
    if text is not None:
        element.text = str(text)
    return element


def _code(parent, name: str, code: tuple[str, str], *, ns: str = NS):
    """A code from a Noark code list: its `kode` and `beskrivelse` are metadatakatalog elements."""
    element = _add(parent, name, ns=ns)
    _add(element, "kode", code[0], ns=CATALOGUE)
    _add(element, "beskrivelse", code[1], ns=CATALOGUE)
    return element


def _stamp(value) -> str:
    if not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, time(12, 0)))
    return timezone.localtime(value).isoformat(timespec="seconds")


def _screening(parent):
    skjerming = _add(parent, "skjerming")
    _code(skjerming, "tilgangsrestriksjon", CONFIDENTIAL, ns=STRUCTURE)
    _add(skjerming, "skjermingshjemmel", SCREENING_BASIS, ns=STRUCTURE)


def _external_key(parent, key: str):
    element = _add(parent, "referanseEksternNoekkel")
    _add(element, "fagsystem", SYSTEM, ns=STRUCTURE)
    _add(element, "noekkel", key, ns=STRUCTURE)


class _Files:
    """The PDFs the message names, by their path in the package."""

    def __init__(self):
        self.files: dict[str, bytes] = {}

    def add(self, entry: JournalEntry) -> tuple[str, bytes] | None:
        letter = entry.letter
        if letter is None or not letter.pdf:
            return None
        with letter.pdf.open("rb") as handle:
            data = handle.read()
        path = f"{DOCUMENTS}/{entry.year}-{entry.number:06d}-vedtak.pdf"
        self.files[path] = data
        return path, data


def _document(parent, entry: JournalEntry, path: str, data: bytes):
    description = _add(parent, "dokumentbeskrivelse")
    _add(description, "systemID", uuid.uuid5(entry.system_id, "dokumentbeskrivelse"))
    _code(description, "dokumenttype", LETTER)
    _code(description, "dokumentstatus", FINISHED)
    _add(description, "tittel", entry.title)
    _add(description, "opprettetDato", _stamp(entry.letter.rendered_at or entry.created_at))
    _add(description, "opprettetAv", SYSTEM)
    _code(description, "tilknyttetRegistreringSom", MAIN_DOCUMENT)
    _add(description, "dokumentnummer", 1)
    _add(description, "tilknyttetDato", _stamp(entry.created_at))
    _add(description, "tilknyttetAv", SYSTEM)
    _screening(description)
    item = _add(description, "dokumentobjekt")
    _add(item, "systemID", uuid.uuid5(entry.system_id, "dokumentobjekt"))
    _add(item, "versjonsnummer", 1)
    _code(item, "variantformat", PRODUCTION_FORMAT)
    _code(item, "format", PDF_FORMAT)
    _add(item, "mimeType", "application/pdf")
    _add(item, "opprettetDato", _stamp(entry.letter.rendered_at or entry.created_at))
    _add(item, "opprettetAv", SYSTEM)
    _add(item, "filnavn", path.rsplit("/", 1)[-1])
    _add(item, "referanseDokumentfil", path)
    _add(item, "sjekksum", hashlib.sha256(data).hexdigest())
    _add(item, "sjekksumAlgoritme", "SHA-256")
    _add(item, "filstoerrelse", len(data))


def _journalpost(parent, entry: JournalEntry, files: _Files):
    post = _add(parent, "registrering", xsi_type="journalpost")
    _add(post, "systemID", entry.system_id)
    _add(post, "opprettetDato", _stamp(entry.created_at))
    _add(post, "opprettetAv", SYSTEM)
    _screening(post)
    document = files.add(entry)
    if document is not None:
        _document(post, entry, *document)
    _add(post, "tittel", entry.title)
    _add(post, "offentligTittel", entry.title)
    party = _add(post, "korrespondansepart")
    _code(party, "korrespondanseparttype", PARTY_TYPE[entry.direction])
    _add(party, "korrespondansepartNavn", entry.correspondent)
    if entry.channel:
        _add(party, "forsendelsesmaate", CHANNELS.get(entry.channel, entry.channel))
    _external_key(post, f"journalpost:{entry.year}/{entry.number}")
    _add(post, "journalaar", entry.year)
    _add(post, "journalsekvensnummer", entry.number)
    _add(post, "journalpostnummer", entry.document_number)
    _code(post, "journalposttype", JOURNALPOST_TYPE[entry.direction])
    _code(post, "journalstatus", JOURNALED)
    _add(post, "journaldato", entry.journal_date.isoformat())
    _add(post, "dokumentetsDato", entry.document_date.isoformat())
    if entry.direction == JournalEntry.Direction.INCOMING:
        _add(post, "mottattDato", _stamp(entry.journal_date))
    else:
        _add(post, "sendtDato", _stamp(entry.journal_date))


def _case(root, case, entries, municipality, files: _Files):
    folder = _add(root, "mappe", xsi_type="saksmappe")
    _add(folder, "systemID", case.system_id)
    _add(folder, "tittel", case.title)
    _add(folder, "offentligTittel", case.public_title)
    _add(folder, "opprettetDato", _stamp(case.created_at))
    _add(folder, "opprettetAv", SYSTEM)
    _screening(folder)
    _external_key(folder, f"sak:{case.reference}")
    for entry in entries:
        _journalpost(folder, entry, files)
    _add(folder, "saksaar", case.year)
    _add(folder, "sakssekvensnummer", case.number)
    _add(folder, "saksdato", case.opened_on.isoformat())
    _add(folder, "administrativEnhet", municipality.service_unit or municipality.name)
    _add(folder, "saksansvarlig", municipality.service_unit or municipality.name)
    _code(folder, "saksstatus", CASE_OPEN)


def arkivmelding_build(*, municipality, entries) -> tuple[bytes, dict[str, bytes]]:
    """The arkivmelding XML of `entries` (grouped by case) and the files it names."""
    files = _Files()
    root = ET.Element(f"{{{NS}}}arkivmelding")
    _add(root, "system", SYSTEM)
    _add(root, "meldingId", uuid.uuid4())
    _add(root, "tidspunkt", _stamp(timezone.now()))
    count = _add(root, "antallFiler", 0)
    cases: dict[int, list[JournalEntry]] = {}
    for entry in entries:
        cases.setdefault(entry.case_id, []).append(entry)
    for case_entries in cases.values():
        _case(root, case_entries[0].case, case_entries, municipality, files)
    count.text = str(len(files.files))
    ET.indent(root)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=NS)
    return xml, files.files


def arkivmelding_package(*, municipality, entries) -> bytes:
    """A ZIP with `arkivmelding.xml` and the documents it refers to."""
    xml, files = arkivmelding_build(municipality=municipality, entries=entries)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("arkivmelding.xml", xml)
        for path, data in files.items():
            package.writestr(path, data)
    return out.getvalue()
