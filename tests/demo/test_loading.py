"""The national loader on PostgreSQL: foreign keys are dropped for the COPY and added back, so a
row that points nowhere still stops the load, and the schema is as it was after."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from psycopg.errors import ForeignKeyViolation

from cases.models import FollowUp
from demo.loading import Dataset, load

FIELDS = ["id", "household_id", "municipality_id", "date", "kind", "minutes", "topics", "note", "by_id"]
STAMPS = ["created_at", "updated_at"]


def foreign_keys():
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' ORDER BY 1, 2"
        )
        return cur.fetchall()


def followups(household_id, municipality, counsellor):
    dataset = Dataset()
    at = datetime(2026, 1, 5, 10, tzinfo=UTC)
    row = (10**6, household_id, municipality.pk, date(2026, 1, 5), "home_visit", 30, ["economy"], "")
    dataset.add(FollowUp, FIELDS + STAMPS, [(*row, counsellor.pk, at, at)])
    return dataset


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_load_leaves_every_foreign_key_as_it_was(postgresql, household, counsellor):
    before = foreign_keys()
    load(followups(household.pk, household.municipality, counsellor), log=lambda *a: None)
    assert FollowUp.objects.get().household == household
    assert foreign_keys() == before


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_row_pointing_nowhere_stops_the_load(postgresql, municipality, counsellor):
    with pytest.raises(ForeignKeyViolation):
        load(followups(10**9, municipality, counsellor), log=lambda *a: None)
    assert not FollowUp.objects.exists()
