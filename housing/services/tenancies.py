"""Move-ins, renewals and move-outs. Each validates, writes in one transaction and records the event
on the household's timeline. A move registered ahead is recorded as planned; the nightly
`tenancies_carry_through` records it as done on its day (the unit's state needs no job: it is read
from the dates)."""

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from boveileder.changes import data_changed
from boveileder.constraints import said_on_field
from boveileder.models import Municipality
from cases.models import TimelineEvent
from cases.services.timeline import timeline_record
from housing.models import LongTenureFlag, MoveOutReason, RentalUnit, Tenancy, TenancyRenewal
from housing.timeline import HousingKind

# How far back the nightly job looks for a planned move whose day has come: a job down for longer
# leaves that move's "moved in/out" line off the timeline (the unit's state and flags are unaffected).
CARRY_LOOKBACK = timedelta(days=366)


def _record_moved_in(tenancy: Tenancy, *, actor=None) -> None:
    timeline_record(
        household=tenancy.household,
        kind=HousingKind.TENANCY_STARTED,
        params={"address": tenancy.unit.address},
        on=tenancy.start_date,
        by=actor,
        subject=tenancy,
    )


def _record_moved_out(tenancy: Tenancy, *, actor=None) -> None:
    timeline_record(
        household=tenancy.household,
        kind=HousingKind.TENANCY_ENDED,
        params={"address": tenancy.unit.address, "reason": tenancy.move_out_reason},
        on=tenancy.moved_out_on,
        by=actor,
        subject=tenancy,
    )


def _record_start(tenancy: Tenancy, *, actor=None) -> None:
    """ "Moved in" for a day come; for a day ahead "move-in planned", dated today."""
    today = timezone.localdate()
    if tenancy.start_date <= today:
        _record_moved_in(tenancy, actor=actor)
        return
    timeline_record(
        household=tenancy.household,
        kind=HousingKind.TENANCY_START_PLANNED,
        params={"address": tenancy.unit.address, "date": tenancy.start_date},
        on=today,
        by=actor,
        subject=tenancy,
    )


def _record_end(tenancy: Tenancy, *, actor=None) -> bool:
    """ "Moved out" for a day come (True); for a day ahead "move-out planned", dated today (False)."""
    today = timezone.localdate()
    if tenancy.moved_out_on <= today:
        _record_moved_out(tenancy, actor=actor)
        return True
    timeline_record(
        household=tenancy.household,
        kind=HousingKind.TENANCY_END_PLANNED,
        params={
            "address": tenancy.unit.address,
            "date": tenancy.moved_out_on,
            "reason": tenancy.move_out_reason,
        },
        on=today,
        by=actor,
        subject=tenancy,
    )
    return False


def _resolve_flags_of_ended(tenancies, *, actor=None) -> list[LongTenureFlag]:
    """Close the unresolved flags of `tenancies` (all moved out by now) on their move-out day, and say
    so on the timeline; return the flags closed."""
    flags = list(
        LongTenureFlag.objects.select_for_update(of=("self",))
        .filter(resolved_on__isnull=True, tenancy__in=tenancies)
        .select_related("tenancy__household")
        .order_by("pk")
    )
    if not flags:
        return []
    moved_out_on = Tenancy.objects.filter(pk=OuterRef("tenancy_id")).values("moved_out_on")[:1]
    LongTenureFlag.objects.filter(pk__in=[f.pk for f in flags]).update(
        status=LongTenureFlag.Status.RESOLVED, resolved_on=Subquery(moved_out_on)
    )
    for flag in flags:
        timeline_record(
            household=flag.tenancy.household,
            kind=HousingKind.FLAG_RESOLVED,
            on=flag.tenancy.moved_out_on,
            by=actor,
            subject=flag.tenancy,
        )
    return flags


@transaction.atomic
def tenancy_start(*, unit: RentalUnit, household, start_date, contract_end_date=None, by=None) -> Tenancy:
    """Register a move-in: a new tenancy of `household` in `unit`; one dated ahead is planned."""
    RentalUnit.objects.select_for_update().get(pk=unit.pk)  # serialise move-ins per unit
    tenancy = Tenancy(
        municipality_id=unit.municipality_id,
        unit=unit,
        household=household,
        start_date=start_date,
        contract_end_date=contract_end_date,
    )
    tenancy.full_clean()
    with said_on_field(Tenancy):
        tenancy.save()
    _record_start(tenancy, actor=by)
    return tenancy


@transaction.atomic
def tenancy_renew(*, tenancy: Tenancy, new_end_date, renewed_on, by=None, note="") -> TenancyRenewal:
    """Renew a fixed-term contract; the earlier end dates are kept as renewals."""
    if tenancy.move_out_planned:
        raise ValidationError(
            _("The move-out on %(date)s is registered: the contract cannot be renewed.")
            % {"date": f"{tenancy.moved_out_on:%d.%m.%Y}"}
        )
    if tenancy.moved_out_on:
        raise ValidationError(_("An ended tenancy cannot be renewed."))
    if tenancy.contract_end_date and new_end_date <= tenancy.contract_end_date:
        raise ValidationError({"new_end_date": _("The new end date must be after the current one.")})
    renewal = TenancyRenewal.objects.create(
        tenancy=tenancy,
        renewed_on=renewed_on,
        previous_end_date=tenancy.contract_end_date,
        new_end_date=new_end_date,
        by=by,
        note=note,
    )
    tenancy.contract_end_date = new_end_date
    tenancy.full_clean()
    tenancy.save(update_fields=["contract_end_date"])
    timeline_record(
        household=tenancy.household,
        kind=HousingKind.TENANCY_RENEWED,
        params={"date": new_end_date},
        on=renewed_on,
        by=by,
        subject=tenancy,
    )
    return renewal


