"""The timeline as data: every kind reads in the reader's language and is read back from the
sentences it was once stored as, in English or Norwegian (what the data migration relies on)."""

import pytest
from django.utils import translation

from cases.services.timeline import timeline_event, timeline_params
from cases.timeline import KINDS, TimelineKind, timeline_parse, timeline_text

# Parameters for an event of each kind, as a service writes them.
SAMPLES = {
    "legacy_note": [{"text": "Hjemmebesøk, 20 min (skrevet før)"}],
    "household_registered": [{}],
    "household_imported": [{}],
    "household_updated": [{"fields": ["notes", "enrolled_on"]}],
    "household_closed": [{"reason": "goal_reached"}, {"reason": "declined"}],
    "household_reopened": [{}],
    "counsellor_changed": [{"old": "Kari Nordmann", "new": "Jon Berg"}],
    "restricted": [{}],
    "restriction_lifted": [{}],
    "anonymised": [{}],
    "member_added": [{"name": "Amina Hassan"}],
    "member_moved": [{"name": "Amina Hassan"}],
    "member_removed": [{"name": "Amina Hassan"}],
    "person_updated": [{"name": "Amina Hassan", "fields": ["first_name", "birth_date"]}],
    "followup": [{"kind": "home_visit", "minutes": 20}, {"kind": "phone", "minutes": None}],
    "followup_corrected": [{"kind": "accompaniment", "minutes": 90}, {"kind": "digital", "minutes": None}],
    "consent_recorded": [{"agency": "NAV Ålesund"}],
    "consent_withdrawn": [{"agency": "NAV Ålesund"}],
    "document": [{"title": "lønnsslipp mars.pdf"}],
    "startloan_received": [{}],
    "decision_drafted": [{"outcome": "granted"}, {"outcome": "refused"}],
    "decision_updated": [{}],
    "decision_submitted": [{"name": "Lise Leder"}, {"name": ""}],
    "decision_sent_back": [{"comment": "Skriv begrunnelsen tydeligere"}],
    "decision_approved": [
        {"outcome": "granted", "deadline": "2026-03-21"},
        {"outcome": "refused", "deadline": None},
    ],
    "decision_renewal_drafted": [{"date": "2025-12-31"}],
    "decision_letter_archived": [{"ref": "2026/123-4"}],
    "appeal_registered": [{"within": True}, {"within": False}],
    "appeal_second_look": [{"result": "changed"}, {"result": "kept"}],
    "appeal_forwarded": [{}],
    "appeal_outcome": [{"outcome": "upheld"}, {"outcome": "returned"}],
    "tenancy_started": [{"address": "Storgata 1, 6003 Ålesund"}],
    "tenancy_start_planned": [{"address": "Storgata 1", "date": "2026-02-01"}],
    "tenancy_ended": [
        {"address": "Storgata 1", "reason": "bought"},
        {"address": "Storgata 1", "reason": "other"},
    ],
    "tenancy_end_planned": [{"address": "Storgata 1", "date": "2026-02-01", "reason": "private_rental"}],
    "tenancy_end_cancelled": [{"address": "Storgata 1", "date": "2026-02-01"}],
    "tenancy_renewed": [{"date": "2029-01-31"}],
    "flag_decided": [
        {"decision": "referred", "name": "Kari Nordmann", "date": None},
        {"decision": "startloan_encouraged", "name": "", "date": None},
        {"decision": "contract_renewed", "name": "", "date": "2029-01-31"},
        {"decision": "contract_renewed", "name": "", "date": None},
        {"decision": "sleeping", "name": "", "date": "2026-06-01"},
        {"decision": "resolved", "name": "", "date": None},
    ],
    "flag_resolved": [{}],
    "letter_sent_svarut": [{}],
    "letter_refused": [{}],
    "letter_not_delivered": [{"status": "IKKE_LEVERT"}, {"status": "AVVIST"}],
    "letter_status": [{"status": "LEVERT_SDP"}, {"status": "VARSLET"}],
    "letter_posted": [{}],
}
_STEP = {"after_appeal": False, "approval": "", "valid_until": None, "ref": ""}
for _status in ("in_review", "approved", "rejected", "appealed", "withdrawn", "disbursed"):
    SAMPLES[TimelineKind.startloan(_status)] = [
        {**_STEP, "status": _status},
        {**_STEP, "status": _status, "ref": "SK-77"},
    ]
