"""The reports' composed reads, in one place (docs/architecture.md, «Reads»): the figures of a
period (`figures`, `figures_by_municipality`), the records behind one (`records`, `visible_records`),
the funders' breakdowns and the data-quality checks. What each figure means is `reports.indicators`
(the registry of definitions and their sources); on PostgreSQL the figures come from one prepared
statement (`reports.figures_sql`), elsewhere from the definitions with the ORM (`figures_by_queries`).
"""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from boveileder.models import Municipality
from cases.models import Appeal, Decision, FollowUp, Household, PartnerAgency, Person, StartLoanApplication
from housing.models import LongTenureFlag, MoveOutReason, Tenancy
from reports import figures_sql
from reports.indicators import (
    ALL_KEYS,
    INDICATORS,
    SOURCES,
    Indicator,
    exits_in_period,
    followups_in_period,
    let_on_first_day,
    minutes_as_hours,
    whole_months,
)

# --- all figures at once ---------------------------------------------------------------------


def _ids(municipality) -> list[int] | None:
    """The ids of the municipalities in scope: one, several (a list or queryset), or None (all)."""
    if municipality is None:
        return None
    if isinstance(municipality, Municipality):
        return [municipality.pk]
    if isinstance(municipality, QuerySet):
        return list(municipality.values_list("pk", flat=True))
    return [getattr(m, "pk", m) for m in municipality]


def _finished(raw: dict, municipality, first, last, keys) -> dict:
    """The figures of `keys` from the statement's raw counts: each indicator's own finish, then
    the figures computed from others (shares, the median), which find what they need in `values`."""
    values = dict(raw)
    for key, item in INDICATORS.items():
        if key in raw and not item.compute:
            values[key] = item.finish(raw[key])
    missing = [key for key in keys if key not in values and not INDICATORS[key].compute]
    if missing:
        values.update(_figures_by_source(municipality, first, last, missing))
    for key in keys:
        if INDICATORS[key].compute:
            values[key] = INDICATORS[key].compute(municipality, first, last, values)
    return {key: values[key] for key in keys}


def _figures_by_source(municipality, first, last, keys) -> dict:
    """Indicators computed with the ORM: one aggregate query per source (any database)."""
    by_source: dict[str, list[Indicator]] = {}
    for key in keys:
        by_source.setdefault(INDICATORS[key].source, []).append(INDICATORS[key])
    values = {}
    for source, items in by_source.items():
        rows = SOURCES[source](municipality, first, last)
        result = rows.aggregate(**{item.key: item.aggregate(first, last, municipality) for item in items})
        values.update({item.key: item.finish(result[item.key]) for item in items})
    return values


def _counts_on_postgresql(municipality, first, last) -> dict[int, dict] | None:
    """The raw counts per municipality from `figures_sql` (one statement), or None off PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        return figures_sql.counts_by_municipality(cursor, _ids(municipality), first, last)


def figures(municipality, first: date, last: date, keys=ALL_KEYS) -> dict:
    """Every indicator for one municipality (None: all municipalities, the national benchmark;
    several: pooled, never averaged) and one period, both days included, in the order of `keys`.
    On PostgreSQL one statement (`figures_sql`); elsewhere one aggregate query per source."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = figures_sql.counts_pooled(cursor, _ids(municipality), first, last)
        return _finished(raw, municipality, first, last, keys)
    return figures_by_queries(municipality, first, last, keys)


def figures_by_queries(municipality, first: date, last: date, keys=ALL_KEYS) -> dict:
    """`figures()` straight from the definitions, with the ORM: one aggregate query per source."""
    plain = [key for key in keys if not INDICATORS[key].compute]
    values = _figures_by_source(municipality, first, last, plain)
    for key in keys:
        if INDICATORS[key].compute:
            values[key] = INDICATORS[key].compute(municipality, first, last, values)
    return {key: values[key] for key in keys}


# The path from each source's rows to their municipality, to group a source by it.
SOURCE_PATHS = {
    "followups": "municipality",
    "assisted_members": "municipality",
    "exits": "municipality",
    "startloans": "municipality",
    "flags": "municipality",
    "decisions": "household__municipality",
    "appeals": "decision__household__municipality",
    "let_last_day": "municipality",
    "let_first_day": "municipality",
}


def _grouped_by_source(places, first, last, keys) -> dict[int, dict]:
    """The plain (counted or summed) indicators of `keys` per municipality: one grouped query per
    source. A municipality with no rows in a source has no group: a count is 0, a sum empty."""
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
            figures_of.update(
                {item.key: item.finish(row.get(item.key, None if item.sums else 0)) for item in items}
            )
    return values


def _computed_inputs(places, first, last, values) -> None:
    """What the computed figures read besides the counts: each municipality's exits' months and
    its tenancies let on the first day."""
    for figures_of in values.values():
        figures_of["_exit_months"] = []
    exits = exits_in_period(places, first, last).values_list("municipality", "start_date", "moved_out_on")
    for pk, start, end in exits:
        values[pk]["_exit_months"].append(whole_months(start, end))
    let = dict(
        let_on_first_day(places, first, last).order_by().values_list("municipality").annotate(n=Count("pk"))
    )
    for pk, figures_of in values.items():
        figures_of["_let_first_day"] = let.get(pk, 0)


