"""The report indicators: one function per key of docs/domain.md's table, each exactly its definition.

Every screen, PDF, JSON and CSV figure comes from here. An indicator is a condition on the rows of
a *source* (the follow-ups of the period, the exits of the period, …) and what is counted or summed
of the rows meeting it. `figures()` batches the indicators by source, so a whole report is a few
aggregate queries however many rows there are; `records()` gives the rows behind one figure.

Choices the definitions leave open (said here and in the PDF appendix):
- *members* of a household on a date are its Person rows with `left_on` empty or after that date;
  for `persons_assisted` the date is the period's last day, for `persons_moved_out` the move-out date.
- persons are counted once each, even when their household had two exits in one period.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from boveileder.models import Municipality
from cases.models import Appeal, Decision, FollowUp, Household, PartnerAgency, Person, StartLoanApplication
from housing.models import LongTenureFlag, MoveOutReason, Tenancy
from housing.services.flags import tenure_cutoff

# --- the shared vocabulary of the definitions -----------------------------------------------------


def _scoped(queryset: QuerySet, path: str, municipality) -> QuerySet:
    """Rows of one municipality, of several (a list or queryset: a region, pooled) or of all (None)."""
    if municipality is None:
        return queryset
    if isinstance(municipality, Municipality):
        return queryset.filter(**{path: municipality})
    if not isinstance(municipality, QuerySet):
        municipality = [getattr(m, "pk", m) for m in municipality]
    return queryset.filter(**{f"{path}__in": municipality})


def _day_number(expression) -> "F":
    """A date as the integer YYYYMMDD, so dates from different rows compare in SQL on any backend."""
    return ExtractYear(expression) * 10000 + ExtractMonth(expression) * 100 + ExtractDay(expression)


def is_child_on(birth_date_path: str, on) -> Q:
    """A *child* on a date: the 18th birthday is after that date. No birth date: an adult.

    `on` is a date or an expression (the household's move-out date). Comparing YYYYMMDD numbers
    makes someone born 29 February an adult on 1 March of their 18th year, as `Person.is_child_on`.
    """
    if isinstance(on, date):
        on_number = Value(on.year * 10000 + on.month * 100 + on.day, output_field=IntegerField())
    else:
        on_number = _day_number(on)
    eighteenth = _day_number(birth_date_path) + 18 * 10000
    return Q(**{f"{birth_date_path}__isnull": False}) & Q(GreaterThan(eighteenth, on_number))


def is_member_on(prefix: str, on) -> Q:
    """Members of a household on a date: Person rows not removed from it on or before that date."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})


# --- sources: the rows each indicator looks at ----------------------------------------------------


def followups_in_period(municipality, first, last) -> QuerySet:
    return _scoped(FollowUp.objects.filter(date__gte=first, date__lte=last), "municipality", municipality)


def members_of_assisted_households(municipality, first, last) -> QuerySet:
    """Members on the period's last day of the households with at least one follow-up in the period."""
    assisted = followups_in_period(municipality, first, last).values("household_id")
    return _scoped(
        Person.objects.filter(is_member_on("", last), household_id__in=assisted), "municipality", municipality
    )


def exits_in_period(municipality, first, last) -> QuerySet:
    """An *exit*: a tenancy whose move-out date lies in the period, whose reason is not `transfer`,
    and whose household had at least one follow-up on or before the move-out date."""
    followed_up = FollowUp.objects.filter(
        household_id=OuterRef("household_id"), date__lte=OuterRef("moved_out_on")
    )
    return _scoped(
        Tenancy.objects.filter(moved_out_on__gte=first, moved_out_on__lte=last)
        .exclude(move_out_reason=MoveOutReason.TRANSFER)
        .filter(Exists(followed_up)),
        "municipality",
        municipality,
    )


def startloans_in_period(municipality, first, last) -> QuerySet:
    return _scoped(
        StartLoanApplication.objects.filter(
            Q(received_on__gte=first, received_on__lte=last) | Q(decided_on__gte=first, decided_on__lte=last)
        ),
        "household__municipality",
        municipality,
    )


def flags_in_period(municipality, first, last) -> QuerySet:
    return _scoped(
        LongTenureFlag.objects.filter(
            Q(raised_on__gte=first, raised_on__lte=last) | Q(resolved_on__gte=first, resolved_on__lte=last)
        ),
        "municipality",
        municipality,
    )


def decisions_in_period(municipality, first, last) -> QuerySet:
    return _scoped(
        Decision.objects.filter(
            status=Decision.Status.APPROVED, approved_on__gte=first, approved_on__lte=last
        ),
        "household__municipality",
        municipality,
    )


def appeals_in_period(municipality, first, last) -> QuerySet:
    in_period = Q()
    for field in ("received_on", "forwarded_on", "second_look_on", "outcome_on"):
        in_period |= Q(**{f"{field}__gte": first, f"{field}__lte": last})
    return _scoped(Appeal.objects.filter(in_period), "decision__household__municipality", municipality)


def let_on_last_day(municipality, first, last) -> QuerySet:
    """Tenancies *let* on the period's last day (`Tenancy.objects.running_on`: one definition)."""
    return _scoped(Tenancy.objects.running_on(last), "municipality", municipality)


def let_on_first_day(municipality, first, last) -> QuerySet:
    """Tenancies *let* on the period's first day."""
    return _scoped(Tenancy.objects.running_on(first), "municipality", municipality)


SOURCES: dict[str, Callable] = {
    "followups": followups_in_period,
    "assisted_members": members_of_assisted_households,
    "exits": exits_in_period,
    "startloans": startloans_in_period,
    "flags": flags_in_period,
    "decisions": decisions_in_period,
    "appeals": appeals_in_period,
    "let_last_day": let_on_last_day,
    "let_first_day": let_on_first_day,
}


# --- the registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    key: str
    source: str
    label: str
    definition: str  # docs/domain.md's wording, English; translated in the PDF and on screen
    condition: Callable  # (first, last) -> Q on the source's rows
    counts: str = "pk"  # what is counted (distinct) in the rows meeting the condition
    sums: str | None = None  # or: which field is summed
    finish: Callable = int
    records_model: type | None = None  # the model of `counts` when it is not the source's own rows
    # The condition depends on the municipalities' own settings: called (first, last, municipality).
    scoped_condition: bool = False
    # A figure that is no count or sum (a share, a median, a rate): (municipality, first, last, values)
    # -> value, where `values` holds the counts already computed in the same call; computed over the
    # rows of all the municipalities in scope together (pooled, never averaged).
    compute: Callable | None = None

    # An indicator is callable (its figure); templates read its label and definition instead.
    do_not_call_in_templates = True

    def condition_for(self, municipality, first, last) -> Q:
        if self.scoped_condition:
            return self.condition(first, last, municipality)
        return self.condition(first, last)

    def aggregate(self, first, last, municipality=None):
        condition = self.condition_for(municipality, first, last)
        if self.sums:
            return Sum(self.sums, filter=condition or None)
        return Count(self.counts, distinct=True, filter=condition or None)

    def __call__(self, municipality, first: date, last: date):
        """The figure for one municipality (None: all of them) and one period, both days included."""
        if self.compute:
            return self.compute(municipality, first, last, {})
        rows = SOURCES[self.source](municipality, first, last)
        return self.finish(rows.aggregate(value=self.aggregate(first, last, municipality))["value"])

    def records(self, municipality, first: date, last: date) -> QuerySet:
        """The rows behind the figure: households, persons, tenancies, follow-ups, … of the period."""
        rows = SOURCES[self.source](municipality, first, last).filter(
            self.condition_for(municipality, first, last)
        )
        if self.records_model is None:
            return rows
        return self.records_model.objects.filter(pk__in=rows.values(self.counts))

    @property
    def __doc__(self):  # help(indicators.households_assisted) reads the definition
        return self.definition


INDICATORS: dict[str, Indicator] = {}


def indicator(source, *, label, definition, **options):
    """Register the function below as the indicator of its name. It returns the condition (a Q)."""

    def register(condition):
        item = Indicator(
            key=condition.__name__,
            source=source,
            label=label,
            definition=definition,
            condition=condition,
            **options,
        )
        INDICATORS[item.key] = item
        return item

    return register


def _hours(minutes) -> float:
    """Minutes as hours, one decimal, rounded half up."""
    hours = Decimal(minutes or 0) / Decimal(60)
    return float(hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _kroner(amount) -> int:
    return int(amount or 0)


# --- docs/domain.md's table ---------------------------------------------------------------------------


@indicator(
    "followups",
    counts="household",
    records_model=Household,
    label=_("Households assisted"),
    definition=gettext_noop("households with at least one follow-up dated in the period"),
)
def households_assisted(first, last):
    return Q()


@indicator(
    "assisted_members",
    label=_("Persons assisted"),
    definition=gettext_noop("members of those households"),
)
def persons_assisted(first, last):
    return Q()


@indicator(
    "assisted_members",
    label=_("Children assisted"),
    definition=gettext_noop("of those persons, children on the period's last day"),
)
def children_assisted(first, last):
    return is_child_on("birth_date", last)


@indicator(
    "exits",
    label=_("Households that bought a home"),
    definition=gettext_noop("exits with reason `bought`"),
)
def households_bought_home(first, last):
    return Q(move_out_reason=MoveOutReason.BOUGHT)


@indicator(
    "exits",
    label=_("Households that moved to private rental"),
    definition=gettext_noop("exits with reason `private_rental`"),
)
def households_moved_to_private_rental(first, last):
    return Q(move_out_reason=MoveOutReason.PRIVATE_RENTAL)


@indicator(
    "exits",
    label=_("Municipal units freed"),
    definition=gettext_noop("all exits (`bought`, `private_rental`, `other`)"),
)
def municipal_units_freed(first, last):
    return Q()


@indicator(
    "exits",
    counts="household__members",
    records_model=Person,
    label=_("Persons moved out"),
    definition=gettext_noop("members of the households of those exits"),
)
def persons_moved_out(first, last):
    return Q(household__members__isnull=False) & is_member_on("household__members__", F("moved_out_on"))


@indicator(
    "exits",
    counts="household__members",
    records_model=Person,
    label=_("Children moved out"),
    definition=gettext_noop("of those persons, children on their household's move-out date"),
)
def children_moved_out(first, last):
    return is_member_on("household__members__", F("moved_out_on")) & is_child_on(
        "household__members__birth_date", F("moved_out_on")
    )


@indicator(
    "startloans",
    label=_("Start-up loan applications received"),
    definition=gettext_noop("applications received in the period"),
)
def startloan_applications_received(first, last):
    return Q(received_on__gte=first, received_on__lte=last)


def _approved_in(first, last) -> Q:
    return Q(
        decided_on__gte=first,
        decided_on__lte=last,
        status__in=[StartLoanApplication.Status.APPROVED, StartLoanApplication.Status.DISBURSED],
    )


@indicator(
    "startloans",
    label=_("Start-up loan applications approved"),
    definition=gettext_noop("applications decided in the period and approved (approved or disbursed)"),
)
def startloan_applications_approved(first, last):
    return _approved_in(first, last)


@indicator(
    "startloans",
    sums="loan_amount_nok",
    finish=_kroner,
    label=_("Start-up loans approved (kr)"),
    definition=gettext_noop("sum of the loan amounts of those, whole kroner"),
)
def startloan_amount_approved_nok(first, last):
    return _approved_in(first, last)


@indicator("followups", label=_("Follow-ups"), definition=gettext_noop("follow-ups dated in the period"))
def followups(first, last):
    return Q()


@indicator(
    "followups",
    sums="minutes",
    finish=_hours,
    label=_("Follow-up hours"),
    definition=gettext_noop("their minutes summed, in hours, one decimal"),
)
def followup_hours(first, last):
    return Q()


@indicator(
    "flags",
    label=_("Long-tenure flags raised"),
    definition=gettext_noop("flags raised in the period"),
)
def long_tenure_flags_raised(first, last):
    return Q(raised_on__gte=first, raised_on__lte=last)


@indicator(
    "flags",
    label=_("Long-tenure flags resolved"),
    definition=gettext_noop("flags resolved in the period"),
)
def long_tenure_flags_resolved(first, last):
    return Q(resolved_on__gte=first, resolved_on__lte=last)


# The keys of docs/domain.md's table, in its order: the JSON and CSV carry exactly these.
DOMAIN_KEYS = tuple(INDICATORS)

# --- rotation (rullering): docs/domain.md's second table ---------------------------------------------


def one_decimal(value) -> float:
    """One decimal, rounded half up (12.25 -> 12.3), from an exact Decimal or int."""
    return float(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def per_hundred(part: int, whole: int) -> float | None:
    """`part` / `whole` x 100, one decimal, half up; None (empty) when `whole` is 0."""
    if not whole:
        return None
    return one_decimal(Decimal(part) * 100 / Decimal(whole))


def median(values: list[int]) -> float | None:
    """The median; an even count takes the mean of the middle two; one decimal, half up. None: empty."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return one_decimal(ordered[middle])
    return one_decimal(Decimal(ordered[middle - 1] + ordered[middle]) / 2)


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end`: 15 January to 14 March is 1, to 15 March 2."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _long_on(last, municipality) -> Q:
    """Started at least the municipality's long-tenure threshold before `last` (as the flags count
    it: `tenure_cutoff`). Pooled municipalities each keep their own threshold."""
    if isinstance(municipality, Municipality):
        return Q(start_date__lte=tenure_cutoff(municipality=municipality, as_of=last))
    in_scope = _scoped(Municipality.objects.all(), "pk", municipality)
    thresholds = in_scope.order_by().values_list("tenure_threshold_years", flat=True).distinct()
    condition = Q(pk__in=[])
    for years in thresholds:
        cutoff = tenure_cutoff(municipality=Municipality(tenure_threshold_years=years), as_of=last)
        condition |= Q(municipality__tenure_threshold_years=years, start_date__lte=cutoff)
    return condition


@indicator(
    "let_last_day",
    label=_("Tenancies let on the last day"),
    definition=gettext_noop("tenancies let on the period's last day"),
)
def tenancies_running_last_day(first, last):
    return Q()


@indicator(
    "let_last_day",
    scoped_condition=True,
    label=_("Long tenancies on the last day"),
    definition=gettext_noop(
        "of those, the ones whose start lies at least the municipality's long-tenure threshold (years) "
        "before that day"
    ),
)
def long_tenancies_last_day(first, last, municipality):
    return _long_on(last, municipality)


def _long_share(municipality, first, last, values):
    if "tenancies_running_last_day" in values and "long_tenancies_last_day" in values:
        return per_hundred(values["long_tenancies_last_day"], values["tenancies_running_last_day"])
    counts = let_on_last_day(municipality, first, last).aggregate(
        let=Count("pk"), long=Count("pk", filter=_long_on(last, municipality))
    )
    return per_hundred(counts["long"], counts["let"])


@indicator(
    "let_last_day",
    scoped_condition=True,
    compute=_long_share,
    label=_("Share of long tenancies (%)"),
    definition=gettext_noop(
        "long tenancies on the last day / tenancies let on the last day x 100, one decimal, half up; "
        "empty when none are let"
    ),
)
def long_tenancies_share_pct(first, last, municipality):
    return _long_on(last, municipality)


def _median_months(municipality, first, last, values):
    if "_exit_months" in values:  # gathered for many municipalities at once
        return median(values["_exit_months"])
    dates = exits_in_period(municipality, first, last).values_list("start_date", "moved_out_on")
    return median([whole_months(start, end) for start, end in dates])


@indicator(
    "exits",
    compute=_median_months,
    label=_("Median months lived, exits"),
    definition=gettext_noop(
        "median of whole months lived (start to move-out) over the period's exits; an even count takes "
        "the mean of the middle two, one decimal, half up; empty when no exits"
    ),
)
def median_months_lived_exits(first, last):
    return Q()


def _freed_per_hundred(municipality, first, last, values):
    freed = values.get("municipal_units_freed")
    if freed is None:
        freed = exits_in_period(municipality, first, last).count()
    let = values.get("_let_first_day")
    if let is None:
        let = let_on_first_day(municipality, first, last).count()
    return per_hundred(freed, let)


@indicator(
    "exits",
    compute=_freed_per_hundred,
    label=_("Units freed per 100 let"),
    definition=gettext_noop(
        "municipal units freed / tenancies let on the period's first day x 100, one decimal, half up; "
        "empty when none were let"
    ),
)
def units_freed_per_100_let(first, last):
    return Q()


ROTATION_KEYS = tuple(key for key in INDICATORS if key not in DOMAIN_KEYS)
# What the funder report's JSON and CSV carry: both of docs/domain.md's tables.
REPORT_KEYS = DOMAIN_KEYS + ROTATION_KEYS

# --- individual decisions and appeals (boligsosial lov § 6) ----------------------------


@indicator(
    "decisions",
    label=_("Decisions granting help"),
    definition=gettext_noop("individual decisions approved in the period granting help"),
)
def decisions_granted(first, last):
    return Q(outcome=Decision.Outcome.GRANTED)


@indicator(
    "decisions",
    label=_("Decisions refusing help"),
    definition=gettext_noop("individual decisions approved in the period refusing help"),
)
def decisions_refused(first, last):
    return Q(outcome=Decision.Outcome.REFUSED)


@indicator(
    "appeals",
    label=_("Appeals received"),
    definition=gettext_noop("appeals against individual decisions received in the period"),
)
def appeals_received(first, last):
    return Q(received_on__gte=first, received_on__lte=last)


@indicator(
    "appeals",
    label=_("Appeals forwarded to Statsforvalteren"),
    definition=gettext_noop("appeals forwarded to Statsforvalteren in the period"),
)
def appeals_forwarded(first, last):
    return Q(forwarded_on__gte=first, forwarded_on__lte=last)


@indicator(
    "appeals",
    label=_("Decisions changed after appeal"),
    definition=gettext_noop(
        "appeals where the municipality changed its decision on its second look in the period"
    ),
)
def appeals_decision_changed(first, last):
    return Q(second_look=Appeal.SecondLook.CHANGED, second_look_on__gte=first, second_look_on__lte=last)


@indicator(
    "appeals",
    label=_("Appeals: decision upheld"),
    definition=gettext_noop("appeals Statsforvalteren decided in the period upholding the decision"),
)
def appeals_upheld(first, last):
    return Q(outcome=Appeal.Outcome.UPHELD, outcome_on__gte=first, outcome_on__lte=last)


@indicator(
    "appeals",
    label=_("Appeals: decision reversed"),
    definition=gettext_noop("appeals Statsforvalteren decided in the period reversing the decision"),
)
def appeals_reversed(first, last):
    return Q(outcome=Appeal.Outcome.REVERSED, outcome_on__gte=first, outcome_on__lte=last)


DECISION_KEYS = tuple(key for key in INDICATORS if key not in DOMAIN_KEYS and key not in ROTATION_KEYS)
ALL_KEYS = tuple(INDICATORS)


# --- all figures at once ---------------------------------------------------------------------


def figures(municipality, first: date, last: date, keys=ALL_KEYS) -> dict:
    """Every indicator for one municipality (None: all municipalities, the national benchmark) and
    one period, both days included: one aggregate query per source, in the order of `keys`."""
    by_source: dict[str, list[Indicator]] = {}
    values = {}
    for key in keys:
        if not INDICATORS[key].compute:
            by_source.setdefault(INDICATORS[key].source, []).append(INDICATORS[key])
    for source, items in by_source.items():
        rows = SOURCES[source](municipality, first, last)
        result = rows.aggregate(**{item.key: item.aggregate(first, last, municipality) for item in items})
        values.update({item.key: item.finish(result[item.key]) for item in items})
    for key in keys:
        if INDICATORS[key].compute:
            values[key] = INDICATORS[key].compute(municipality, first, last, values)
    return {key: values[key] for key in keys}


# The path from each source's rows to their municipality, to group a source by it.
SOURCE_PATHS = {
    "followups": "municipality",
    "assisted_members": "municipality",
    "exits": "municipality",
    "startloans": "household__municipality",
    "flags": "municipality",
    "decisions": "household__municipality",
    "appeals": "decision__household__municipality",
    "let_last_day": "municipality",
    "let_first_day": "municipality",
}


def figures_by_municipality(municipalities, first: date, last: date, keys=ALL_KEYS) -> dict[int, dict]:
    """`figures()` for each of several municipalities (by id), in one grouped query per source rather
    than one per source and municipality, so a county's or the country's table stays a few queries."""
    places = list(municipalities)
    values: dict[int, dict] = {m.pk: {} for m in places}
    by_source: dict[str, list[Indicator]] = {}
    for key in keys:
        if not INDICATORS[key].compute:
            by_source.setdefault(INDICATORS[key].source, []).append(INDICATORS[key])
    for source, items in by_source.items():
        path = SOURCE_PATHS[source]
        rows = (
            SOURCES[source](places, first, last)
            .order_by()
            .values(path)
            .annotate(**{item.key: item.aggregate(first, last, places) for item in items})
        )
        found = {row[path]: row for row in rows}
        for pk, figures_of in values.items():
            row = found.get(pk, {})
            # A municipality with no rows in the source: no group; a count is 0, a sum empty.
            figures_of.update(
                {item.key: item.finish(row.get(item.key, None if item.sums else 0)) for item in items}
            )
    computed = [key for key in keys if INDICATORS[key].compute]
    if "median_months_lived_exits" in computed:
        for figures_of in values.values():
            figures_of["_exit_months"] = []
        exits = exits_in_period(places, first, last).values_list("municipality", "start_date", "moved_out_on")
        for pk, start, end in exits:
            values[pk]["_exit_months"].append(whole_months(start, end))
    if "units_freed_per_100_let" in computed:
        let = dict(
            let_on_first_day(places, first, last)
            .order_by()
            .values_list("municipality")
            .annotate(n=Count("pk"))
        )
        for pk, figures_of in values.items():
            figures_of["_let_first_day"] = let.get(pk, 0)
    by_pk = {m.pk: m for m in places}
    for pk, figures_of in values.items():
        for key in computed:
            figures_of[key] = INDICATORS[key].compute(by_pk[pk], first, last, figures_of)
    return {pk: {key: figures_of[key] for key in keys} for pk, figures_of in values.items()}


def records(key: str, municipality, first: date, last: date) -> QuerySet:
    """The records behind one figure."""
    return INDICATORS[key].records(municipality, first, last)


# --- breakdowns for the funders' sections (aggregates only, keyed by choice values) --------------


def followups_by_kind(municipality, first, last) -> list[dict]:
    """Follow-ups of the period by kind: how many, and their hours (as `followup_hours`)."""
    rows = (
        followups_in_period(municipality, first, last)
        .order_by()
        .values("kind")
        .annotate(count=Count("pk"), minutes=Sum("minutes"))
    )
    found = {row["kind"]: row for row in rows}
    return [
        {"kind": kind, "followups": found[kind]["count"], "hours": _hours(found[kind]["minutes"])}
        for kind in FollowUp.Kind.values
        if kind in found
    ]


def followups_with_partner_agencies(municipality, first, last) -> list[dict]:
    """Follow-ups of the period in which a partner agency took part, by kind of agency."""
    rows = (
        followups_in_period(municipality, first, last)
        .filter(partner_agencies__isnull=False)
        .order_by()
        .values("partner_agencies__kind")
        .annotate(followups=Count("pk", distinct=True), households=Count("household", distinct=True))
    )
    found = {row["partner_agencies__kind"]: row for row in rows}
    return [
        {"kind": kind, "followups": found[kind]["followups"], "households": found[kind]["households"]}
        for kind in PartnerAgency.Kind.values
        if kind in found
    ]


def housing_at_start(municipality, first, last) -> list[dict]:
    """The households assisted in the period (as `households_assisted`) by where they lived at the start."""
    assisted = INDICATORS["households_assisted"].records(municipality, first, last)
    rows = assisted.order_by().values("housing_at_start").annotate(households=Count("pk"))
    found = {row["housing_at_start"]: row["households"] for row in rows}
    return [
        {"kind": kind, "households": found[kind]} for kind in Household.HousingAtStart.values if kind in found
    ]


def exits_by_reason(municipality, first, last) -> list[dict]:
    """Exits of the period (as `municipal_units_freed`) by move-out reason."""
    rows = (
        exits_in_period(municipality, first, last)
        .order_by()
        .values("move_out_reason")
        .annotate(n=Count("pk"))
    )
    found = {row["move_out_reason"]: row["n"] for row in rows}
    return [{"kind": reason, "exits": found[reason]} for reason in MoveOutReason.values if reason in found]


# Labels of the breakdown keys, for the screen and the PDF.
BREAKDOWN_LABELS = {
    "followups_by_kind": FollowUp.Kind,
    "partner_agencies": PartnerAgency.Kind,
    "housing_at_start": Household.HousingAtStart,
    "exits_by_reason": MoveOutReason,
}
