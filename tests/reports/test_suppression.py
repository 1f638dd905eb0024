"""Small counts leaving a municipality: «1–4», and no total or difference in the same table gives
one away, even to a reader who knows the rule."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.suppression import HIDDEN, SMALL, _column, suppress


def candidates(shown, shown_total, shown_country, n_rest_max=12):
    """Every set of counts a reader could think lie behind the published column: the «1–4» cells
    anything from 1 to 4, the rest of the country anything from 0 up, each giving the same table."""
    small_at = [i for i, v in enumerate(shown) if v == SMALL]
    known = {i: v for i, v in enumerate(shown) if v != SMALL}
    for guess in itertools.product(range(1, 5), repeat=len(small_at)):
        values = [known.get(i) for i in range(len(shown))]
        for i, g in zip(small_at, guess, strict=True):
            values[i] = g
        total = sum(values)
        for rest in range(n_rest_max + 1):
            country = None if shown_country is None else total + rest
            if _column(values, total, country) == (shown, shown_total, shown_country):
                yield values
                break


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.one_of(st.integers(0, 6), st.integers(0, 30)), min_size=1, max_size=4),
    rest=st.one_of(st.none(), st.integers(0, 9)),
)
def test_no_small_count_can_be_worked_out_from_the_totals(values, rest):
    total = sum(values)
    country = None if rest is None else total + rest
    shown, shown_total, shown_country = _column(values, total, country)
    assert all((v == SMALL) == (1 <= raw <= 4) for v, raw in zip(shown, values, strict=True))
    assert shown_total == total or shown_total in (SMALL, HIDDEN)
    assert shown_total != total or not 1 <= total <= 4
    possible = list(candidates(shown, shown_total, shown_country))
    assert values in possible
    for i, raw in enumerate(values):
        if 1 <= raw <= 4:
            assert len({c[i] for c in possible}) >= 2, (values, rest, shown, shown_total, shown_country)


def test_one_small_count_hides_the_total_and_the_country():
    table = suppress(
        {"a": {"followups": 3, "followup_hours": 2.5}, "b": {"followups": 40, "followup_hours": 30.0}},
        {"followups": 43, "followup_hours": 32.5},
        {"followups": 100, "followup_hours": 80.0},
    )
    assert table["by_municipality"]["a"] == {"followups": SMALL, "followup_hours": HIDDEN}
    assert table["by_municipality"]["b"] == {"followups": 40, "followup_hours": 30.0}
    assert table["total"] == {"followups": HIDDEN, "followup_hours": HIDDEN}
    assert table["country"] == {"followups": HIDDEN, "followup_hours": HIDDEN}


def test_two_small_counts_that_do_not_pin_each_other_keep_the_total():
    table = suppress(
        {"a": {"followups": 2}, "b": {"followups": 3}, "c": {"followups": 10}}, {"followups": 15}
    )
    assert [row["followups"] for row in table["by_municipality"].values()] == [SMALL, SMALL, 10]
    assert table["total"]["followups"] == 15  # 2 + 3 = 5: (1, 4), (2, 3), (3, 2), (4, 1)


def test_a_share_of_a_small_count_is_hidden():
    row = {"tenancies_running_last_day": 3, "long_tenancies_last_day": 1, "long_tenancies_share_pct": 33.3}
    table = suppress({"a": row}, row)
    assert table["by_municipality"]["a"]["long_tenancies_share_pct"] == HIDDEN
