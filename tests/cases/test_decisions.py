"""Individual decisions, the services: four eyes, completeness, appeals and their deadlines, renewal."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cases import selectors
from cases.deadlines import deadlines_for
from cases.models import Appeal, Decision, Household, TimelineEvent
from cases.services import decisions as services
from tests.factories import CounsellorFactory, HouseholdFactory, PersonFactory, TenancyFactory, UserFactory

TODAY = timezone.localdate()


@pytest.fixture
def person(household):
    return PersonFactory(household=household, with_national_id=True, household_role="applicant")


@pytest.fixture
def draft(household, person, counsellor):
    return services.decision_draft(
        household=household,
        person=person,
        by=counsellor,
        assessment="Familien bor trangt og ønsker å eie.",
        main_content="Oppfølgingsbesøk to ganger i måneden; hjelp til å søke startlån.",
        period_from=TODAY,
        period_to=TODAY + timedelta(days=365),
        participation="Familien var med på samtalen og ønsker hjelpen.",
        reasons="Familien er vanskeligstilt på boligmarkedet.",
    )


@pytest.fixture
def submitted(draft, counsellor):
    return services.decision_submit(decision=draft, by=counsellor)


@pytest.fixture
def approved(submitted, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return services.decision_approve(decision=submitted, by=manager, on=TODAY - timedelta(days=5))


@pytest.mark.django_db
def test_a_draft_gets_the_default_legal_basis_and_stands_on_the_timeline(draft, person):
    assert "§ 6" in draft.legal_basis and "forvaltningsloven" in draft.legal_basis
    event = TimelineEvent.objects.get(kind="decision_drafted")
    assert event.household == draft.household
    assert person.national_id not in event.text


@pytest.mark.django_db
def test_a_draft_for_someone_outside_the_household_is_refused(household, counsellor):
    stranger = PersonFactory(household=HouseholdFactory(municipality=household.municipality))
    with pytest.raises(ValidationError):
        services.decision_draft(household=household, person=stranger, by=counsellor, main_content="x")


@pytest.mark.django_db
def test_nobody_approves_their_own_draft_not_even_a_manager(household, person, manager):
    own = services.decision_draft(
        household=household, person=person, by=manager, main_content="Besøk", period_from=TODAY
    )
    services.decision_submit(decision=own, by=manager)
    with pytest.raises(PermissionDenied):
        services.decision_approve(decision=own, by=manager)
    own.refresh_from_db()
    assert own.status == Decision.Status.SUBMITTED and own.approved_by is None


@pytest.mark.django_db
def test_the_database_refuses_an_approval_by_the_drafter(submitted):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=submitted.pk).update(approved_by=submitted.drafted_by)


@pytest.mark.django_db
def test_whoever_changes_a_draft_last_counts_as_its_drafter(draft, manager):
    services.decision_update(decision=draft, by=manager, main_content="Hjelp til å finne privat leiebolig.")
    services.decision_submit(decision=draft, by=manager)
    with pytest.raises(PermissionDenied):
        services.decision_approve(decision=draft, by=manager)


@pytest.mark.django_db
def test_a_grant_without_main_content_cannot_be_submitted_or_approved(draft, counsellor, manager):
    with translation.override("nb"):
        services.decision_update(decision=draft, by=counsellor, main_content="  ")
        with pytest.raises(ValidationError) as error:
            services.decision_submit(decision=draft, by=counsellor)
    assert "hovedinnholdet" in " ".join(error.value.messages)
    # Slipped past the submit step (an import, the admin): the approval still refuses it.
    Decision.objects.filter(pk=draft.pk).update(status=Decision.Status.SUBMITTED)
    with pytest.raises(ValidationError):
        services.decision_approve(decision=draft, by=manager)
    draft.refresh_from_db()
    assert draft.status == Decision.Status.SUBMITTED
    assert not draft.letters.exists()


@pytest.mark.django_db
def test_a_refusal_needs_reasons_but_no_main_content(household, person, counsellor, manager):
    refusal = services.decision_draft(
        household=household, person=person, by=counsellor, outcome=Decision.Outcome.REFUSED
    )
    with pytest.raises(ValidationError):
        services.decision_submit(decision=refusal, by=counsellor)
    services.decision_update(
        decision=refusal, by=counsellor, reasons="Husstanden har ikke behov for bistand."
    )
    services.decision_submit(decision=refusal, by=counsellor)
    assert services.decision_approve(decision=refusal, by=manager).status == Decision.Status.APPROVED


@pytest.mark.django_db
def test_only_managers_and_authorised_staff_approve(submitted, municipality, other_manager):
    colleague = CounsellorFactory(municipality=municipality)
    with pytest.raises(PermissionDenied):
        services.decision_approve(decision=submitted, by=colleague)
    with pytest.raises(PermissionDenied):
        services.decision_approve(decision=submitted, by=other_manager)
    colleague.can_approve_decisions = True
    colleague.save()
    decision = services.decision_approve(decision=submitted, by=colleague)
    assert decision.approved_by == colleague


@pytest.mark.django_db
def test_approval_keeps_a_letter_queues_it_after_commit_and_sets_the_appeal_deadline(
    submitted, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decision = services.decision_approve(decision=submitted, by=manager, on=date(2026, 3, 2))
    assert decision.letters.count() == 1
    assert [c.queued for c in callbacks if hasattr(c, "queued")] == [
        ("cases.tasks.letters.decision_letter_render", (decision.letters.get().pk,))
    ]
    assert selectors.appeal_deadline(decision) == date(2026, 3, 23)
    event = TimelineEvent.objects.get(kind="decision_approved")
    assert "23.03.2026" in event.text
    with pytest.raises(ValidationError):
        services.decision_approve(decision=decision, by=manager)


@pytest.mark.django_db
def test_an_appeal_is_inside_the_deadline_up_to_and_including_its_last_day(approved, counsellor):
    last_day = selectors.appeal_deadline(approved)
    assert last_day == approved.approved_on + timedelta(days=21)
    inside = services.appeal_register(decision=approved, received_on=min(last_day, TODAY), by=counsellor)
    assert inside.within_deadline


@pytest.mark.django_db
def test_an_appeal_after_three_weeks_is_late(submitted, manager, counsellor):
    decision = services.decision_approve(decision=submitted, by=manager, on=TODAY - timedelta(days=30))
    late = services.appeal_register(decision=decision, received_on=TODAY - timedelta(days=8), by=counsellor)
    assert not late.within_deadline
    with pytest.raises(ValidationError):
        services.appeal_register(decision=decision, received_on=TODAY - timedelta(days=31), by=counsellor)
    with pytest.raises(ValidationError):
        services.appeal_register(decision=decision, received_on=TODAY + timedelta(days=1), by=counsellor)


@pytest.mark.django_db
def test_an_appeal_goes_second_look_forward_outcome_in_that_order(approved, counsellor, person):
    appeal = services.appeal_register(decision=approved, received_on=TODAY, by=counsellor)
    with pytest.raises(ValidationError):
        services.appeal_forward(appeal=appeal, on=TODAY, by=counsellor)
    services.appeal_second_look(appeal=appeal, result=Appeal.SecondLook.KEPT, on=TODAY, by=counsellor)
    with pytest.raises(ValidationError):
        services.appeal_outcome(appeal=appeal, outcome=Appeal.Outcome.UPHELD, on=TODAY, by=counsellor)
    services.appeal_forward(appeal=appeal, on=TODAY, by=counsellor)
    services.appeal_outcome(appeal=appeal, outcome=Appeal.Outcome.UPHELD, on=TODAY, by=counsellor)
    appeal.refresh_from_db()
    assert (appeal.second_look, appeal.forwarded_on, appeal.outcome) == ("kept", TODAY, "upheld")
    kinds = set(approved.household.events.values_list("kind", flat=True))
    assert {"appeal_registered", "appeal_second_look", "appeal_forwarded", "appeal_outcome"} <= kinds
    assert not any(person.national_id in f"{e.text} {e.params}" for e in approved.household.events.all())


@pytest.mark.django_db
def test_a_changed_decision_is_not_forwarded(approved, counsellor):
    appeal = services.appeal_register(decision=approved, received_on=TODAY, by=counsellor)
    services.appeal_second_look(appeal=appeal, result=Appeal.SecondLook.CHANGED, on=TODAY, by=counsellor)
    with pytest.raises(ValidationError):
        services.appeal_forward(appeal=appeal, on=TODAY, by=counsellor)


@pytest.mark.django_db
def test_renewal_drafts_a_replacement_from_the_day_after_the_period(approved, counsellor):
    new = services.decision_renew(decision=approved, by=counsellor)
    assert new.replaces == approved and new.status == Decision.Status.DRAFT
    assert new.period_from == approved.period_to + timedelta(days=1)
    assert new.main_content == approved.main_content
    with pytest.raises(ValidationError):
        services.decision_renew(decision=approved, by=counsellor)


@pytest.mark.django_db
def test_letter_archive_needs_a_rendered_letter_and_a_reference(approved, counsellor):
    letter = approved.letters.get()
    with pytest.raises(ValidationError):
        services.letter_archive(letter=letter, archived_on=TODAY, archive_ref="26/123-4", by=counsellor)
    letter.rendered_at = timezone.now()
    letter.save()
    with pytest.raises(ValidationError):
        services.letter_archive(letter=letter, archived_on=TODAY, archive_ref=" ", by=counsellor)
    services.letter_archive(letter=letter, archived_on=TODAY, archive_ref="26/123-4", by=counsellor)
    letter.refresh_from_db()
    assert (letter.archived_on, letter.archive_ref) == (TODAY, "26/123-4")


@pytest.mark.django_db
def test_letter_rendering_is_idempotent_and_names_no_national_id(approved, person):
    TenancyFactory(household=approved.household)
    letter = services.letter_render(letter=approved.letters.get())
    assert letter.rendered_at and letter.pdf and not letter.error
    first = (letter.pdf.name, letter.sha256, letter.rendered_at)
    again = services.letter_render(letter=letter)
    assert (again.pdf.name, again.sha256, again.rendered_at) == first
    assert person.national_id not in letter.pdf.name


# --- deadlines on the caseload ----------------------------------------------------------------


def _texts(user):
    households = Household.objects.visible_to(user).filter(counsellor=user)
    with translation.override("en"):
        return {d.text: d for d in deadlines_for(user, households, TODAY)}


@pytest.mark.django_db
def test_caseload_deadlines_show_the_running_appeal_deadline_then_the_second_look(approved, counsellor):
    running = _texts(counsellor)
    deadline = next(d for text, d in running.items() if text.startswith("Appeal deadline"))
    assert deadline.due == selectors.appeal_deadline(approved)
    services.appeal_register(decision=approved, received_on=TODAY, by=counsellor)
    after = _texts(counsellor)
    assert not any(text.startswith("Appeal deadline") for text in after)
    assert after["Appeal awaiting the municipality's second look"].due == TODAY + timedelta(days=30)


@pytest.mark.django_db
def test_caseload_deadlines_show_a_decision_about_to_lapse_until_it_is_renewed(
    submitted, manager, counsellor
):
    Decision.objects.filter(pk=submitted.pk).update(period_to=TODAY + timedelta(days=20))
    submitted.refresh_from_db()
    services.decision_approve(decision=submitted, by=manager, on=TODAY - timedelta(days=200))
    lapsing = _texts(counsellor)["Decision period ends: consider a new decision"]
    assert lapsing.due == TODAY + timedelta(days=20)
    services.decision_renew(decision=submitted, by=counsellor)
    assert "Decision period ends: consider a new decision" not in _texts(counsellor)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        # An administrator stands above the municipality's staff: never offered, never approving.
        {"is_manager": True, "is_staff": True},
        {"is_manager": True, "is_superuser": True},
        # The authorisation is a counsellor's: an officer holding it (once a counsellor) does not approve.
        {"is_officer": True, "can_approve_decisions": True},
        {"is_manager": True, "is_active": False},
    ],
    ids=["admin-manager", "superuser-manager", "authorised-officer", "inactive-manager"],
)
def test_approval_is_for_those_the_drafter_could_choose(submitted, municipality, who):
    """Who may approve is one rule: the table's, the same people `approver_choices` offers."""
    user = UserFactory(municipality=municipality, **who)
    assert user not in selectors.approver_choices(submitted)
    assert not services.DECISION_MACHINE.may(user, submitted, "approve")
    with pytest.raises(PermissionDenied):
        services.decision_approve(decision=submitted, by=user)
    with pytest.raises(PermissionDenied):
        services.decision_send_back(decision=submitted, by=user, comment="Se på det")


