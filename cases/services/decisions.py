"""Individual decisions (enkeltvedtak) under the boligsosial lov § 6: the draft, the second person's
approval, the letter, appeals and renewal. Each write validates, runs in one transaction and records
an event on the household's timeline (never with a national ID)."""

import hashlib
import logging
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boveileder import dates, states
from boveileder.dates import date_shift
from boveileder.leases import jobs_recover, lease_attempts_reset, lease_kept, lease_take
from boveileder.pdf import render_pdf
from boveileder.queueing import queue_after_commit
from cases.deadlines import Deadline
from cases.models import Appeal, Decision, DecisionLetter, DecisionStatusChange, Household, Person
from cases.selectors import APPEAL_WEEKS, appeal_deadline, approver_choices, letter_context
from cases.services.timeline import timeline_record
from cases.signals import appeal_registered, letter_dispatched, letter_rendered
from cases.timeline import TimelineKind

logger = logging.getLogger(__name__)

# Forvaltningsloven § 11 a: a case not dealt with within a month needs a preliminary answer.
SECOND_LOOK_DAYS = 30
RENEWAL_WINDOW_DAYS = 30

DEFAULT_LEGAL_BASIS = gettext_lazy(
    "Act on the municipalities' responsibility in the social housing field (lov om kommunenes "
    "ansvar på det boligsosiale feltet) § 6, individually adapted help; the Public Administration "
    "Act (forvaltningsloven) chapters IV–VI on case handling, individual decisions and appeals."
)
EDITABLE_FIELDS = (
    "person",
    "outcome",
    "assessment",
    "main_content",
    "period_from",
    "period_to",
    "participation",
    "legal_basis",
    "reasons",
)


def approves_decisions(user) -> bool:
    """Whether `user` is one who approves decisions: a manager, or a counsellor a manager authorised,
    among the municipality's active staff (an administrator stands above the staff, so is not one)."""
    return (
        user is not None
        and user.is_active
        and not user.is_administrator
        and user.municipality_id is not None
        and (user.is_manager or (user.is_counsellor and user.can_approve_decisions))
    )


@transaction.atomic
def decision_delivered(*, decision: Decision, on: date) -> Decision:
    """Record the day the decision's letter reached the party (its first delivery counts)."""
    decision = _locked(decision)
    if decision.delivered_on is None or on < decision.delivered_on:
        decision.delivered_on = on
        decision.save(update_fields=["delivered_on"])
    return decision


def decision_may_approve(user, decision: Decision) -> bool:
    """One who approves decisions, of the decision's municipality, who did not draft it and can open
    its household: the same people `approver_choices` offers the drafter."""
    household = decision.household
    return (
        approves_decisions(user)
        and user.municipality_id == household.municipality_id
        and user.pk != decision.drafted_by_id
        and (not household.restricted or user.is_manager or user.pk == household.counsellor_id)
    )


def decision_missing(decision: Decision) -> list[str]:
    """What a decision lacks before it can be submitted or approved, in the user's language."""
    missing = []
    if not decision.household.has_postal_address:
        missing.append(
            _(
                "Register the household's postal address (street, postcode and place), so the letter "
                "can be posted."
            )
        )
    if not decision.household.municipality.has_sender_address:
        missing.append(
            _(
                "The municipality's postal address is missing, so the letter cannot say where to answer. "
                "A manager adds it under Administration, «The municipality's contact details»."
            )
        )
    if decision.outcome == Decision.Outcome.GRANTED and not decision.main_content.strip():
        missing.append(_("A decision granting help must state the main content of the help."))
    if decision.outcome == Decision.Outcome.REFUSED and not decision.reasons.strip():
        missing.append(_("A refusal must give its reasons."))
    if not decision.legal_basis.strip():
        missing.append(_("State the rules the decision rests on."))
    if decision.outcome == Decision.Outcome.GRANTED and not decision.period_from:
        missing.append(_("State from when the help is given."))
    return missing