SAMPLES["startloan_approved"] += [
    {**_STEP, "status": "approved", "approval": "certificate", "valid_until": "2026-09-30", "ref": "SK-1"},
    {**_STEP, "status": "approved", "approval": "commitment"},
    {**_STEP, "status": "approved", "after_appeal": True, "approval": "commitment"},
]
SAMPLES["startloan_rejected"] += [{**_STEP, "status": "rejected", "after_appeal": True}]

CASES = [(kind, params) for kind, samples in SAMPLES.items() for params in samples]


def test_every_kind_has_samples_here():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize(("kind", "params"), CASES)
def test_each_kind_reads_in_the_readers_language_and_back(kind, params):
    """Its sentence differs by language where the words do, and either one reads back as the same
    kind and parameters (how the migration turns stored sentences into events)."""
    timeline_params(kind, params)  # the writer takes them
    texts = {}
    for language in ("en", "nb"):
        with translation.override(language):
            texts[language] = timeline_text(kind, params)
    for language, text in texts.items():
        stored = "member_removed" if kind == "member_moved" else kind  # stored under that kind before
        assert timeline_parse(stored, text) == (kind, params), (language, text)


@pytest.mark.parametrize(
    ("kind", "en", "nb"),
    [
        ("followup", "Home visit, 20 min", "Hjemmebesøk, 20 min"),
        (
            "tenancy_ended",
            "Moved out of Storgata 1: Bought own home",
            "Flyttet ut av Storgata 1: Kjøpte egen bolig",
        ),
        ("household_closed", "Case closed: Goal reached", "Saken avsluttet: Målet nådd"),
    ],
)
def test_a_sentence_reads_in_the_readers_language(kind, en, nb):
    params = timeline_parse(kind, en)[1]
    with translation.override("nb"):
        assert timeline_text(kind, params) == nb
    with translation.override("en"):
        assert timeline_text(kind, timeline_parse(kind, nb)[1]) == en


def test_a_sentence_not_read_back_stays_as_written():
    kind, params = timeline_parse("followup", "Besøk hos NAV med Kari")
    assert (kind, params) == ("legacy_note", {"text": "Besøk hos NAV med Kari"})
    for language in ("en", "nb"):
        with translation.override(language):
            assert timeline_text(kind, params) == "Besøk hos NAV med Kari"
    assert timeline_parse("a_kind_never_known", "Hendelse") == ("legacy_note", {"text": "Hendelse"})


@pytest.mark.parametrize(
    ("kind", "params", "problem"),
    [
        ("no_such_kind", {}, ValueError),
        ("tenancy_started", {}, ValueError),  # its address missing
        ("tenancy_started", {"address": "Storgata 1", "summary": "Moved in"}, ValueError),
        ("tenancy_started", {"address": translation.gettext_lazy("Storgata 1")}, TypeError),  # a sentence
    ],
)
def test_the_writer_refuses_what_is_not_an_event_of_a_known_kind(kind, params, problem):
    with pytest.raises(problem):
        timeline_params(kind, params)


def test_the_writer_keeps_data_as_plain_json():
    import datetime

    event = timeline_event(
        household=1,
        kind="tenancy_start_planned",
        params={"address": "Storgata 1", "date": datetime.date(2026, 2, 1)},
        on=datetime.date(2026, 1, 1),
    )
    assert event.params == {"address": "Storgata 1", "date": "2026-02-01"}
