"""The nightly INSERT's plan when the flag table's statistics say it is empty (a fresh install after
VACUUM ANALYZE, or autovacuum after every flag was deleted): PostgreSQL must not probe the flag
table once per tenancy, since the same statement keeps writing into it (docs/performance.md)."""

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


def nodes(plan, inner=False):
    """Every node of an EXPLAIN (FORMAT JSON) plan, each with whether it sits on the inner side of a
    nested loop (rescanned once per outer row)."""
    yield plan, inner
    children = plan.get("Plans", [])
    for i, child in enumerate(children):
        rescanned = inner or (plan["Node Type"] == "Nested Loop" and i == 1)
        yield from nodes(child, rescanned)


def insert_plan(municipality):
    """The job's INSERT as it ran, then EXPLAINed in the same statistics state."""
    with transaction.atomic(), CaptureQueriesContext(connection) as run:
        flags_raise_due(municipality=municipality, as_of=AS_OF)
        transaction.set_rollback(True)
    (insert,) = [q["sql"] for q in run.captured_queries if q["sql"].startswith("INSERT INTO")]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + insert)
        return cursor.fetchone()[0][0]["Plan"]


def test_the_flag_table_analyzed_as_empty_gives_no_per_row_plan_over_it(municipality):
    for i in range(150):
        tenancy(municipality, date(2019 + i % 7, 1 + i % 12, 1), date(2026, 4, 1) if i % 3 else None)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Tenancy._meta.db_table}")
        cursor.execute(f"ANALYZE {FLAGS}")  # empty: the hazard's statistics
    plan = insert_plan(municipality)
    over_flags = [
        (node["Node Type"], node.get("Parent Relationship"), inner)
        for node, inner in nodes(plan)
        if node.get("Relation Name") == FLAGS or FLAGS in str(node.get("Index Name", ""))
    ]
    assert over_flags, "the statement reads the flag table"
    for node_type, relationship, inner in over_flags:
        assert relationship != "SubPlan", f"{node_type}: a subquery run per row"
        assert not inner, f"{node_type}: rescanned on the inner side of a nested loop"
    assert not any(n.get("Parent Relationship") == "SubPlan" for n, _inner in nodes(plan))