DecisionStatus = Decision.Status
# Said when a decision is not where an action starts from.
NOT_FROM = {
    "edit": gettext_lazy("Only a draft can be changed."),
    "submit": gettext_lazy("Only a draft can be submitted for approval."),
    "send_back": gettext_lazy("Only a decision awaiting approval can be sent back."),
    "approve": gettext_lazy("Only a decision awaiting approval can be approved."),
    "renew": gettext_lazy("Only an approved decision can be renewed."),
    "appeal": gettext_lazy("Only an approved decision can be appealed."),
}
# The decision's steps: who drafts is whoever the page lets in (counsellors and managers); approval
# and sending back are for those `decision_may_approve` names. Renewing and appealing leave the
# decision approved (a renewal is a new draft that replaces it).
DECISION_MACHINE = states.Machine(
    transitions=states.table(
        [
            ((DecisionStatus.DRAFT,), "edit", DecisionStatus.DRAFT, states.anyone),
            ((DecisionStatus.DRAFT,), "submit", DecisionStatus.SUBMITTED, states.anyone, decision_missing),
            ((DecisionStatus.SUBMITTED,), "send_back", DecisionStatus.DRAFT, decision_may_approve),
            (
                (DecisionStatus.SUBMITTED,),
                "approve",
                DecisionStatus.APPROVED,
                decision_may_approve,
                decision_missing,
            ),
            ((DecisionStatus.APPROVED,), "renew", DecisionStatus.APPROVED, states.anyone),
            ((DecisionStatus.APPROVED,), "appeal", DecisionStatus.APPROVED, states.anyone),
        ]
    ),
    refused=gettext_lazy("You may not approve this decision."),
    not_from=lambda decision, action: NOT_FROM[action],
)


def _check_person(household: Household, person: Person) -> None:
    if person.household_id != household.pk:
        raise ValidationError({"person": _("Choose a member of this household.")})


@transaction.atomic
def decision_draft(*, household: Household, person: Person, by, **fields) -> Decision:
    """Start a decision for a household; a refusal is a decision too."""
    _check_person(household, person)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields: {sorted(unknown)}")
    fields.setdefault("legal_basis", str(DEFAULT_LEGAL_BASIS))
    decision = Decision(household=household, person=person, drafted_by=by, **fields)
    decision.full_clean()
    decision.save()
    timeline_record(
        household=household,
        kind=TimelineKind.DECISION_DRAFTED,
        params={"outcome": decision.outcome},
        on=timezone.localdate(),
        by=by,
        subject=decision,
    )
    return decision


def _locked(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("household__municipality")
        .get(pk=decision.pk)
    )


@transaction.atomic
def decision_update(*, decision: Decision, by, **fields) -> Decision:
    """Change a draft. Whoever writes in it last counts as its drafter, so cannot approve it."""
    decision = _locked(decision)
    DECISION_MACHINE.check(by, decision, "edit")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown decision fields: {sorted(unknown)}")
    if "person" in fields:
        _check_person(decision.household, fields["person"])
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.drafted_by = by
    decision.full_clean()
    decision.save()
    timeline_record(
        household=decision.household,
        kind=TimelineKind.DECISION_UPDATED,
        on=timezone.localdate(),
        by=by,
        subject=decision,
    )
    return decision


def _status_change(decision: Decision, *, from_status: str, by, approver=None, comment: str = "") -> None:
    DecisionStatusChange.objects.create(
        decision=decision,
        from_status=from_status,
        to_status=decision.status,
        by=by,
        approver=approver,
        comment=comment,
    )


@transaction.atomic
def decision_submit(*, decision: Decision, by, approver=None) -> Decision:
    """Send a complete draft to `approver` (one of `approver_choices`) for approval; the page always
    names one, who then finds it on their landing page. Without one, any approver may take it."""
    decision = _locked(decision)
    step = DECISION_MACHINE.check(by, decision, "submit")
    if approver is not None and not approver_choices(decision).filter(pk=approver.pk).exists():
        raise ValidationError({"approver": _("Choose someone who may approve this decision, not yourself.")})
    decision.status = step.target
    decision.approver = approver
    decision.save(update_fields=["status", "approver"])
    _status_change(decision, from_status=Decision.Status.DRAFT, by=by, approver=approver)
    timeline_record(
        household=decision.household,
        kind=TimelineKind.DECISION_SUBMITTED,
        params={"name": str(approver) if approver is not None else ""},
        on=timezone.localdate(),
        by=by,
        subject=decision,
    )
    if approver is not None:
        _queue_approver_notice(decision)
    return decision


