"""The nightly job when the flag table's statistics say it is empty (a fresh install after VACUUM
ANALYZE, or autovacuum after every flag was deleted): a statement that read the flag table while it
wrote it was planned as one probe of the table per tenancy, each growing with the rows the same
statement wrote (docs/performance.md). The job reads first, then writes without reading it."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from housing.models import LongTenureFlag, Tenancy
from housing.services.flags import flags_raise_due
from tests.housing.flag_edges import AS_OF, tenancy

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner"),
]
FLAGS = LongTenureFlag._meta.db_table


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def job_statements(municipality):
    """The SQL the job ran, in order (rolled back)."""
    with transaction.atomic(), CaptureQueriesContext(connection) as run:
        flags_raise_due(municipality=municipality, as_of=AS_OF)
        transaction.set_rollback(True)
    return [q["sql"] for q in run.captured_queries]


def test_the_statement_that_writes_the_flag_table_does_not_read_it(municipality):
    """The hazard's statistics (the flag table analyzed as empty) and a run that writes flags: what
    the job reads of the flag table it reads before it writes, in a statement of its own."""
    for i in range(150):
        tenancy(municipality, date(2019 + i % 7, 1 + i % 12, 1), date(2026, 4, 1) if i % 3 else None)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Tenancy._meta.db_table}")
        cursor.execute(f"ANALYZE {FLAGS}")  # empty: the hazard's statistics
    statements = job_statements(municipality)
    (insert,) = [sql for sql in statements if sql.startswith(f"INSERT INTO {FLAGS}")]
    reads = [sql for sql in statements[: statements.index(insert)] if sql.startswith("CREATE TEMPORARY")]
    assert [sql for sql in reads if FLAGS in sql], "the due tenancies are read against the flags first"
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in reads:
                cursor.execute(sql)
            cursor.execute("EXPLAIN (FORMAT JSON) " + insert)
            plan = cursor.fetchone()[0][0]["Plan"]
        transaction.set_rollback(True)
    assert plan["Node Type"] == "ModifyTable"
    read_while_writing = [
        node["Node Type"]
        for node in nodes(plan)
        if node is not plan
        and (node.get("Relation Name") == FLAGS or FLAGS in str(node.get("Index Name", "")))
    ]
    assert read_while_writing == [], "the INSERT reads the flag table it writes"
