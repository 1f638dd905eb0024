"""Move-ins, renewals and move-outs. Each validates, writes in one transaction and records the event
on the household's timeline."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boveileder.constraints import said_on_field
from cases.services.timeline import timeline_record
from housing.models import LongTenureFlag, MoveOutReason, RentalUnit, Tenancy, TenancyRenewal


@transaction.atomic
def tenancy_start(*, unit: RentalUnit, household, start_date, contract_end_date=None, by=None) -> Tenancy:
    """Register a move-in: a new tenancy of `household` in `unit`."""
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
    timeline_record(
        household=household,
        kind="tenancy_started",
        summary=_("Moved in to %(address)s") % {"address": unit.address},
        on=start_date,
        actor=by,
        subject=tenancy,
    )
    return tenancy


@transaction.atomic
def tenancy_renew(*, tenancy: Tenancy, new_end_date, renewed_on, by=None, note="") -> TenancyRenewal:
    """Renew a fixed-term contract; the earlier end dates are kept as renewals."""
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
        kind="tenancy_renewed",
        summary=_("Contract renewed until %(date)s") % {"date": f"{new_end_date:%d.%m.%Y}"},
        on=renewed_on,
        actor=by,
        subject=tenancy,
    )
    return renewal


@transaction.atomic
def tenancy_end(*, tenancy: Tenancy, on, reason: str, by=None, note: str = "", startloan=None) -> Tenancy:
    """Register a move-out with its reason; frees the unit and resolves the tenancy's open flag."""
    tenancy = Tenancy.objects.select_for_update().get(pk=tenancy.pk)
    if tenancy.moved_out_on:
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
    closed_flags = LongTenureFlag.objects.filter(tenancy=tenancy, resolved_on__isnull=True).update(
        status=LongTenureFlag.Status.RESOLVED, resolved_on=on
    )
    timeline_record(
        household=tenancy.household,
        kind="tenancy_ended",
        summary=_("Moved out of %(address)s: %(reason)s")
        % {"address": tenancy.unit.address, "reason": MoveOutReason(reason).label},
        on=on,
        actor=by,
        subject=tenancy,
    )
    if closed_flags:
        timeline_record(
            household=tenancy.household,
            kind="flag_resolved",
            summary=_("The conversation about the next step is closed: the household has moved out"),
            on=on,
            actor=by,
            subject=tenancy,
        )
    return tenancy