def _queue_approver_notice(decision: Decision) -> None:
    """The named approver is told by e-mail once the submission is committed."""
    from cases.tasks.notices import decision_submitted_notify

    queue_after_commit(decision_submitted_notify, decision.pk)


@transaction.atomic
def decision_send_back(*, decision: Decision, by, comment: str) -> Decision:
    """An approver returns a submitted decision to draft with a comment the drafter reads; the
    comment stays in the decision's history and on the household's timeline."""
    decision = _locked(decision)
    step = DECISION_MACHINE.check(by, decision, "send_back")
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": _("Say what should be changed before it is approved.")})
    decision.status = step.target
    decision.save(update_fields=["status"])
    _status_change(decision, from_status=Decision.Status.SUBMITTED, by=by, comment=comment)
    timeline_record(
        household=decision.household,
        kind=TimelineKind.DECISION_SENT_BACK,
        params={"comment": comment},
        on=timezone.localdate(),
        by=by,
        subject=decision,
    )
    return decision


@transaction.atomic
def decision_approve(*, decision: Decision, by, on: date | None = None) -> Decision:
    """Approve a submitted decision (never one's own draft) and queue its letter."""
    decision = _locked(decision)
    step = DECISION_MACHINE.check(by, decision, "approve")
    decision.status = step.target
    decision.approved_by = by
    decision.approved_on = on or timezone.localdate()
    decision.save(update_fields=["status", "approved_by", "approved_on"])
    _status_change(decision, from_status=Decision.Status.SUBMITTED, by=by)
    letter = DecisionLetter.objects.create(decision=decision)
    timeline_record(
        household=decision.household,
        kind=TimelineKind.DECISION_APPROVED,
        params={"outcome": decision.outcome, "deadline": appeal_deadline(decision)},
        on=decision.approved_on,
        by=by,
        subject=decision,
    )
    _queue_letter(letter.pk)
    return decision


def _queue_letter(letter_id: int) -> None:
    """Send the letter's task once the transaction commits. A broker that is down loses it; the
    approval stands, the letter stays queued, and the recovery task sends it again later."""
    from cases.tasks.letters import decision_letter_render

    queue_after_commit(decision_letter_render, letter_id)


def _letter_lease(letter_id: int) -> str:
    return f"decision-letter:{letter_id}"


@transaction.atomic
def letter_retry(*, letter: DecisionLetter, by) -> DecisionLetter:
    """Queue a letter that failed or never got made once more (the task is safe to run twice)."""
    letter = DecisionLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status == DecisionLetter.Status.DONE:
        raise ValidationError(_("The letter is already made."))
    letter.status = DecisionLetter.Status.QUEUED
    letter.queued_at = timezone.now()
    letter.error = ""
    letter.save(update_fields=["status", "queued_at", "error"])
    lease_attempts_reset(_letter_lease(letter.pk))
    logger.info("user %s queued decision letter %s again", by.pk, letter.pk)
    _queue_letter(letter.pk)
    return letter


def decision_letters_recover() -> dict:
    """Queue again every letter whose worker died while making it (its lease ran out) or whose message
    was lost (queued past JOB_QUEUED_SECONDS, no lease), or after JOB_MAX_ATTEMPTS runs mark it failed
    for staff to try again. Returns how many of each."""
    return jobs_recover(
        jobs=DecisionLetter.objects.all(),
        lease_name=_letter_lease,
        queue=_queue_letter,
        stopped="The worker making the letter stopped, or never got it.",
    )


@transaction.atomic
def decision_renew(*, decision: Decision, by) -> Decision:
    """A new draft that replaces an approved decision whose period ends or whose help changes."""
    old = _locked(decision)
    DECISION_MACHINE.check(by, old, "renew")
    if Decision.objects.filter(replaces=old).exists():
        raise ValidationError(_("This decision has already been replaced."))
    period_from = date_shift(old.period_to, timedelta(days=1)) if old.period_to else timezone.localdate()
    new = Decision.objects.create(
        household=old.household,
        person=old.person,
        outcome=Decision.Outcome.GRANTED,
        assessment=old.assessment,
        main_content=old.main_content,
        period_from=period_from,
        participation=old.participation,
        legal_basis=old.legal_basis,
        reasons=old.reasons,
        replaces=old,
        drafted_by=by,
    )
    timeline_record(
        household=old.household,
        kind=TimelineKind.DECISION_RENEWAL_DRAFTED,
        params={"date": old.approved_on},
        on=timezone.localdate(),
        by=by,
        subject=new,
    )
    return new