@pytest.mark.django_db
def test_the_decision_table_offers_each_person_their_steps(draft, counsellor, manager, municipality):
    """The page asks the table: the drafter may change and submit a draft; once submitted, only an
    approver who did not draft it may send it back or approve it; an approved one may be renewed or
    appealed."""
    table = services.DECISION_MACHINE

    def actions(user, decision):
        return {step.action for step in table.allowed(user, decision)}

    assert actions(counsellor, draft) == {"edit", "submit"}
    submitted = services.decision_submit(decision=draft, by=counsellor)
    assert actions(counsellor, submitted) == set()
    assert actions(manager, submitted) == {"send_back", "approve"}
    approved = services.decision_approve(decision=submitted, by=manager)
    assert actions(counsellor, approved) == {"renew", "appeal"}


@pytest.mark.django_db
def test_an_appeal_s_next_step_comes_from_its_table(approved, counsellor):
    """Where an appeal stands is read from what was recorded; the table says the one next step."""
    appeal = services.appeal_register(decision=approved, received_on=TODAY, by=counsellor)

    def step(appeal):
        appeal.refresh_from_db()
        return services.appeal_state(appeal), services.appeal_next_step(counsellor, appeal)

    assert step(appeal) == ("received", "second_look")
    services.appeal_second_look(appeal=appeal, result=Appeal.SecondLook.KEPT, on=TODAY, by=counsellor)
    assert step(appeal) == ("kept", "forward")
    services.appeal_forward(appeal=appeal, on=TODAY, by=counsellor)
    assert step(appeal) == ("forwarded", "outcome")
    services.appeal_outcome(appeal=appeal, outcome=Appeal.Outcome.UPHELD, on=TODAY, by=counsellor)
    assert step(appeal) == ("decided", None)
    with pytest.raises(ValidationError, match="vurderingen er allerede registrert"):
        services.appeal_second_look(appeal=appeal, result="maybe", on=TODAY, by=counsellor)
