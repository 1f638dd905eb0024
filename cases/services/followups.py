"""Follow-ups (oppfølging): logging a contact with a household and correcting one's own entries.

Corrections keep the earlier version (django-simple-history on FollowUp); each write is an event on
the household's timeline."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boveileder import dates
from boveileder.dates import date_shift
from cases.deadlines import Deadline
from cases.models import FollowUp, HeldFollowUp, PartnerAgency
from cases.services.timeline import timeline_record
from cases.timeline import TimelineKind

FIELDS = ("date", "kind", "minutes", "topics", "note", "next_step", "next_step_due")
DEADLINE_HORIZON_DAYS = 14


def _params(followup: FollowUp) -> dict:
    """Kind and minutes only: the note stays on the follow-up, never on the timeline."""
    return {"kind": followup.kind, "minutes": followup.minutes}


def _validate(followup: FollowUp) -> None:
    errors = {}
    today = timezone.localdate()
    if problem := dates.happened_problem(followup.date, today=today):
        errors["date"] = problem
    if followup.next_step_due and followup.date and followup.next_step_due < followup.date:
        errors["next_step_due"] = _("The next step cannot be due before the follow-up itself.")
    if followup.next_step_due and not followup.next_step:
        errors["next_step"] = _("Say what the next step is when you give it a due date.")
    if set(followup.topics) - set(FollowUp.Topic.values):
        errors["topics"] = _("Choose topics from the list.")
    if errors:
        raise ValidationError(errors)
    followup.full_clean(exclude=["household", "by", "topics"])


def _check_agencies(household, agencies) -> None:
    if any(agency.municipality_id != household.municipality_id for agency in agencies):
        raise ValidationError({"partner_agencies": _("Choose partner agencies of your municipality.")})


@transaction.atomic
def followup_log(
    *,
    household,
    by,
    date,
    kind,
    minutes=None,
    topics=(),
    note="",
    partner_agencies=(),
    next_step="",
    next_step_due=None,
    while_offline=False,
) -> FollowUp:
    """Log a visit, call or meeting with a household, and put it on the household's timeline.

    `while_offline`: a visit made offline is kept even if the case was closed before it arrived."""
    if not household.is_open and not while_offline:
        raise ValidationError(_("The case is closed: reopen it before logging a follow-up."))
    followup = FollowUp(
        household=household,
        by=by,
        date=date,
        kind=kind,
        minutes=minutes,
        topics=list(topics),
        note=note,
        next_step=next_step,
        next_step_due=next_step_due,
    )
    _validate(followup)
    _check_agencies(household, partner_agencies)
    followup.save()
    followup.partner_agencies.set(partner_agencies)
    timeline_record(
        household=household,
        kind=TimelineKind.FOLLOWUP,
        params=_params(followup),
        on=date,
        by=by,
        subject=followup,
    )
    return followup


@transaction.atomic
def followup_hold(
    *,
    household,
    by,
    date,
    kind,
    minutes=None,
    topics=(),
    note="",
    partner_agencies=(),
    next_step="",
    next_step_due=None,
) -> HeldFollowUp:
    """Keep aside a visit made offline whose counsellor lost access to the household meanwhile: for
    the manager to see, not on the timeline the counsellor can no longer read."""
    return HeldFollowUp.objects.create(
        household=household,
        municipality_id=household.municipality_id,
        by=by,
        date=date,
        kind=kind,
        minutes=minutes,
        topics=list(topics),
        note=note,
        partner_agency_ids=[agency.pk for agency in partner_agencies],
        next_step=next_step,
        next_step_due=next_step_due,
    )


@transaction.atomic
def followup_held_keep(*, held: HeldFollowUp) -> FollowUp:
    """The manager puts a visit kept aside on its household: logged as its counsellor's, dated as made."""
    held = HeldFollowUp.objects.select_for_update().get(pk=held.pk)
    followup = followup_log(
        household=held.household,
        by=held.by,
        date=held.date,
        kind=held.kind,
        minutes=held.minutes,
        topics=held.topics,
        note=held.note,
        partner_agencies=list(
            PartnerAgency.objects.filter(municipality_id=held.municipality_id, pk__in=held.partner_agency_ids)
        ),
        next_step=held.next_step,
        next_step_due=held.next_step_due,
        while_offline=True,
    )
    held.delete()
    return followup


@transaction.atomic
def followup_correct(*, followup: FollowUp, by, partner_agencies=None, **changes) -> FollowUp:
    """Correct one's own follow-up; the earlier version stays in its history."""
    if followup.by_id != by.pk:
        raise PermissionDenied(_("Only the one who logged a follow-up may correct it."))
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"followup_correct got unknown fields: {sorted(unknown)}")
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    for field, value in changes.items():
        setattr(followup, field, list(value) if field == "topics" else value)
    _validate(followup)
    if partner_agencies is not None:
        _check_agencies(followup.household, partner_agencies)
    followup._change_reason = "correction"
    followup.save()
    if partner_agencies is not None:
        followup.partner_agencies.set(partner_agencies)
    timeline_record(
        household=followup.household,
        kind=TimelineKind.FOLLOWUP_CORRECTED,
        params=_params(followup),
        on=followup.date,
        by=by,
        subject=followup,
    )
    return followup


def followup_deadlines(user, households, today) -> list[Deadline]:
    """Deadline source: next steps overdue or due within two weeks, one per household."""
    due = (
        households.model.objects.filter(pk__in=households.values("pk"))
        .with_contact_facts()
        .filter(next_step_due__lte=date_shift(today, timedelta(days=DEADLINE_HORIZON_DAYS)))
        .exclude(next_step="")
        .values_list("pk", "reference", "next_step", "next_step_due")
    )
    return [
        Deadline(
            due=step_due,
            household_id=pk,
            household_reference=reference,
            text=_("Next step: %(step)s") % {"step": step},
            view="cases:household_detail",
            pk=pk,
            kind="next_step",
        )
        for pk, reference, step, step_due in due
    ]
