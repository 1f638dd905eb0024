"""Households and their members: register, edit, close and reopen a case; add, link, edit and remove
members. Every write to a household is here.

Each write keeps its history (django-simple-history) and is an event on the household's timeline; an
edit's event names the fields changed, never their values: a national ID must not reach the timeline."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boveileder import dates
from boveileder.constraints import said_on_field
from boveileder.national_id import normalise
from cases.models import Household, Person
from cases.services.timeline import timeline_record
from cases.timeline import TimelineKind

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "national_id",
    "household_role",
    "phone",
    "email",
    "needs_interpreter",
    "interpreter_language",
)


def _check_birth_date(birth_date):
    if problem := dates.happened_problem(birth_date, birth=True):
        raise ValidationError({"birth_date": problem})


@transaction.atomic
def person_add(*, household: Household, by, **fields) -> Person:
    """Register a new member of a household."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_add got unknown fields: {sorted(unknown)}")
    _check_birth_date(fields.get("birth_date"))
    fields["national_id"] = normalise(fields.get("national_id", ""))
    person = Person(household=household, municipality_id=household.municipality_id, **fields)
    person.full_clean()
    with said_on_field(Person):  # the same number registered by someone else a moment ago
        person.save()
    timeline_record(
        household=household,
        kind=TimelineKind.MEMBER_ADDED,
        params={"name": str(person)},
        on=timezone.localdate(),
        by=by,
        subject=person,
    )
    return person


@transaction.atomic
def person_link(*, household: Household, person: Person, by) -> Person:
    """Move a person already registered in the municipality into this household instead of a duplicate."""
    if person.municipality_id != household.municipality_id:
        raise ValidationError(_("The person belongs to another municipality."))
    if person.household_id == household.pk and person.left_on is None:
        raise ValidationError(_("The person is already a member of this household."))
    today = timezone.localdate()
    previous = person.household
    if person.left_on is None and previous.pk != household.pk:
        timeline_record(
            household=previous,
            kind=TimelineKind.MEMBER_MOVED,
            params={"name": str(person)},
            on=today,
            by=by,
            subject=person,
        )
    person.household = household
    person.left_on = None
    person.save()
    timeline_record(
        household=household,
        kind=TimelineKind.MEMBER_ADDED,
        params={"name": str(person)},
        on=today,
        by=by,
        subject=person,
    )
    return person


@transaction.atomic
def person_remove(*, person: Person, by, on=None) -> Person:
    """A member leaves the household; the person and their history are kept."""
    on = on or timezone.localdate()
    if person.left_on:
        raise ValidationError(_("This person has already left the household."))
    if problem := dates.happened_problem(on):
        raise ValidationError({"left_on": problem})
    person.left_on = on
    person.save(update_fields=["left_on"])
    timeline_record(
        household=person.household,
        kind=TimelineKind.MEMBER_REMOVED,
        params={"name": str(person)},
        on=on,
        by=by,
        subject=person,
    )
    return person


@transaction.atomic
def household_register(
    *,
    municipality,
    by,
    reference,
    counsellor=None,
    enrolled_on=None,
    housing_at_start="",
    notes="",
    postal_address="",
    postcode="",
    post_town="",
    members=(),
) -> Household:
    """Register a household and its first members; the registering counsellor follows it by default."""
    if counsellor is not None and (
        counsellor.municipality_id != municipality.pk or counsellor.is_administrator
    ):
        raise ValidationError({"counsellor": _("Choose a counsellor of your municipality.")})
    household = Household(
        municipality=municipality,
        reference=reference.strip(),
        counsellor=counsellor,
        enrolled_on=enrolled_on or timezone.localdate(),
        notes=notes,
        postal_address=postal_address.strip(),
        postcode=postcode.strip(),
        post_town=post_town.strip(),
    )
    if housing_at_start:
        household.housing_at_start = housing_at_start
    household.full_clean()
    with said_on_field(Household):  # the same reference registered a moment ago
        household.save()
    timeline_record(
        household=household,
        kind=TimelineKind.HOUSEHOLD_REGISTERED,
        on=household.enrolled_on,
        by=by,
        subject=household,
    )
    for member in members:
        person_add(household=household, by=by, **member)
    return household


@transaction.atomic
def household_close(*, household: Household, by, on, reason: str) -> Household:
    """Close a case with a reason; it leaves the caseload but keeps its story."""
    if household.closed_on:
        raise ValidationError(_("The case is already closed."))
    if reason not in Household.CloseReason.values:
        raise ValidationError({"close_reason": _("Choose why the case is closed.")})
    if on > timezone.localdate():
        raise ValidationError({"closed_on": _("The date cannot be in the future.")})
    household.closed_on = on
    household.close_reason = reason
    household.save(update_fields=["closed_on", "close_reason"])
    timeline_record(
        household=household,
        kind=TimelineKind.HOUSEHOLD_CLOSED,
        params={"reason": reason},
        on=on,
        by=by,
        subject=household,
    )
    return household