@transaction.atomic
def tenancy_end(*, tenancy: Tenancy, on, reason: str, by=None, note: str = "", startloan=None) -> Tenancy:
    """Register a move-out with its reason. From that day the unit is vacant and the tenancy's open
    flag is closed: at once for a day come, by the nightly job for one registered ahead."""
    tenancy = (
        Tenancy.objects.select_for_update(of=("self",)).select_related("unit", "household").get(pk=tenancy.pk)
    )
    # A move-out still ahead may be registered again: a new date or reason (its day not yet come).
    if tenancy.moved_out_on and not tenancy.move_out_planned:
        raise ValidationError(_("This tenancy has already ended."))
    if reason not in MoveOutReason.values:
        raise ValidationError({"move_out_reason": _("Choose why the household moved out.")})
    tenancy.moved_out_on = on
    tenancy.move_out_reason = reason
    tenancy.move_out_note = note
    if startloan is not None:
        tenancy.startloan = startloan
    tenancy.full_clean()
    tenancy.save()
    if _record_end(tenancy, actor=by):
        _resolve_flags_of_ended([tenancy.pk], actor=by)
    return tenancy


@transaction.atomic
def tenancy_move_out_cancel(*, tenancy: Tenancy, by=None) -> Tenancy:
    """Call off a move-out registered ahead, before its day: the tenancy runs on as before. Refused
    once another household is booked into the unit from that day."""
    tenancy = (
        Tenancy.objects.select_for_update(of=("self",)).select_related("unit", "household").get(pk=tenancy.pk)
    )
    if not tenancy.move_out_planned:
        raise ValidationError(_("Only a move-out whose day has not come can be called off."))
    planned_on = tenancy.moved_out_on
    tenancy.moved_out_on, tenancy.move_out_reason, tenancy.move_out_note = None, "", ""
    tenancy.full_clean()
    tenancy.save()
    timeline_record(
        household=tenancy.household,
        kind=HousingKind.TENANCY_END_CANCELLED,
        params={"address": tenancy.unit.address, "date": planned_on},
        on=timezone.localdate(),
        by=by,
        subject=tenancy,
    )
    return tenancy


def tenancy_events_record(*, tenancy: Tenancy, by=None) -> None:
    """The timeline of a tenancy registered whole (the spreadsheet import): its move-in, and its
    move-out if it has one, each as done or as planned by its date."""
    _record_start(tenancy, actor=by)
    if tenancy.moved_out_on is not None:
        _record_end(tenancy, actor=by)


def _planned_and_due(*, as_of: date, planned: str, done: str, day_field: str):
    """Tenancies of a move registered ahead (a `planned` event) whose day has come by `as_of` and
    whose `done` event is not yet on the timeline."""
    events = TimelineEvent.objects.filter(
        household_id=OuterRef("household_id"),
        content_type=ContentType.objects.get_for_model(Tenancy),
        object_id=OuterRef("pk"),
    )
    return (
        Tenancy.objects.filter(**{f"{day_field}__lte": as_of, f"{day_field}__gt": as_of - CARRY_LOOKBACK})
        .filter(Exists(events.filter(kind=planned)))
        .exclude(Exists(events.filter(kind=done)))
        .select_related("unit", "household")
        .order_by(day_field, "pk")
    )


@transaction.atomic
def tenancies_carry_through(*, as_of: date) -> int:
    """Carry the moves registered ahead through once their day has come by `as_of`: "moved in" and
    "moved out" on the timeline dated on the day itself, and the open flags of every tenancy ended by
    then closed on its move-out day. Return how many moves were carried; safe to run twice."""
    # Runs queue on the municipalities' row locks (pk order, as the flag job), so a second run
    # reads what the first one wrote and writes nothing twice.
    list(Municipality.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    moved_in = list(
        _planned_and_due(
            as_of=as_of,
            planned=HousingKind.TENANCY_START_PLANNED,
            done=HousingKind.TENANCY_STARTED,
            day_field="start_date",
        )
    )
    moved_out = list(
        _planned_and_due(
            as_of=as_of,
            planned=HousingKind.TENANCY_END_PLANNED,
            done=HousingKind.TENANCY_ENDED,
            day_field="moved_out_on",
        )
    )
    for tenancy in moved_in:
        _record_moved_in(tenancy)
    for tenancy in moved_out:
        _record_moved_out(tenancy)
    closed = _resolve_flags_of_ended(Tenancy.objects.filter(moved_out_on__lte=as_of).values("pk"))
    for municipality_id in {t.municipality_id for t in moved_in + moved_out} | {
        f.municipality_id for f in closed
    }:
        data_changed(municipality_id)
    return len(moved_in) + len(moved_out)
