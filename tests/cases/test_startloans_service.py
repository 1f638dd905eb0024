"""The start-up loan pipeline: every allowed transition works, every other is refused, the details
each status needs are checked, decisions are the officers' and managers', and each change leaves
who, when and a note plus a timeline event."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import StartLoanApplication, StartLoanStatusChange, TimelineEvent
from cases.services.startloans import (
    DECIDE,
    PIPELINE,
    documents_missing,
    startloan_create,
    startloan_transition,
    startloan_update,
)
from tests.factories import StartLoanApplicationFactory

S = StartLoanApplication.Status
TODAY = date.today()
DECIDED = TODAY - timedelta(days=5)

# Details that satisfy each target status.
GOOD_DETAILS = {
    S.RECEIVED: {},
    S.IN_REVIEW: {},
    S.WITHDRAWN: {},
    S.APPROVED: {"approval_kind": "certificate", "certificate_valid_until": TODAY + timedelta(days=180)},
    S.REJECTED: {"rejection_reason": "For høy gjeld"},
    S.APPEALED: {},
    S.DISBURSED: {"disbursed_on": TODAY},
}
ALLOWED = [(src, dst) for src, targets in PIPELINE.items() for dst in targets]
REFUSED = [(src, dst) for src in S.values for dst in S.values if (src, dst) not in ALLOWED]


def application_in(status, household):
    """An application standing in `status`, with the facts that status implies."""
    facts = {"status": status, "received_on": TODAY - timedelta(days=40)}
    if status in (S.APPROVED, S.REJECTED, S.DISBURSED, S.APPEALED):
        facts["decided_on"] = DECIDED
    if status == S.REJECTED:
        facts["rejection_reason"] = "For høy gjeld"
    if status == S.APPEALED:
        facts["appealed_on"] = DECIDED + timedelta(days=1)
    if status in (S.APPROVED, S.DISBURSED):
        facts.update(approval_kind="commitment")
    if status == S.DISBURSED:
        facts["disbursed_on"] = DECIDED + timedelta(days=2)
    return StartLoanApplicationFactory(household=household, **facts)


def actor_for(src, dst, counsellor, officer):
    """Decisions need an officer; the preparing steps are the counsellor's."""
    return officer if PIPELINE[src][dst] == DECIDE else counsellor


@pytest.mark.django_db
@pytest.mark.parametrize("src,dst", ALLOWED)
def test_every_allowed_transition_works_and_is_recorded(src, dst, household, counsellor, officer):
    application = application_in(src, household)
    by = actor_for(src, dst, counsellor, officer)
    result = startloan_transition(
        application=application, to_status=dst, by=by, on=TODAY, note="Notat", **GOOD_DETAILS[dst]
    )
    assert result.status == dst
    assert StartLoanApplication.objects.get(pk=application.pk).status == dst
    change = StartLoanStatusChange.objects.get(application=application)
    assert (change.from_status, change.to_status, change.by, change.on, change.note) == (
        src,
        dst,
        by,
        TODAY,
        "Notat",
    )
    event = TimelineEvent.objects.get(household=household, kind=f"startloan_{dst}")
    assert event.actor == by and event.occurred_on == TODAY and event.subject == result


@pytest.mark.django_db
@pytest.mark.parametrize("src,dst", REFUSED)
def test_every_other_transition_is_refused(src, dst, household, officer):
    application = application_in(src, household)
    with pytest.raises(ValidationError):
        startloan_transition(
            application=application, to_status=dst, by=officer, on=TODAY, **GOOD_DETAILS[dst]
        )
    assert StartLoanApplication.objects.get(pk=application.pk).status == src
    assert not StartLoanStatusChange.objects.filter(application=application).exists()
    assert not TimelineEvent.objects.filter(household=household).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "src,dst", [(s, d) for s, d in ALLOWED if d in (S.APPROVED, S.REJECTED, S.DISBURSED)]
)
def test_a_counsellor_cannot_record_a_decision(src, dst, household, counsellor):
    application = application_in(src, household)
    with pytest.raises(PermissionDenied):
        startloan_transition(
            application=application, to_status=dst, by=counsellor, on=TODAY, **GOOD_DETAILS[dst]
        )
    assert StartLoanApplication.objects.get(pk=application.pk).status == src


@pytest.mark.django_db
def test_a_manager_records_decisions(household, manager):
    application = application_in(S.IN_REVIEW, household)
    startloan_transition(
        application=application, to_status=S.REJECTED, by=manager, on=TODAY, rejection_reason="x"
    )
    assert StartLoanApplication.objects.get(pk=application.pk).status == S.REJECTED


