"""The nightly rule, on hand-made data with its edges: tenure threshold, expiry window, expired and
ended tenancies, and when a resolved flag may come back."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from housing.models import LongTenureFlag
from housing.selectors import flags_due
from housing.services.flags import flags_raise_due
from housing.tasks.flags import flags_raise_nightly
from tests.factories import LongTenureFlagFactory, MunicipalityFactory
from tests.housing.flag_edges import AS_OF, EXPECTED, EXPIRY, TENURE, make_edges, tenancy


@pytest.fixture
def edges(municipality):
    return make_edges(municipality)


def open_flags(municipality):
    return {f.tenancy_id: f for f in LongTenureFlag.objects.for_municipality(municipality).unresolved()}


@pytest.mark.django_db
def test_raises_exactly_the_due_flags_with_their_reasons(municipality, edges):
    LongTenureFlagFactory(tenancy=edges["already_flagged"], raised_on=date(2025, 1, 1))
    assert flags_raise_due(municipality=municipality, as_of=AS_OF) == 5
    flags = open_flags(municipality)
    raised = {name for name, t in edges.items() if t.pk in flags} - {"already_flagged"}
    assert raised == set(EXPECTED)
    assert {name: flags[edges[name].pk].reasons for name in raised} == EXPECTED
    assert all(flags[edges[name].pk].raised_on == AS_OF for name in raised)
    assert flags[edges["expired"].pk].contract_end_date == date(2025, 12, 31)
    assert flags[edges["exactly_three_years"].pk].contract_end_date is None  # not raised for its contract
    assert LongTenureFlag.objects.filter(tenancy=edges["already_flagged"]).count() == 1


@pytest.mark.django_db
def test_a_second_run_raises_none(municipality, edges):
    assert flags_raise_due(municipality=municipality, as_of=AS_OF) == 6
    assert flags_raise_due(municipality=municipality, as_of=AS_OF) == 0
    assert LongTenureFlag.objects.count() == 6
    # The next night the two that were a day short are due, and only they.
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 3, 2)) == 2
    assert set(open_flags(municipality)) >= {edges["one_day_short"].pk, edges["ends_day_after_edge"].pk}
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 3, 2)) == 0


@pytest.mark.django_db
def test_other_municipalities_are_left_alone(municipality, other_municipality):
    tenancy(other_municipality, date(2015, 1, 1))
    assert flags_raise_due(municipality=municipality, as_of=AS_OF) == 0
    assert flags_raise_due(municipality=other_municipality, as_of=AS_OF) == 1


@pytest.mark.django_db
def test_thresholds_are_the_municipalitys(municipality):
    municipality.tenure_threshold_years, municipality.expiry_window_months = 5, 1
    municipality.save()
    tenancy(municipality, date(2022, 1, 1), date(2026, 5, 1))  # 4 years, ends in 2 months: not yet
    due = tenancy(municipality, date(2021, 3, 1))
    assert flags_raise_due(municipality=municipality, as_of=AS_OF) == 1
    assert set(open_flags(municipality)) == {due.pk}


def resolve(flag, on):
    LongTenureFlag.objects.filter(pk=flag.pk).update(status="resolved", resolved_on=on)


@pytest.mark.django_db
def test_a_resolved_tenure_flag_comes_back_only_after_another_full_period(municipality):
    t = tenancy(municipality, date(2020, 1, 1))
    flags_raise_due(municipality=municipality, as_of=AS_OF)
    resolve(t.flags.get(), date(2026, 3, 10))
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 3, 11)) == 0
    assert flags_raise_due(municipality=municipality, as_of=date(2029, 3, 9)) == 0
    assert flags_raise_due(municipality=municipality, as_of=date(2029, 3, 10)) == 1
    assert t.flags.unresolved().get().reasons == [TENURE]


@pytest.mark.django_db
def test_a_resolved_expiry_flag_comes_back_for_a_renewed_contract_inside_the_window(municipality):
    t = tenancy(municipality, date(2024, 1, 1), date(2026, 6, 1))
    flags_raise_due(municipality=municipality, as_of=AS_OF)
    resolve(t.flags.get(), date(2026, 3, 5))
    # Same contract end, still inside the window (and later expired): nothing new is due.
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 3, 6)) == 0
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 7, 1)) == 0
    t.contract_end_date = date(2027, 6, 1)
    t.save()
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 11, 30)) == 0
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 12, 1)) == 1  # 01.06.2027 at the edge
    flag = t.flags.unresolved().get()
    assert (flag.reasons, flag.contract_end_date) == ([EXPIRY], date(2027, 6, 1))


@pytest.mark.django_db
def test_tenure_reaching_the_threshold_after_an_expiry_flag_is_new(municipality):
    t = tenancy(municipality, date(2023, 6, 1), date(2026, 6, 1))
    flags_raise_due(municipality=municipality, as_of=AS_OF)
    assert t.flags.get().reasons == [EXPIRY]
    resolve(t.flags.get(), date(2026, 3, 5))
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 5, 31)) == 0
    assert flags_raise_due(municipality=municipality, as_of=date(2026, 6, 1)) == 1
    assert t.flags.unresolved().get().reasons == [TENURE, EXPIRY]


@pytest.mark.django_db
def test_the_database_refuses_a_second_unresolved_flag(municipality):
    t = tenancy(municipality, date(2020, 1, 1))
    LongTenureFlagFactory(tenancy=t)
    with pytest.raises(IntegrityError), transaction.atomic():
        LongTenureFlagFactory(tenancy=t)


@pytest.mark.django_db
def test_the_job_works_in_sets_its_query_count_does_not_grow(municipality, django_assert_num_queries):
    tenancy(municipality, date(2020, 1, 1))
    # savepoint, the municipalities locked, the due tenancies read into a temporary table, the INSERT,
    # the table dropped, release
    with django_assert_num_queries(6) as one:
        assert flags_raise_due(municipality=municipality, as_of=AS_OF) == 1
    for _ in range(20):
        tenancy(municipality, date(2020, 1, 1), date(2026, 4, 1))
    with django_assert_num_queries(len(one.captured_queries)):
        assert flags_raise_due(municipality=municipality, as_of=AS_OF) == 20


def thresholds(municipality, years, months):
    municipality.tenure_threshold_years, municipality.expiry_window_months = years, months
    municipality.save()
    return municipality


def raised_flags():
    return {
        (f.municipality_id, f.tenancy_id, f.raised_on, tuple(f.reasons), f.contract_end_date, f.status)
        for f in LongTenureFlag.objects.unresolved()
    }


@pytest.mark.django_db
def test_one_nightly_run_gives_each_municipality_its_own_rule(municipality, other_municipality):
    strict = thresholds(other_municipality, 5, 1)
    also_strict = thresholds(MunicipalityFactory(slug="rauma", name="Rauma"), 5, 1)
    four_years, ends_in_two_months = date(2022, 1, 1), date(2026, 5, 1)
    due = {
        tenancy(municipality, four_years),
        tenancy(municipality, date(2025, 1, 1), ends_in_two_months),
        tenancy(strict, date(2021, 3, 1)),
        tenancy(also_strict, date(2020, 1, 1)),
    }
    tenancy(strict, four_years)  # not yet under five years
    tenancy(also_strict, date(2025, 1, 1), ends_in_two_months)  # outside a one-month window
    assert flags_raise_nightly(AS_OF.isoformat()) == len(due)
    flags = LongTenureFlag.objects.select_related("tenancy")
    assert {f.tenancy for f in flags} == due
    assert all(f.municipality_id == f.tenancy.municipality_id for f in flags)


@pytest.mark.django_db
def test_a_run_over_all_municipalities_raises_what_runs_per_municipality_raise(
    municipality, other_municipality
):
    everyone = [municipality, thresholds(other_municipality, 2, 12), thresholds(MunicipalityFactory(), 4, 3)]
    for m in everyone:
        edges = make_edges(m)
        LongTenureFlagFactory(tenancy=edges["already_flagged"], raised_on=date(2025, 1, 1))
        resolve(LongTenureFlagFactory(tenancy=edges["one_day_short"], reasons=[TENURE]), date(2025, 6, 1))
    with transaction.atomic():
        one_by_one = sum(flags_raise_due(municipality=m, as_of=AS_OF) for m in everyone)
        expected = raised_flags()
        transaction.set_rollback(True)
    raised_by = Counter(flag[0] for flag in expected if flag[2] == AS_OF)
    assert raised_by == {everyone[0].pk: 5, everyone[1].pk: 7, everyone[2].pk: 3}  # each by its own rule
    assert flags_raise_nightly(AS_OF.isoformat()) == one_by_one
    assert raised_flags() == expected


@pytest.mark.django_db
def test_the_nightly_run_takes_one_statement_per_pair_of_thresholds(django_assert_num_queries):
    def municipalities(n, years, months):
        for _ in range(n):
            tenancy(thresholds(MunicipalityFactory(), years, months), date(2019, 1, 1))

    municipalities(2, 3, 6)
    municipalities(1, 5, 1)
    # A savepoint, the municipalities' row locks, per pair one read into a temporary table, one INSERT
    # and the table dropped, the savepoint's release.
    with django_assert_num_queries(9) as run:
        assert flags_raise_nightly(AS_OF.isoformat()) == 3
    lock, pairs = run.captured_queries[1]["sql"], run.captured_queries[2:8]
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in lock and "ORDER BY" in lock
    assert [q["sql"].split()[0] for q in pairs] == ["CREATE", "INSERT", "DROP"] * 2
    municipalities(10, 3, 6)
    municipalities(10, 5, 1)
    with django_assert_num_queries(9):
        assert flags_raise_nightly(AS_OF.isoformat()) == 20


@pytest.mark.django_db
def test_flags_due_refuses_municipalities_with_different_rules(municipality, other_municipality):
    thresholds(other_municipality, 5, 1)
    with pytest.raises(ValueError, match="same thresholds"):
        flags_due(municipalities=[municipality, other_municipality], as_of=AS_OF)


@pytest.mark.django_db
def test_the_command_prints_how_many_it_raised(municipality, other_municipality, capsys):
    tenancy(municipality, date(2020, 1, 1))
    tenancy(other_municipality, date(2020, 1, 1))
    call_command("flag_long_tenure", "--as-of", "2026-03-01", "--municipality", "alesund")
    assert "Raised 1 long-tenure flag(s) as of 2026-03-01." in capsys.readouterr().out
    call_command("flag_long_tenure", "--as-of", "2026-03-01")
    assert "Raised 1 " in capsys.readouterr().out
    call_command("flag_long_tenure", "--as-of", "2026-03-01")
    assert "Raised 0 " in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_refuses_bad_input(municipality):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("flag_long_tenure", "--as-of", "01.03.2026")
    with pytest.raises(CommandError, match="nowhere"):
        call_command("flag_long_tenure", "--municipality", "nowhere")