@transaction.atomic
def household_reopen(*, household: Household, by) -> Household:
    """Reopen a closed case."""
    if not household.closed_on:
        raise ValidationError(_("The case is open."))
    household.closed_on = None
    household.close_reason = ""
    household.save(update_fields=["closed_on", "close_reason"])
    timeline_record(
        household=household,
        kind=TimelineKind.HOUSEHOLD_REOPENED,
        on=timezone.localdate(),
        by=by,
        subject=household,
    )
    return household


HOUSEHOLD_FIELDS = (
    "counsellor",
    "housing_at_start",
    "enrolled_on",
    "postal_address",
    "postcode",
    "post_town",
    "notes",
)


def _changed(instance, changes: dict, allowed) -> list[str]:
    """Check the names, and return those whose value differs from the instance's (in `allowed` order)."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    return [name for name in allowed if name in changes and getattr(instance, name) != changes[name]]


def _check_counsellor(*, household: Household, by, counsellor) -> None:
    if counsellor is not None and (
        counsellor.municipality_id != household.municipality_id
        or not counsellor.is_counsellor
        or counsellor.is_administrator
    ):
        raise ValidationError({"counsellor": _("Choose a counsellor of your municipality.")})
    if by.is_manager:
        return
    # A counsellor may take an unassigned case, but only a manager hands a case to someone else.
    if not (household.counsellor_id is None and counsellor is not None and counsellor.pk == by.pk):
        raise ValidationError({"counsellor": _("Only a manager can give the case to another counsellor.")})


@transaction.atomic
def household_update(*, household: Household, by, **changes) -> Household:
    """Change a household's counsellor, housing at the start, enrolment date, postal address or notes.

    Only a manager may reassign the case. Nothing changed: nothing is written."""
    if "counsellor" in changes and changes["counsellor"] is not None:
        # Compare by id: the form hands over a user object.
        if changes["counsellor"].pk == household.counsellor_id:
            changes.pop("counsellor")
    elif "counsellor" in changes and household.counsellor_id is None:
        changes.pop("counsellor")
    changed = _changed(household, changes, HOUSEHOLD_FIELDS)
    if not changed:
        return household
    if "counsellor" in changed:
        _check_counsellor(household=household, by=by, counsellor=changes["counsellor"])
    enrolled_on = changes.get("enrolled_on")
    if "enrolled_on" in changed and (problem := dates.happened_problem(enrolled_on)):
        raise ValidationError({"enrolled_on": problem})
    for name in changed:
        setattr(household, name, changes[name])
    # Only what changes is checked: a reference stored before today's rules (an old import) must
    # not stop the counsellor from correcting the enrolment date.
    unchanged = [f.name for f in household._meta.fields if f.name not in changed]
    household.full_clean(exclude=unchanged, validate_unique=False, validate_constraints=False)
    household._history_user = by
    household.save(update_fields=changed)
    timeline_record(
        household=household,
        kind=TimelineKind.HOUSEHOLD_UPDATED,
        params={"fields": changed},
        on=timezone.localdate(),
        by=by,
        subject=household,
    )
    return household


def _check_national_id_free(person: Person, national_id: str) -> None:
    taken = (
        Person.objects.filter(municipality_id=person.municipality_id, national_id=national_id)
        .exclude(pk=person.pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            {"national_id": _("Another person in the municipality already has this national ID number.")}
        )


@transaction.atomic
def person_update(*, person: Person, by, **changes) -> Person:
    """Change a member's particulars; a national ID is checked (both check-digit rules) and must be
    unique in the municipality. The timeline names what changed, never the values."""
    if "national_id" in changes:
        changes["national_id"] = normalise(changes["national_id"])
    changed = _changed(person, changes, PERSON_FIELDS)
    if not changed:
        return person
    birth_date = changes.get("birth_date")
    if "birth_date" in changed and (problem := dates.happened_problem(birth_date, birth=True)):
        raise ValidationError({"birth_date": problem})
    if "national_id" in changed and changes["national_id"]:
        _check_national_id_free(person, changes["national_id"])
    for name in changed:
        setattr(person, name, changes[name])
    person.full_clean(validate_unique=False, validate_constraints=False)
    person._history_user = by
    with said_on_field(Person):  # the same number saved by someone else a moment ago
        person.save(update_fields=changed)
    timeline_record(
        household=person.household,
        kind=TimelineKind.PERSON_UPDATED,
        params={"name": str(person), "fields": changed},
        on=timezone.localdate(),
        by=by,
        subject=person,
    )
    return person
