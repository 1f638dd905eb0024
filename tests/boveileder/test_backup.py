"""The backup and restore drill (docs/backup.md) against the real PostgreSQL: a dump restored into a
fresh database holds every row, and the drill notices when it does not."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.factories import FollowUpFactory, HouseholdFactory, PersonFactory, TenancyFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _data():
    for _ in range(3):
        household = HouseholdFactory()
        PersonFactory(household=household, with_national_id=True)
        FollowUpFactory(household=household, date=date(2025, 2, 10))
        TenancyFactory(household=household)


def test_a_restored_dump_holds_every_row_of_every_table(tmp_path):
    _data()
    out = io.StringIO()
    dump = tmp_path / "boveileder.dump"
    call_command("backup_drill", output=str(dump), stdout=out)
    assert dump.stat().st_size > 0
    report = out.getvalue()
    assert "Restore OK" in report
    tables = int(report.split("Restore OK: ")[1].split(" tables")[0])
    assert tables > 30  # every app's tables, the history tables too


def test_the_drill_fails_when_the_restore_misses_rows(tmp_path):
    _data()
    dump = tmp_path / "old.dump"
    call_command("backup_drill", output=str(dump), stdout=io.StringIO())
    FollowUpFactory(household=HouseholdFactory())  # written after the dump was taken
    err = io.StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("backup_drill", dump=str(dump), stdout=io.StringIO(), stderr=err)
    assert "cases_followup: 4 rows in the database, 3 in the restore" in err.getvalue()