def figures_by_municipality(municipalities, first: date, last: date, keys=ALL_KEYS) -> dict[int, dict]:
    """`figures()` for each of several municipalities (by id) in one statement on PostgreSQL, else in
    one grouped query per source, so a county's or the country's table stays a few queries."""
    places = list(municipalities)
    by_pk = {m.pk: m for m in places}
    rows = _counts_on_postgresql(places, first, last)
    if rows is not None:
        return {pk: _finished(rows[pk], by_pk[pk], first, last, keys) for pk in by_pk}
    values = _grouped_by_source(places, first, last, keys)
    if any(INDICATORS[key].compute for key in keys):
        _computed_inputs(places, first, last, values)
    for pk, figures_of in values.items():
        for key in keys:
            if INDICATORS[key].compute:
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
        {"kind": kind, "followups": found[kind]["count"], "hours": minutes_as_hours(found[kind]["minutes"])}
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


# --- the records behind a figure, as rows a manager can open ---------------------------------

# model: (path to the household, select_related, column headings, cells of one row)
RECORD_SPECS = {
    Household: ("pk", ("counsellor",), (_("Counsellor"),), lambda h: (h.counsellor or "–",)),
    Person: (
        "household",
        ("household",),
        (_("Person"), _("Birth date")),
        lambda p: (p, p.birth_date),
    ),
    Tenancy: (
        "household",
        ("household", "unit"),
        (_("Unit"), _("Moved out"), _("Reason")),
        lambda t: (t.unit, t.moved_out_on, t.get_move_out_reason_display()),
    ),
    FollowUp: (
        "household",
        ("household",),
        (_("Date"), _("Kind"), _("Minutes")),
        lambda f: (f.date, f.get_kind_display(), f.minutes if f.minutes is not None else "–"),
    ),
    StartLoanApplication: (
        "household",
        ("household",),
        (_("Received"), _("Decided"), _("Status")),
        lambda a: (a.received_on, a.decided_on, a.get_status_display()),
    ),
    LongTenureFlag: (
        "tenancy__household",
        ("tenancy__household",),
        (_("Raised"), _("Resolved"), _("Status")),
        lambda f: (f.raised_on, f.resolved_on, f.get_status_display()),
    ),
    Decision: (
        "household",
        ("household",),
        (_("Decided"), _("Outcome")),
        lambda d: (d.approved_on, d.get_outcome_display()),
    ),
    Appeal: (
        "decision__household",
        ("decision__household",),
        (_("Received"), _("Forwarded"), _("Outcome")),
        lambda a: (a.received_on, a.forwarded_on, a.get_outcome_display() or "–"),
    ),
}


def household_of(obj, path: str):
    if path == "pk":
        return obj
    for step in path.split("__"):
        obj = getattr(obj, step)
    return obj


def visible_records(queryset: QuerySet, user) -> tuple[QuerySet, tuple, callable, str]:
    """The records limited to households the user may see, with how to show them."""
    path, related, headings, cells = RECORD_SPECS[queryset.model]
    visible = Household.objects.visible_to(user)
    queryset = queryset.filter(**{f"{path}__in" if path != "pk" else "pk__in": visible})
    return queryset.select_related(*related).order_by("pk"), headings, cells, path


# --- the data-quality panel ------------------------------------------------------------------

QUALITY_LIMIT = 25  # records listed per check on the data-quality page


@dataclass
class Check:
    key: str
    title: str
    why: str
    queryset: QuerySet
    household_path: str


def quality_checks(user) -> list[Check]:
    """The data-quality panel: every check for the user's municipality, on the households the user
    may see (records that would distort the figures, to fix during the quarter)."""
    visible = Household.objects.visible_to(user)
    followed_up_by_move_out = FollowUp.objects.filter(
        household_id=OuterRef("household_id"), date__lte=OuterRef("moved_out_on")
    )
    members = Person.objects.filter(household_id=OuterRef("pk"), left_on__isnull=True)
    return [
        Check(
            "members_without_birth_date",
            _("Members without a birth date"),
            _("They count as adults, so the children in the report may be too few."),
            Person.objects.members()
            .filter(birth_date__isnull=True, household__in=visible)
            .select_related("household")
            .order_by("household__reference", "pk"),
            "household",
        ),
        Check(
            "move_outs_without_followup",
            _("Move-outs without a follow-up before them"),
            _(
                "Move-outs without a reason cannot be saved. A move-out counts as an exit only when the "
                "household had a follow-up on or before the move-out date: these do not."
            ),
            Tenancy.objects.filter(household__in=visible, moved_out_on__isnull=False)
            .exclude(move_out_reason=MoveOutReason.TRANSFER)
            .filter(~Exists(followed_up_by_move_out))
            .select_related("household", "unit")
            .order_by("-moved_out_on", "pk"),
            "household",
        ),
        Check(
            "followups_without_minutes",
            _("Follow-ups without minutes"),
            _("They count as follow-ups but add no hours."),
            FollowUp.objects.filter(minutes__isnull=True, household__in=visible)
            .select_related("household")
            .order_by("-date", "pk"),
            "household",
        ),
        Check(
            "tenancies_without_contract_end",
            _("Running tenancies without a contract end date"),
            _("No flag is raised before an unknown contract end."),
            Tenancy.objects.active()
            .filter(contract_end_date__isnull=True, household__in=visible)
            .select_related("household", "unit")
            .order_by("start_date", "pk"),
            "household",
        ),
        Check(
            "households_without_members",
            _("Open households with no members"),
            _("They count as assisted households with no persons."),
            visible.open().filter(~Exists(members)).order_by("reference"),
            "",
        ),
    ]