# --- the letter -------------------------------------------------------------------------------


def letter_render(*, letter: DecisionLetter) -> DecisionLetter:
    """Render and keep the letter's PDF once. Safe to run twice, at once or after a crash: a live
    render holds the letter's lease (another delivery does nothing), a letter made is left as it is."""
    name = _letter_lease(letter.pk)
    token = lease_take(name)
    if token is None:
        return DecisionLetter.objects.get(pk=letter.pk)  # a live render has it
    with lease_kept(name, token):
        return _letter_make(letter.pk)


def _letter_make(letter_id: int) -> DecisionLetter:
    # Committed before the work, so the recovery task sees a render its worker died in.
    DecisionLetter.objects.filter(pk=letter_id).exclude(status=DecisionLetter.Status.DONE).update(
        status=DecisionLetter.Status.RENDERING
    )
    with transaction.atomic():
        letter = (
            DecisionLetter.objects.select_for_update(of=("self",))
            .select_related(
                "decision__household__municipality",
                "decision__person",
                "decision__approved_by",
                "decision__drafted_by",
            )
            .get(pk=letter_id)
        )
        if letter.status == DecisionLetter.Status.DONE:
            return letter
        decision = letter.decision
        try:
            with translation.override("nb"):
                data = render_pdf("cases/decisions/letter_pdf.html", letter_context(decision))
        except Exception as error:
            logger.exception("decision letter %s failed to render", letter.pk)
            letter.status = DecisionLetter.Status.FAILED
            letter.error = f"{type(error).__name__}: {error}"[:2000]
            letter.save(update_fields=["status", "error"])
            return letter
        letter.pdf.save(f"vedtak-{decision.pk}-{letter.pk}.pdf", ContentFile(data), save=False)
        letter.sha256 = hashlib.sha256(data).hexdigest()
        letter.rendered_at = timezone.now()
        letter.status = DecisionLetter.Status.DONE
        letter.error = ""
        letter.save(update_fields=["pdf", "sha256", "rendered_at", "status", "error"])
        # The apps that send letters on (dispatch) take it from here, once it is committed.
        transaction.on_commit(lambda: letter_rendered.send(sender=DecisionLetter, letter=letter))
    return letter


@transaction.atomic
def letter_archive(*, letter: DecisionLetter, archived_on: date, archive_ref: str, by) -> DecisionLetter:
    """Mark a letter as posted and filed in the municipality's archive (sak/arkiv). The apps above
    hear that it has left through `letter_dispatched` (the journal journals it)."""
    letter = (
        DecisionLetter.objects.select_for_update(of=("self",))
        .select_related("decision__household")
        .get(pk=letter.pk)
    )
    if not letter.rendered_at:
        raise ValidationError(_("The letter has not been made yet."))
    if not archive_ref.strip():
        raise ValidationError({"archive_ref": _("Give the archive reference.")})
    letter.archived_on = archived_on
    letter.archive_ref = archive_ref.strip()
    letter.save(update_fields=["archived_on", "archive_ref"])
    timeline_record(
        household=letter.decision.household,
        kind=TimelineKind.DECISION_LETTER_ARCHIVED,
        params={"ref": letter.archive_ref},
        on=archived_on,
        by=by,
        subject=letter.decision,
    )
    letter_dispatched.send(sender=DecisionLetter, letter=letter, on=archived_on, channel="post")
    return letter


# --- appeals ----------------------------------------------------------------------------------


def _locked_appeal(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",)).select_related("decision__household").get(pk=appeal.pk)
    )


@transaction.atomic
def appeal_register(*, decision: Decision, received_on: date, by, note: str = "") -> Appeal:
    """Register an appeal; whether it came within the three weeks is computed, not typed."""
    decision = _locked(decision)
    DECISION_MACHINE.check(by, decision, "appeal")
    if received_on < decision.approved_on:
        raise ValidationError({"received_on": _("An appeal cannot arrive before the decision was made.")})
    if problem := dates.happened_problem(received_on):
        raise ValidationError({"received_on": problem})
    within = received_on <= appeal_deadline(decision)
    appeal = Appeal.objects.create(
        decision=decision, received_on=received_on, within_deadline=within, note=note, recorded_by=by
    )
    timeline_record(
        household=decision.household,
        kind=TimelineKind.APPEAL_REGISTERED,
        params={"within": within},
        on=received_on,
        by=by,
        subject=decision,
    )
    appeal_registered.send(sender=Appeal, appeal=appeal)
    return appeal


