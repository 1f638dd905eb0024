"""Small counts where figures leave a municipality (docs/domain.md «Figures across municipalities»).

A published count from 1 to 4 is shown as «1–4», never as its value, and no other cell of the same
table may let it be worked out (secondary suppression). Never applied to a municipality's own report.

The table is one row per municipality, the region's total and the country's. Per column:
- a municipality's count 1–4 is shown as «1–4» (primary);
- the region's total is shown only when it cannot give a hidden count away: with no small count in the
  column, or with two or more whose sum lies strictly between their least (all 1) and greatest (all 4)
  possible sums, so that none of them has one possible value. Otherwise it is hidden («·»), a
  secondary suppression; a total from 1 to 4 is itself shown as «1–4»;
- the country's figure is shown only beside a region's total shown as it is, and only when the rest
  of the country (their difference) is no count from 1 to 4: beside a hidden total it would bound
  the hidden counts (the rule being known, a shown country figure tells the rest is 0 or 5 and more);
- a share, a median, a rate, hours or an amount is hidden wherever a count it is made of is not shown
  (a median of one exit is one household's months).
Inferences between different columns (persons and children moved out, say) are outside this rule.
"""

SMALL = "1–4"
HIDDEN = "·"

# Figures made of counts: hidden with them.
MADE_OF = {
    "followup_hours": ("followups",),
    "startloan_amount_approved_nok": ("startloan_applications_approved",),
    "long_tenancies_share_pct": ("tenancies_running_last_day", "long_tenancies_last_day"),
    "median_months_lived_exits": ("municipal_units_freed",),
    "units_freed_per_100_let": ("municipal_units_freed",),
}


def is_small(value) -> bool:
    return isinstance(value, int) and 1 <= value <= 4


def _column(values: list[int], total: int, country: int | None) -> tuple[list, object, object]:
    shown = [SMALL if is_small(v) else v for v in values]
    small = [v for v in values if is_small(v)]
    k, s = len(small), sum(small)
    if k and not (k >= 2 and k < s < 4 * k):
        shown_total = HIDDEN  # even when from 1 to 4: «1–4» there would tell the hidden ones are all 1
    elif is_small(total):
        shown_total = SMALL
    else:
        shown_total = total
    shown_country = country
    if country is not None:
        if shown_total != total or is_small(country - total):
            shown_country = HIDDEN
        elif is_small(country):
            shown_country = SMALL
    return shown, shown_total, shown_country


def suppress(by_municipality: dict, total: dict, country: dict | None = None, keys=None) -> dict:
    """The published table: {"by_municipality": {name: {key: shown}}, "total": …, "country": …}, each
    shown value the figure, «1–4» or «·». `by_municipality` maps a name to its figures."""
    keys = list(keys or total)
    names = list(by_municipality)
    rows = {name: {} for name in names}
    shown_total, shown_country = {}, {} if country is not None else None
    counts = [key for key in keys if key not in MADE_OF]
    for key in counts:
        column, t, c = _column(
            [by_municipality[name][key] for name in names],
            total[key],
            country[key] if country is not None else None,
        )
        for name, value in zip(names, column, strict=True):
            rows[name][key] = value
        shown_total[key] = t
        if country is not None:
            shown_country[key] = c
    for key in keys:
        if key not in MADE_OF:
            continue
        inputs = MADE_OF[key]
        for shown, figures in [*((rows[n], by_municipality[n]) for n in names), (shown_total, total)] + (
            [(shown_country, country)] if country is not None else []
        ):
            ok = all(
                shown[i] == figures[i] if i in shown else not is_small(figures[i])
                for i in inputs
                if i in figures
            )
            shown[key] = figures[key] if ok else HIDDEN
    order = {key: i for i, key in enumerate(keys)}

    def ordered(d):
        return dict(sorted(d.items(), key=lambda item: order[item[0]])) if d is not None else None

    return {
        "by_municipality": {name: ordered(rows[name]) for name in names},
        "total": ordered(shown_total),
        "country": ordered(shown_country),
    }
