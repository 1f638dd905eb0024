"""The migration that gives a flag one state keeps every flag: a resolved date without the resolved
status makes it resolved on that day; the resolved status without a date takes the last decision's
day, else the household's move-out, else the day it was raised."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from housing.models import FlagDecision, LongTenureFlag
from tests.factories import LongTenureFlagFactory, OfficerFactory, TenancyFactory

BEFORE = [("housing", "0004_references_without_control_characters")]
AFTER = [("housing", "0005_flag_resolved_on_with_resolved_status")]
RAISED = date(2025, 3, 1)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_every_flag_is_kept_and_tells_one_story(municipality):
    tenancy = TenancyFactory(household__municipality=municipality)
    moved = TenancyFactory(
        household__municipality=municipality,
        start_date=date(2020, 1, 1),
        moved_out_on=date(2025, 6, 30),
        move_out_reason="other",
    )
    other = TenancyFactory(household__municipality=municipality)
    decided = LongTenureFlagFactory(tenancy=tenancy, raised_on=RAISED)
    by_move = LongTenureFlagFactory(tenancy=moved, raised_on=RAISED)
    bare = LongTenureFlagFactory(tenancy=other, raised_on=RAISED)
    dated = LongTenureFlagFactory(
        tenancy=TenancyFactory(household__municipality=municipality), raised_on=RAISED
    )
    FlagDecision.objects.create(
        flag=decided,
        decision="resolved",
        decided_on=date(2025, 5, 2),
        by=OfficerFactory(municipality=municipality),
    )
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE housing_longtenureflag SET status = 'resolved', resolved_on = NULL "
                "WHERE id IN (%s, %s, %s)",
                [decided.pk, by_move.pk, bare.pk],
            )
            cursor.execute(
                "UPDATE housing_longtenureflag SET status = 'referred', resolved_on = %s WHERE id = %s",
                [date(2025, 4, 4), dated.pk],
            )
        _migrate(AFTER)
    finally:
        _migrate(AFTER)
    found = {f.pk: (f.status, f.resolved_on) for f in LongTenureFlag.objects.all()}
    assert found == {
        decided.pk: ("resolved", date(2025, 5, 2)),
        by_move.pk: ("resolved", date(2025, 6, 30)),
        bare.pk: ("resolved", RAISED),
        dated.pk: ("resolved", date(2025, 4, 4)),
    }
