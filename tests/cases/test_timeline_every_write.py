"""Every service that writes a household's record puts its event on the timeline.

Two checks. The structural one reads the services' source: each public service that opens a
transaction must call the timeline's writer (itself, through a helper of its own or through another
service), or be listed in NO_EVENT with the reason. The behavioural one walks a household's story
through the services and asserts the event of the right kind after each step."""

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Appeal, FollowUp, Household, TimelineEvent
from cases.services import (
    caseload,
    consents,
    decisions,
    documents,
    followups,
    households,
    privacy,
    retention,
    startloans,
)
from housing.models import LongTenureFlag, MoveOutReason
from housing.services import flags, tenancies
from tests.factories import CounsellorFactory, LongTenureFlagFactory, PartnerAgencyFactory, RentalUnitFactory

ROOT = Path(__file__).resolve().parents[2]
SERVICE_PACKAGES = ("cases/services", "housing/services")
WRITERS = {"timeline_record", "timeline_record_many"}

# Services that write without an event, and why.
NO_EVENT = {
    "agency_create": "a partner agency is the municipality's, not a household's",
    "agency_update": "a partner agency is the municipality's, not a household's",
    "calendar_feed_renew": "a staff member's calendar token",
    "approver_set": "a staff member's right to approve",
    "letter_retry": "queues a letter again; the decision's approval is on the timeline",
    "followup_hold": "kept aside for the manager, off the timeline the counsellor can no longer read",
    "startloan_update": "the application's facts (its history keeps them); the timeline tells its steps",
    "flags_raise_due_in": "a flag is the officers' prompt for a conversation, not a thing that happened",
    "flag_thresholds_set": "the municipality's thresholds",
    "unit_create": "a rental unit, no household's",
    "unit_update": "a rental unit, no household's",
    "decision_delivered": "on the timeline as the letter's status, by the channel that saw it",
}


def _functions():
    found = {}
    for package in SERVICE_PACKAGES:
        for path in sorted((ROOT / package).glob("*.py")):
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef):
                    found.setdefault(node.name, node)
    return found