# Where an appeal stands, read from what was recorded on it (those fields are its state).
APPEAL_RECEIVED, APPEAL_CHANGED, APPEAL_KEPT = "received", "changed", "kept"
APPEAL_FORWARDED, APPEAL_DECIDED = "forwarded", "decided"


def appeal_state(appeal: Appeal) -> str:
    if appeal.outcome:
        return APPEAL_DECIDED
    if appeal.forwarded_on:
        return APPEAL_FORWARDED
    return appeal.second_look or APPEAL_RECEIVED


def _appeal_not_from(appeal: Appeal, action: str) -> str:
    if action == "forward":
        if appeal.forwarded_on:
            return _("The appeal has already been forwarded.")
        return _("Only an appeal where the municipality kept its decision is forwarded.")
    if action == "outcome":
        if appeal.outcome:
            return _("The outcome has already been recorded.")
        return _("The appeal has not been forwarded to Statsforvalteren.")
    return _("The second look has already been recorded.")


# An appeal's steps (forvaltningsloven §§ 33–34): the municipality's second look changes its
# decision (final here) or keeps it; a kept one is forwarded to Statsforvalteren, whose outcome ends it.
APPEAL_MACHINE = states.Machine(
    transitions=states.table(
        [
            ((APPEAL_RECEIVED,), Appeal.SecondLook.CHANGED, APPEAL_CHANGED, states.anyone),
            ((APPEAL_RECEIVED,), Appeal.SecondLook.KEPT, APPEAL_KEPT, states.anyone),
            ((APPEAL_KEPT,), "forward", APPEAL_FORWARDED, states.anyone),
            ((APPEAL_FORWARDED,), "outcome", APPEAL_DECIDED, states.anyone),
        ]
    ),
    refused=gettext_lazy("You may not do this with the appeal."),
    not_from=_appeal_not_from,
    state=appeal_state,
)


def appeal_next_step(user, appeal: Appeal) -> str | None:
    """The form the appeal's page offers `user` next: «second_look», «forward», «outcome» or none."""
    actions = {step.action for step in APPEAL_MACHINE.allowed(user, appeal)}
    if actions & set(Appeal.SecondLook.values):
        return "second_look"
    return next(iter(actions), None)


@transaction.atomic
def appeal_second_look(*, appeal: Appeal, result: str, on: date, by, note: str = "") -> Appeal:
    """The municipality's second look (fvl. § 33): it changes its decision or keeps it."""
    appeal = _locked_appeal(appeal)
    # Either result starts where the other does: asking for «kept» says whether a second look may
    # be recorded at all, before the result itself is checked.
    APPEAL_MACHINE.check(by, appeal, result if result in Appeal.SecondLook.values else Appeal.SecondLook.KEPT)
    if result not in Appeal.SecondLook.values:
        raise ValidationError({"second_look": _("Choose whether the decision is changed or kept.")})
    if on < appeal.received_on:
        raise ValidationError({"on": _("The second look cannot come before the appeal was received.")})
    appeal.second_look = result
    appeal.second_look_on = on
    if note:
        appeal.note = f"{appeal.note}\n{note}".strip()
    appeal.save(update_fields=["second_look", "second_look_on", "note"])
    timeline_record(
        household=appeal.decision.household,
        kind=TimelineKind.APPEAL_SECOND_LOOK,
        params={"result": result},
        on=on,
        by=by,
        subject=appeal.decision,
    )
    return appeal


@transaction.atomic
def appeal_forward(*, appeal: Appeal, on: date, by) -> Appeal:
    """Send a kept appeal on to Statsforvalteren."""
    appeal = _locked_appeal(appeal)
    APPEAL_MACHINE.check(by, appeal, "forward")
    if on < appeal.second_look_on:
        raise ValidationError({"on": _("The appeal cannot be forwarded before the second look.")})
    appeal.forwarded_on = on
    appeal.save(update_fields=["forwarded_on"])
    timeline_record(
        household=appeal.decision.household,
        kind=TimelineKind.APPEAL_FORWARDED,
        on=on,
        by=by,
        subject=appeal.decision,
    )
    return appeal


