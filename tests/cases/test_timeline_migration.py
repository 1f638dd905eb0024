"""The data migration that turns timeline events stored as sentences (English or Norwegian) into
kinds and parameters, keeping a sentence it cannot read as a legacy note."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from cases.models import TimelineEvent

BEFORE = [("cases", "0008_timeline_event_params")]
AFTER = [("cases", "0010_remove_timelineevent_summary")]

STORED = [
    # (kind as stored, sentence as stored, kind and params after)
    ("followup", "Home visit, 20 min", ("followup", {"kind": "home_visit", "minutes": 20})),
    ("followup", "Hjemmebesøk, 45 min", ("followup", {"kind": "home_visit", "minutes": 45})),
    ("tenancy_started", "Flyttet inn i Storgata 1", ("tenancy_started", {"address": "Storgata 1"})),
    (
        "tenancy_ended",
        "Moved out of Storgata 1: Bought own home",
        ("tenancy_ended", {"address": "Storgata 1", "reason": "bought"}),
    ),
    ("member_removed", "Amina Hassan moved to another household", ("member_moved", {"name": "Amina Hassan"})),
    ("household_registered", "Husstand registrert", ("household_registered", {})),
    ("note", "Hendelse 3", ("legacy_note", {"text": "Hendelse 3"})),
    ("followup", "Besøk hos NAV med Kari", ("legacy_note", {"text": "Besøk hos NAV med Kari"})),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_sentences_become_kinds_or_legacy_notes(household):
    household_id = household.pk
    try:
        old_apps = _migrate(BEFORE)
        old_event = old_apps.get_model("cases", "TimelineEvent")
        ids = [
            old_event.objects.create(
                household_id=household_id, kind=kind, summary=text, occurred_on=date(2025, 1, 1)
            ).pk
            for kind, text, _after in STORED
        ]
        _migrate(AFTER)
    finally:
        _migrate(executor_leaf())
    events = TimelineEvent.objects.in_bulk(ids)
    for pk, (_kind, text, after) in zip(ids, STORED, strict=True):
        assert (events[pk].kind, events[pk].params) == after, text
    with translation.override("en"):
        assert events[ids[1]].text == "Home visit, 45 min"
    with translation.override("nb"):
        assert events[ids[3]].text == "Flyttet ut av Storgata 1: Kjøpte egen bolig"
        assert events[ids[7]].text == "Besøk hos NAV med Kari"


def executor_leaf():
    """Every app at its latest migration, as the rest of the suite expects."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
