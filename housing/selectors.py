"""Housing's composed reads: which tenancies are due a flag, and the officers' queue of flags.

A read that filters one model is a queryset method on it (`Tenancy.objects.running_on(day)`); a read
that composes several, or answers a page, lives here (see docs/architecture.md, «Reads»)."""

from collections.abc import Sequence
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast

from boveileder.dates import date_shift
from boveileder.models import Municipality
from cases.models import FollowUp, StartLoanApplication
from housing.models import FlagDecision, LongTenureFlag, Tenancy

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
    if any(rule_of(m) != rule_of(rule) for m in municipalities):
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


def rule_of(municipality: Municipality) -> tuple[int, int]:
    return municipality.tenure_threshold_years, municipality.expiry_window_months


def when(condition: Q):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def queue_tabs(today):
    """The queue's three views of the unresolved flags and the history of the resolved ones, each a filter."""
    unresolved = Q(resolved_on__isnull=True)
    awake = Q(status=Status.OPEN) | Q(status=Status.SLEEPING, sleep_until__lte=today)
    return {
        "todo": unresolved & awake,
        "following": unresolved & Q(status__in=[Status.REFERRED, Status.STARTLOAN_ENCOURAGED]),
        "sleeping": unresolved & Q(status=Status.SLEEPING, sleep_until__gt=today),
        "handled": Q(resolved_on__isnull=False),
    }


RESOLVING = [Decision.RESOLVED, Decision.CONTRACT_RENEWED]


def handled_filter(filters: dict, user) -> Q:
    """The «Handled» tab's filters as one condition: the outcome (the resolving decision, or none: the
    household moved out), the period it was resolved in, a household reference or an address."""
    condition = Q()
    decisions = FlagDecision.objects.filter(flag=OuterRef("pk"))
    if (outcome := filters.get("outcome")) in RESOLVING:
        condition &= Q(Exists(decisions.filter(decision=outcome)))
    elif outcome == "moved_out":
        condition &= ~Q(Exists(decisions.filter(decision__in=RESOLVING)))
    if filters.get("resolved_from"):
        condition &= Q(resolved_on__gte=filters["resolved_from"])
    if filters.get("resolved_to"):
        condition &= Q(resolved_on__lte=filters["resolved_to"])
    if q := (filters.get("q") or "").strip():
        by_reference = Q(tenancy__household__reference__iexact=q)
        if not user.is_manager:  # a restricted household's reference must not lead to its unit
            by_reference &= Q(tenancy__household__restricted=False) | Q(tenancy__household__counsellor=user)
        condition &= by_reference | Q(tenancy__unit__address__icontains=q)
    return condition


def household_visible(user):
    """Whether the user may open the flag's household (restricted ones: managers and its counsellor)."""
    if user.is_manager:
        return Value(True, output_field=BooleanField())
    return Case(
        When(
            Q(tenancy__household__restricted=False) | Q(tenancy__household__counsellor=user), then=Value(True)
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def flags_for_queue(user):
    household = OuterRef("tenancy__household")
    return (
        LongTenureFlag.objects.for_municipality(user.municipality_id)
        .select_related("tenancy__household__counsellor", "tenancy__unit", "referred_to")
        .annotate(
            visible=household_visible(user),
            last_contact=Subquery(
                FollowUp.objects.filter(household=household).order_by("-date").values("date")[:1]
            ),
            loan_status=Subquery(
                StartLoanApplication.objects.filter(household=household)
                .order_by("-received_on", "-pk")
                .values("status")[:1]
            ),
        )
    )
