"""The long-tenure flag: raising the due flags of many municipalities in one set, and the officers'
decisions on them. A flag invites a conversation about the household's next step."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from boveileder.changes import data_changed
from boveileder.dates import date_shift
from boveileder.models import Municipality
from cases.services.timeline import timeline_record
from housing.models import FlagDecision, LongTenureFlag, Tenancy
from housing.services.tenancies import tenancy_renew

Reason = LongTenureFlag.Reason
Status = LongTenureFlag.Status
Decision = LongTenureFlag.Decision


def tenure_cutoff(*, municipality: Municipality, as_of: date) -> date:
    """A start date on or before this has reached the tenure threshold by `as_of`.

    Counted back from `as_of`, so a tenancy begun on 29 February reaches it on 1 March in a common
    year (as Person.is_child_on counts birthdays)."""
    return date_shift(as_of, -relativedelta(years=municipality.tenure_threshold_years))


def expiry_horizon(*, municipality: Municipality, as_of: date) -> date:
    """A contract ending on or before this is inside the expiry window (expired ones included)."""
    return date_shift(as_of, relativedelta(months=municipality.expiry_window_months))


def flags_due(
    *, as_of: date, municipality: Municipality | None = None, municipalities: Sequence[Municipality] = ()
):
    """The tenancies of `municipality` (or of `municipalities`, which share one pair of thresholds)
    running on `as_of` that should get a new flag, as one queryset annotated with `is_tenure_due` and
    `is_expiry_due`.

    A tenancy with an unresolved flag gets none, nor does one whose move-out is registered (a planned
    move-out is the next step already). After resolved flags a reason counts only when it is
    new: the tenure reason when no flag for it was decided within the last tenure period, the
    contract's end when no flag was raised for that same end date."""
    municipalities = [municipality] if municipality is not None else list(municipalities)
    rule = municipalities[0]
    if any(_rule_of(m) != _rule_of(rule) for m in municipalities):
        raise ValueError("flags_due takes municipalities with the same thresholds")
    cutoff = tenure_cutoff(municipality=rule, as_of=as_of)
    horizon = expiry_horizon(municipality=rule, as_of=as_of)
    flags = LongTenureFlag.objects.filter(tenancy=OuterRef("pk"))
    tenure_due, expiry_due = Q(start_date__lte=cutoff), Q(contract_end_date__lte=horizon)
    # JSON containment is PostgreSQL's; the reasons' text form works on SQLite too.
    tenure_decided_lately = flags.annotate(text=Cast("reasons", TextField())).filter(
        text__contains=f'"{Reason.TENURE}"', resolved_on__gt=cutoff
    )
    same_contract_end_flagged = flags.filter(contract_end_date=OuterRef("contract_end_date"))
    return (
        Tenancy.objects.filter(municipality__in=[m.pk for m in municipalities])
        .running_on(as_of)
        .filter(moved_out_on__isnull=True)
        .filter(tenure_due | expiry_due)
        .exclude(Exists(flags.filter(resolved_on__isnull=True)))
        .filter(
            (tenure_due & ~Exists(tenure_decided_lately)) | (expiry_due & ~Exists(same_contract_end_flagged))
        )
        .annotate(is_tenure_due=when(tenure_due), is_expiry_due=when(expiry_due))
        .order_by("pk")
    )


def _rule_of(municipality: Municipality) -> tuple[int, int]:
    return municipality.tenure_threshold_years, municipality.expiry_window_months


def when(condition: Q):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def flags_raise_due_in(*, municipalities: QuerySet[Municipality], as_of: date) -> int:
    """Raise one flag for every tenancy of `municipalities` that is due on `as_of`; return how many.

    One statement per pair of thresholds does the work, however many municipalities share it: INSERT
    ... SELECT over the due tenancies, ON CONFLICT DO NOTHING against the partial unique constraint
    `flag_one_unresolved_per_tenancy`, which is what keeps a tenancy to one unresolved flag even under
    concurrent runs. A run first takes the row locks of its municipalities (in pk order, so runs
    cannot deadlock), so overlapping runs queue instead of waiting on each other's rows; the
    thresholds are read under that lock."""
    with transaction.atomic():
        locked = (
            municipalities.select_for_update()
            .order_by("pk")
            .only("id", "tenure_threshold_years", "expiry_window_months")
        )
        by_rule = defaultdict(list)
        for m in locked:
            by_rule[_rule_of(m)].append(m)
        raised = sum(
            _insert_flags(flags_due(municipalities=group, as_of=as_of), as_of=as_of)
            for group in by_rule.values()
        )
        if raised:  # the raw INSERT sends no save signals: the dashboards' figures are out of date
            for group in by_rule.values():
                for m in group:
                    data_changed(m.pk)
        return raised


def flags_raise_due(*, municipality: Municipality, as_of: date) -> int:
    """Raise the due flags of one municipality on `as_of`; return how many."""
    return flags_raise_due_in(municipalities=Municipality.objects.filter(pk=municipality.pk), as_of=as_of)