@transaction.atomic
def appeal_outcome(*, appeal: Appeal, outcome: str, on: date, by) -> Appeal:
    """Record what Statsforvalteren decided."""
    appeal = _locked_appeal(appeal)
    APPEAL_MACHINE.check(by, appeal, "outcome")
    if outcome not in Appeal.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if on < appeal.forwarded_on:
        raise ValidationError({"on": _("The outcome cannot come before the appeal was forwarded.")})
    appeal.outcome = outcome
    appeal.outcome_on = on
    appeal.save(update_fields=["outcome", "outcome_on"])
    timeline_record(
        household=appeal.decision.household,
        kind=TimelineKind.APPEAL_OUTCOME,
        params={"outcome": outcome},
        on=on,
        by=by,
        subject=appeal.decision,
    )
    return appeal


# --- who may approve --------------------------------------------------------------------------


@transaction.atomic
def approver_set(*, staff, allowed: bool, by):
    """A manager authorises (or stops authorising) a staff member of their municipality to approve."""
    if not by.is_manager or staff.municipality_id != by.municipality_id:
        raise PermissionDenied
    staff.can_approve_decisions = allowed
    staff.save(update_fields=["can_approve_decisions"])
    logger.info("user %s set can_approve_decisions=%s for user %s", by.pk, allowed, staff.pk)
    return staff


# --- deadlines in sight on the caseload (a read: a source of cases.extensions.DEADLINES) ---------


def decision_deadlines(user, households, today: date) -> list[Deadline]:
    """Appeal deadlines running, appeals awaiting the second look or forwarding, decisions to renew."""
    found = []
    appeal_from = date_shift(today, -timedelta(weeks=APPEAL_WEEKS))
    renew_until = date_shift(today, timedelta(days=RENEWAL_WINDOW_DAYS))
    # The appeal windows and the periods ending, in one query.
    approved = (
        Decision.objects.filter(household__in=households, status=Decision.Status.APPROVED)
        .filter(
            Q(approved_on__gte=appeal_from)
            | Q(delivered_on__gte=appeal_from)
            | Q(period_to__gte=today, period_to__lte=renew_until)
        )
        .annotate(
            appealed=Exists(Appeal.objects.filter(decision=OuterRef("pk"))),
            replaced=Exists(Decision.objects.filter(replaces=OuterRef("pk"))),
        )
        .select_related("household")
    )
    for decision in approved:
        received_from = max(decision.approved_on, decision.delivered_on or decision.approved_on)
        if received_from >= appeal_from and not decision.appealed:
            found.append(
                Deadline(
                    due=appeal_deadline(decision),
                    household_id=decision.household_id,
                    household_reference=decision.household.reference,
                    text=_("Appeal deadline for the decision of %(date)s")
                    % {"date": f"{decision.approved_on:%d.%m.%Y}"},
                    view="cases:decision_detail",
                    pk=decision.pk,
                    kind="appeal_deadline",
                )
            )
        if decision.period_to and today <= decision.period_to <= renew_until and not decision.replaced:
            found.append(
                Deadline(
                    due=decision.period_to,
                    household_id=decision.household_id,
                    household_reference=decision.household.reference,
                    text=_("Decision period ends: consider a new decision"),
                    view="cases:decision_detail",
                    pk=decision.pk,
                    kind="decision_period_ends",
                )
            )
    waiting = Appeal.objects.filter(decision__household__in=households, outcome="").select_related(
        "decision__household"
    )
    for appeal in waiting:
        if not appeal.second_look:
            text, kind = _("Appeal awaiting the municipality's second look"), "appeal_second_look"
        elif appeal.second_look == Appeal.SecondLook.KEPT and not appeal.forwarded_on:
            text, kind = _("Appeal to be forwarded to Statsforvalteren"), "appeal_forward"
        else:
            continue
        found.append(
            Deadline(
                due=date_shift(appeal.received_on, timedelta(days=SECOND_LOOK_DAYS)),
                household_id=appeal.decision.household_id,
                household_reference=appeal.decision.household.reference,
                text=text,
                view="cases:decision_detail",
                pk=appeal.decision_id,
                kind=kind,
            )
        )
    return found