def _called(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
    return names


def _opens_transaction(node) -> bool:
    return any("atomic" in ast.unparse(n) for n in node.decorator_list) or any(
        isinstance(n, ast.With) and any("atomic" in ast.unparse(item.context_expr) for item in n.items)
        for n in ast.walk(node)
    )


def _records(name: str, functions: dict, seen: set) -> bool:
    if name in WRITERS:
        return True
    if name in seen or name not in functions:
        return False
    seen.add(name)
    return any(_records(called, functions, seen) for called in _called(functions[name]))


def test_every_writing_service_records_its_event_or_says_why_not():
    functions = _functions()
    writing = {
        name for name, node in functions.items() if not name.startswith("_") and _opens_transaction(node)
    }
    assert writing > {"followup_log", "tenancy_end", "caseload_transfer"}  # the walk finds the services
    silent = sorted(name for name in writing - set(NO_EVENT) if not _records(name, functions, set()))
    assert silent == [], "these services write without a timeline event (or list them in NO_EVENT)"
    assert set(NO_EVENT) <= writing, "NO_EVENT names a service that no longer writes"
    recording = sorted(name for name in NO_EVENT if _records(name, functions, set()))
    assert recording == [], "these services record an event: take them off NO_EVENT"


# --- a household's story, service by service -----------------------------------------------------

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Story:
    def __init__(self):
        self.household = None
        self.seen = TimelineEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def expect(self, *kinds):
        """The events written since the last step are these kinds, on this household."""
        new = list(
            TimelineEvent.objects.filter(pk__gt=self.seen)
            .order_by("pk")
            .values_list("kind", "household_id", "pk")
        )
        assert [kind for kind, _household, _pk in new] == list(kinds)
        assert {household for _kind, household, _pk in new} <= {self.household.pk}
        self.seen = max([pk for _kind, _household, pk in new], default=self.seen)


@pytest.mark.django_db
def test_a_households_story_leaves_one_event_of_its_kind_per_step(
    municipality, counsellor, officer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        _story(municipality, counsellor, officer, manager)


def _story(municipality, counsellor, officer, manager):
    story = Story()
    household = story.household = households.household_register(
        municipality=municipality,
        by=counsellor,
        reference="H-2026-0001",
        counsellor=counsellor,
        postal_address="Storgata 1",
        postcode="6003",
        post_town="Ålesund",
    )
    story.expect("household_registered")
    person = households.person_add(
        household=household,
        by=counsellor,
        first_name="Amina",
        last_name="Hassan",
        birth_date=date(1990, 1, 1),
    )
    story.expect("member_added")
    households.person_update(person=person, by=counsellor, first_name="Aminah")
    story.expect("person_updated")
    households.household_update(household=household, by=counsellor, notes="Ønsker å eie")
    story.expect("household_updated")
    visit = followups.followup_log(household=household, by=counsellor, date=TODAY, kind=FollowUp.Kind.PHONE)
    story.expect("followup")
    followups.followup_correct(followup=visit, by=counsellor, minutes=15)
    story.expect("followup_corrected")
    agency = PartnerAgencyFactory(municipality=municipality)
    consent = consents.consent_record(
        household=household, person=person, agency=agency, purpose="Økonomi", given_on=TODAY, by=counsellor
    )
    story.expect("consent_recorded")
    consents.consent_withdraw(consent=consent, by=counsellor, on=TODAY)
    story.expect("consent_withdrawn")
    documents.document_attach(
        household=household, upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf"), by=counsellor
    )
    story.expect("document")
    application = startloans.startloan_create(household=household, by=counsellor, received_on=TODAY)
    story.expect("startloan_received")
    startloans.startloan_transition(application=application, to_status="in_review", by=counsellor, on=TODAY)
    story.expect("startloan_in_review")
    decision = decisions.decision_draft(
        household=household,
        person=person,
        by=counsellor,
        assessment="Trangt.",
        main_content="Besøk.",
        period_from=TODAY,
        participation="Med.",
        reasons="Vanskeligstilt.",
    )
    story.expect("decision_drafted")
    decisions.decision_update(decision=decision, by=counsellor, main_content="Besøk hver uke.")
    story.expect("decision_updated")
    decisions.decision_submit(decision=decision, by=counsellor)
    story.expect("decision_submitted")
    decisions.decision_send_back(decision=decision, by=manager, comment="Mer om boligen.")
    story.expect("decision_sent_back")
    decisions.decision_submit(decision=decision, by=counsellor)
    decisions.decision_approve(decision=decision, by=manager, on=TODAY - timedelta(days=3))
    story.expect("decision_submitted", "decision_approved")
    appeal = decisions.appeal_register(decision=decision, received_on=TODAY, by=counsellor)
    story.expect("appeal_registered")
    decisions.appeal_second_look(appeal=appeal, result=Appeal.SecondLook.KEPT, on=TODAY, by=counsellor)
    story.expect("appeal_second_look")
    decisions.appeal_forward(appeal=appeal, on=TODAY, by=counsellor)
    story.expect("appeal_forwarded")
    decisions.appeal_outcome(appeal=appeal, outcome=Appeal.Outcome.UPHELD, on=TODAY, by=counsellor)
    story.expect("appeal_outcome")
    decisions.decision_renew(decision=decision, by=counsellor)
    story.expect("decision_renewal_drafted")
    privacy.household_restriction_set(household=household, restricted=True, by=manager)
    privacy.household_restriction_set(household=household, restricted=False, by=manager)
    story.expect("restricted", "restriction_lifted")
    unit = RentalUnitFactory(municipality=municipality)
    tenancy = tenancies.tenancy_start(
        unit=unit, household=household, start_date=TODAY - timedelta(days=2000), by=officer
    )
    story.expect("tenancy_started")
    tenancies.tenancy_renew(
        tenancy=tenancy, new_end_date=TODAY + timedelta(days=5000), renewed_on=TODAY, by=officer
    )
    story.expect("tenancy_renewed")
    flag = LongTenureFlagFactory(tenancy=tenancy)
    flags.flag_decide(flag=flag, decision=LongTenureFlag.Decision.STARTLOAN_ENCOURAGED, by=officer)
    story.expect("flag_decided")
    tenancies.tenancy_end(
        tenancy=tenancy, on=TODAY + timedelta(days=30), reason=MoveOutReason.BOUGHT, by=officer
    )
    story.expect("tenancy_end_planned")
    tenancies.tenancy_move_out_cancel(tenancy=tenancy, by=officer)
    story.expect("tenancy_end_cancelled")
    tenancies.tenancy_end(tenancy=tenancy, on=TODAY, reason=MoveOutReason.BOUGHT, by=officer)
    story.expect("tenancy_ended", "flag_resolved")
    caseload.caseload_transfer(
        from_user=counsellor, to_user=CounsellorFactory(municipality=municipality), by=manager
    )
    story.expect("counsellor_changed")
    households.person_remove(person=person, by=counsellor)
    story.expect("member_removed")
    households.household_close(
        household=household, by=counsellor, on=date(2010, 1, 1), reason=Household.CloseReason.GOAL_REACHED
    )
    story.expect("household_closed")
    households.household_reopen(household=household, by=counsellor)
    story.expect("household_reopened")
    households.household_close(
        household=household, by=counsellor, on=date(2010, 1, 1), reason=Household.CloseReason.GOAL_REACHED
    )
    story.expect("household_closed")
    retention.households_anonymise_closed(municipality=municipality, as_of=TODAY)
    story.expect("anonymised")