def _insert_flags(due, *, as_of: date) -> int:
    """INSERT one open flag per tenancy of the `flags_due` queryset `due`, for the tenancy's own
    municipality; return how many rows went in."""
    both = Q(is_tenure_due=True, is_expiry_due=True)
    rows = (
        due.order_by()  # an INSERT needs no order: spare PostgreSQL the sort of every due tenancy
        .annotate(
            flag_raised_on=Value(as_of, output_field=DateField()),
            flag_reasons=Case(
                When(both, then=Value([Reason.TENURE, Reason.CONTRACT_EXPIRY], output_field=JSONField())),
                When(is_tenure_due=True, then=Value([Reason.TENURE], output_field=JSONField())),
                default=Value([Reason.CONTRACT_EXPIRY], output_field=JSONField()),
            ),
            flag_contract_end=Case(
                When(is_expiry_due=True, then=F("contract_end_date")),
                default=Value(None, output_field=DateField()),
            ),
            flag_status=Value(Status.OPEN.value, output_field=CharField()),
        )
        .values_list(
            "municipality_id", "pk", "flag_raised_on", "flag_reasons", "flag_contract_end", "flag_status"
        )
    )
    select, params = rows.query.sql_with_params()
    table = LongTenureFlag._meta.db_table
    insert = (
        f"INSERT INTO {table} (municipality_id, tenancy_id, raised_on, reasons, contract_end_date, status) "
        f"{select} ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


DECISION_STATUS = {
    Decision.REFERRED: Status.REFERRED,
    Decision.STARTLOAN_ENCOURAGED: Status.STARTLOAN_ENCOURAGED,
    Decision.CONTRACT_RENEWED: Status.RESOLVED,
    Decision.SLEEPING: Status.SLEEPING,
    Decision.RESOLVED: Status.RESOLVED,
}


def _summary(decision: str, *, referred_to=None, sleep_until=None, new_end_date=None) -> str:
    if decision == Decision.REFERRED:
        return _("Next step: a conversation with %(name)s, housing counsellor") % {"name": referred_to}
    if decision == Decision.STARTLOAN_ENCOURAGED:
        return _("Next step: talked about applying for a start-up loan")
    if decision == Decision.CONTRACT_RENEWED:
        if new_end_date:
            return _("Next step: the contract was renewed until %(date)s") % {
                "date": f"{new_end_date:%d.%m.%Y}"
            }
        return _("Next step: the contract was renewed")
    if decision == Decision.SLEEPING:
        return _("Next step: not realistic now; we look at it again on %(date)s") % {
            "date": f"{sleep_until:%d.%m.%Y}"
        }
    return _("Next step: the conversation about moving on is closed for now")


@transaction.atomic
def flag_decide(
    *, flag: LongTenureFlag, decision: str, by, note="", sleep_until=None, referred_to=None, new_end_date=None
) -> FlagDecision:
    """Record an officer's decision on an unresolved flag, move the flag on, and note it on the
    household's timeline. `contract_renewed` with `new_end_date` also renews the tenancy."""
    flag = LongTenureFlag.objects.select_for_update().select_related("tenancy__household").get(pk=flag.pk)
    today = timezone.localdate()
    if flag.resolved_on is not None:
        raise ValidationError(_("This flag has already been resolved."))
    if decision not in DECISION_STATUS:
        raise ValidationError({"decision": _("Choose a decision.")})
    errors = {}
    if decision == Decision.SLEEPING:
        if sleep_until is None:
            errors["sleep_until"] = _("Give the date to look at it again.")
        elif sleep_until <= today:
            errors["sleep_until"] = _("The date to look again must be after today.")
        if not note.strip():
            errors["note"] = _("Say briefly why it is not realistic now.")
    if decision == Decision.REFERRED:
        if referred_to is None:
            errors["referred_to"] = _("Choose the counsellor.")
        elif not referred_to.is_counsellor or referred_to.municipality_id != flag.municipality_id:
            errors["referred_to"] = _("Choose a housing counsellor of your municipality.")
    if errors:
        raise ValidationError(errors)
    if decision == Decision.CONTRACT_RENEWED and new_end_date:
        tenancy_renew(tenancy=flag.tenancy, new_end_date=new_end_date, renewed_on=today, by=by, note=note)

    flag.status = DECISION_STATUS[decision]
    flag.referred_to = referred_to if decision == Decision.REFERRED else None
    flag.sleep_until = sleep_until if decision == Decision.SLEEPING else None
    if flag.status == Status.RESOLVED:
        flag.resolved_on = today
    flag.save(update_fields=["status", "referred_to", "sleep_until", "resolved_on"])
    made = FlagDecision.objects.create(
        flag=flag,
        decision=decision,
        decided_on=today,
        by=by,
        note=note,
        sleep_until=flag.sleep_until,
        referred_to=flag.referred_to,
    )
    timeline_record(
        household=flag.tenancy.household,
        kind="flag_decided",
        summary=_summary(
            decision, referred_to=referred_to, sleep_until=sleep_until, new_end_date=new_end_date
        ),
        on=today,
        actor=by,
        subject=flag,
    )
    return made


@transaction.atomic
def flag_thresholds_set(
    *, municipality: Municipality, tenure_threshold_years: int, expiry_window_months: int, by
):
    """A manager sets the municipality's thresholds for the nightly job."""
    municipality.tenure_threshold_years = tenure_threshold_years
    municipality.expiry_window_months = expiry_window_months
    municipality.save(update_fields=["tenure_threshold_years", "expiry_window_months"])
    return municipality