@pytest.mark.django_db
def test_another_municipalitys_staff_cannot_touch_it(household, other_manager):
    application = application_in(S.RECEIVED, household)
    with pytest.raises(PermissionDenied):
        startloan_transition(application=application, to_status=S.IN_REVIEW, by=other_manager, on=TODAY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "details,field",
    [
        ({}, "approval_kind"),
        ({"approval_kind": "certificate"}, "certificate_valid_until"),
        (
            {"approval_kind": "certificate", "certificate_valid_until": TODAY - timedelta(days=1)},
            "certificate_valid_until",
        ),
        ({"approval_kind": "loan"}, "approval_kind"),
    ],
)
def test_an_approval_needs_a_certificate_with_its_date_or_a_commitment(details, field, household, officer):
    application = application_in(S.IN_REVIEW, household)
    with pytest.raises(ValidationError) as refused:
        startloan_transition(application=application, to_status=S.APPROVED, by=officer, on=TODAY, **details)
    assert field in refused.value.error_dict
    assert StartLoanApplication.objects.get(pk=application.pk).status == S.IN_REVIEW


@pytest.mark.django_db
def test_a_commitment_needs_no_certificate_date_and_records_the_approved_amount(household, officer):
    application = application_in(S.IN_REVIEW, household)
    result = startloan_transition(
        application=application,
        to_status=S.APPROVED,
        by=officer,
        on=TODAY,
        approval_kind="commitment",
        loan_amount_nok=2_100_000,
    )
    assert (result.approval_kind, result.certificate_valid_until, result.decided_on) == (
        "commitment",
        None,
        TODAY,
    )
    assert result.loan_amount_nok == 2_100_000


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rejection_needs_its_reason(reason, household, officer):
    application = application_in(S.IN_REVIEW, household)
    with pytest.raises(ValidationError) as refused:
        startloan_transition(
            application=application, to_status=S.REJECTED, by=officer, on=TODAY, rejection_reason=reason
        )
    assert "rejection_reason" in refused.value.error_dict


@pytest.mark.django_db
def test_an_appeal_is_taken_up_to_three_weeks_after_the_rejection_and_not_a_day_later(household, counsellor):
    on_time = application_in(S.REJECTED, household)
    on_time.decided_on = TODAY - timedelta(days=21)
    on_time.save()
    assert (
        startloan_transition(application=on_time, to_status=S.APPEALED, by=counsellor, on=TODAY).appealed_on
        == TODAY
    )

    late = application_in(S.REJECTED, household)
    late.decided_on = TODAY - timedelta(days=22)
    late.save()
    with pytest.raises(ValidationError) as refused:
        startloan_transition(application=late, to_status=S.APPEALED, by=counsellor, on=TODAY)
    assert "3" in str(refused.value)
    assert StartLoanApplication.objects.get(pk=late.pk).status == S.REJECTED


@pytest.mark.django_db
def test_decided_again_after_an_appeal_and_the_new_decision_is_final(household, counsellor, officer):
    application = application_in(S.REJECTED, household)
    startloan_transition(application=application, to_status=S.APPEALED, by=counsellor, on=TODAY)
    startloan_transition(
        application=application, to_status=S.REJECTED, by=officer, on=TODAY, rejection_reason="Fortsatt"
    )
    event = TimelineEvent.objects.filter(household=household, kind="startloan_rejected").get()
    assert "klage" in event.text.lower() or "appeal" in event.text.lower()
    with pytest.raises(ValidationError):
        startloan_transition(application=application, to_status=S.APPEALED, by=counsellor, on=TODAY)


@pytest.mark.django_db
def test_disbursed_needs_the_payout_date_not_before_the_decision(household, officer):
    application = application_in(S.APPROVED, household)
    with pytest.raises(ValidationError) as refused:
        startloan_transition(application=application, to_status=S.DISBURSED, by=officer, on=TODAY)
    assert "disbursed_on" in refused.value.error_dict
    with pytest.raises(ValidationError):
        startloan_transition(
            application=application,
            to_status=S.DISBURSED,
            by=officer,
            on=TODAY,
            disbursed_on=DECIDED - timedelta(days=1),
        )
    result = startloan_transition(
        application=application,
        to_status=S.DISBURSED,
        by=officer,
        on=TODAY,
        disbursed_on=TODAY,
        purchased_address="Nygata 1",
    )
    assert (result.disbursed_on, result.purchased_address) == (TODAY, "Nygata 1")


@pytest.mark.django_db
def test_a_change_cannot_be_dated_in_the_future_or_before_the_last_step(household, counsellor):
    application = application_in(S.RECEIVED, household)
    for on in (TODAY + timedelta(days=1), application.received_on - timedelta(days=1)):
        with pytest.raises(ValidationError):
            startloan_transition(application=application, to_status=S.IN_REVIEW, by=counsellor, on=on)


