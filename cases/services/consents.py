"""Consent (samtykke): what may be shared with which partner agency; recorded and withdrawn, with history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.deadlines import Deadline
from cases.models import Consent
from cases.services.timeline import timeline_record
from cases.timeline import TimelineKind

LAPSING_WITHIN_DAYS = 30


@transaction.atomic
def consent_record(*, household, by, agency, purpose, given_on, valid_until=None, person=None) -> Consent:
    """Record a consent to share information with a partner agency."""
    if agency.municipality_id != household.municipality_id:
        raise ValidationError({"agency": _("Choose a partner agency of your municipality.")})
    if person is not None and person.household_id != household.pk:
        raise ValidationError({"person": _("Choose a member of this household.")})
    if valid_until and valid_until < given_on:
        raise ValidationError({"valid_until": _("A consent cannot end before it was given.")})
    consent = Consent(
        household=household,
        person=person,
        agency=agency,
        purpose=purpose,
        given_on=given_on,
        valid_until=valid_until,
        recorded_by=by,
    )
    consent.full_clean()
    consent.save()
    timeline_record(
        household=household,
        kind=TimelineKind.CONSENT_RECORDED,
        params={"agency": agency.name},
        on=given_on,
        by=by,
        subject=consent,
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by, on) -> Consent:
    """Withdraw a consent from a date on; it no longer allows sharing after that."""
    if consent.withdrawn_on:
        raise ValidationError(_("This consent has already been withdrawn."))
    if on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("A consent cannot be withdrawn before it was given.")})
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    timeline_record(
        household=consent.household,
        kind=TimelineKind.CONSENT_WITHDRAWN,
        params={"agency": consent.agency.name},
        on=on,
        by=by,
        subject=consent,
    )
    return consent


def consent_deadlines(user, households, today) -> list[Deadline]:
    """Deadline source: consents in force today that lapse within 30 days."""
    lapsing = (
        Consent.objects.filter(household__in=households.values("pk"))
        .lapsing_within(today, LAPSING_WITHIN_DAYS)
        .values_list("household_id", "household__reference", "agency__name", "valid_until")
    )
    return [
        Deadline(
            due=valid_until,
            household_id=household_id,
            household_reference=reference,
            text=_("Consent to share with %(agency)s lapses") % {"agency": agency},
            view="cases:household_detail",
            pk=household_id,
            kind="consent_lapses",
        )
        for household_id, reference, agency, valid_until in lapsing
    ]