@pytest.mark.django_db
def test_a_stale_copy_cannot_take_the_same_step_twice(household, officer):
    application = application_in(S.IN_REVIEW, household)
    stale = StartLoanApplication.objects.get(pk=application.pk)
    startloan_transition(
        application=application, to_status=S.REJECTED, by=officer, on=TODAY, rejection_reason="x"
    )
    with pytest.raises(ValidationError):
        startloan_transition(
            application=stale, to_status=S.REJECTED, by=officer, on=TODAY, rejection_reason="x"
        )
    assert StartLoanStatusChange.objects.filter(application=application).count() == 1


# --- creating and editing ------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_records_the_application_its_first_status_and_the_timeline(household, counsellor):
    application = startloan_create(
        household=household,
        by=counsellor,
        received_on=TODAY,
        purpose="purchase",
        loan_amount_nok=2_000_000,
        purchase_price_nok=2_500_000,
        documents_received=["payslips", "tax_return"],
    )
    assert application.status == S.RECEIVED
    assert application.documents_received == ["tax_return", "payslips"]
    assert [d.key for d in documents_missing(application)] == [
        "bank_statements",
        "debt_overview",
        "nav_benefits",
        "purchase_contract",
    ]
    assert StartLoanStatusChange.objects.get(application=application).to_status == S.RECEIVED
    assert TimelineEvent.objects.get(household=household).kind == "startloan_received"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["loan_amount_nok", "grant_amount_nok", "purchase_price_nok", "debts_nok", "equity_nok"]
)
def test_negative_amounts_are_refused(field, household, counsellor):
    with pytest.raises(ValidationError) as refused:
        startloan_create(household=household, by=counsellor, received_on=TODAY, **{field: -1})
    assert field in refused.value.error_dict
    assert not StartLoanApplication.objects.exists()


@pytest.mark.django_db
def test_a_loan_above_the_price_is_questioned_until_confirmed(household, counsellor):
    amounts = {"loan_amount_nok": 3_100_000, "purchase_price_nok": 3_000_000}
    with pytest.raises(ValidationError) as refused:
        startloan_create(household=household, by=counsellor, received_on=TODAY, **amounts)
    assert "confirm_loan_above_price" in refused.value.error_dict
    assert not StartLoanApplication.objects.exists()
    application = startloan_create(
        household=household, by=counsellor, received_on=TODAY, confirm_loan_above_price=True, **amounts
    )
    # Saving again without touching the amounts does not ask again; raising the loan does.
    startloan_update(application=application, by=counsellor, equity_nok=50_000)
    with pytest.raises(ValidationError):
        startloan_update(application=application, by=counsellor, loan_amount_nok=3_200_000)
    assert StartLoanApplication.objects.get(pk=application.pk).loan_amount_nok == 3_100_000


@pytest.mark.django_db
def test_a_closed_application_cannot_be_edited(household, counsellor):
    application = application_in(S.WITHDRAWN, household)
    with pytest.raises(ValidationError):
        startloan_update(application=application, by=counsellor, equity_nok=1)


@pytest.mark.django_db
def test_staff_without_a_role_cannot_create(household, municipality):
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        startloan_create(household=household, by=UserFactory(municipality=municipality), received_on=TODAY)


# --- one transaction ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_behind(monkeypatch, household, officer):
    from cases.services import startloans

    def broken_timeline(**kwargs):
        raise RuntimeError("the timeline is down")

    application = application_in(S.IN_REVIEW, household)
    monkeypatch.setattr(startloans, "timeline_record", broken_timeline)
    with pytest.raises(RuntimeError):
        startloan_transition(
            application=application, to_status=S.REJECTED, by=officer, on=TODAY, rejection_reason="x"
        )
    assert StartLoanApplication.objects.get(pk=application.pk).status == S.IN_REVIEW
    assert not StartLoanStatusChange.objects.filter(application=application).exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_officers_recording_at_once_record_one_decision(household, officer, manager):
    """On PostgreSQL the row lock makes the second of two simultaneous decisions see the first."""
    import threading

    from django.db import connection

    application = application_in(S.IN_REVIEW, household)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(by, to_status, details):
        try:
            barrier.wait()
            startloan_transition(application=application, to_status=to_status, by=by, on=TODAY, **details)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(officer, S.APPROVED, {"approval_kind": "commitment"})),
        threading.Thread(target=decide, args=(manager, S.REJECTED, {"rejection_reason": "x"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    assert StartLoanStatusChange.objects.filter(application=application).count() == 1
