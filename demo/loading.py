"""Writing a generated dataset: PostgreSQL COPY with the big tables' indexes rebuilt after, or
`bulk_create` on SQLite (the small scale in tests)."""

import json
import time
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import JSONField

from cases.models import FollowUp, Person, StartLoanStatusChange, TimelineEvent


@dataclass
class Dataset:
    """Rows per model, in dependency order: `tables` is a list of (model, attnames, rows)."""

    tables: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    long_timeline_household: int | None = None

    def add(self, model, fields, rows):
        self.tables.append((model, fields, rows))


def _column_list(model, fields):
    return ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)


def _json_positions(model, fields):
    return [i for i, f in enumerate(fields) if isinstance(model._meta.get_field(f), JSONField)]


def _with_defaults(model, fields, rows):
    """The rows with each column they leave out that has a default filled in with it, as
    `bulk_create` does: COPY knows only the database's defaults, and a field added to a model later
    (a municipality's postal address, say) has none there."""
    missing = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in fields
        and not f.primary_key
        and (f.has_default() or (not f.null and f.empty_strings_allowed))  # a blank text is ""
    ]
    if not missing:
        return fields, rows
    extra = tuple(f.get_default() for f in missing)
    return [*fields, *(f.attname for f in missing)], (tuple(row) + extra for row in rows)


def load(dataset: Dataset, *, log=print) -> dict:
    """Write the dataset: COPY on PostgreSQL, bulk_create elsewhere. Returns seconds per table."""
    if connection.vendor == "postgresql":
        timings = _load_postgres(dataset, log=log)
    else:
        timings = _load_bulk(dataset, log=log)
    return timings


@transaction.atomic
def _load_bulk(dataset, *, log):
    timings = {}
    for model, fields, rows in dataset.tables:
        t = time.monotonic()
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=500)
        timings[model._meta.label] = time.monotonic() - t
        log(f"  {model._meta.label}: {len(objs)} rows")
    return timings


BIG_TABLES = (FollowUp, TimelineEvent, Person, StartLoanStatusChange)


def _secondary_indexes(cur, table):
    cur.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
        [table],
    )
    return cur.fetchall()


def _load_postgres(dataset, *, log):
    """All or nothing: COPY into each table with its foreign keys and the big tables' secondary
    indexes dropped, then the indexes built again and the foreign keys added back, each checked by
    PostgreSQL in one pass over the table (not a trigger per row), and the sequences moved past the
    new ids."""
    timings = {}
    models = [model for model, _fields, _rows in dataset.tables]
    with transaction.atomic(), connection.cursor() as django_cursor:
        cur = django_cursor.connection.cursor()
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        keys = _drop_foreign_keys(cur, models)
        indexes = _drop_indexes(cur)
        for model, fields, rows in dataset.tables:
            t = time.monotonic()
            n = _copy(cur, model, fields, rows)
            timings[model._meta.db_table] = time.monotonic() - t
            log(f"  {model._meta.db_table}: {n} rows in {time.monotonic() - t:.1f} s")
        timings["indexes"] = _timed(log, "secondary indexes built", _run_all, cur, indexes)
        timings["foreign keys"] = _timed(log, "foreign keys added and checked", _run_all, cur, keys)
        _move_sequences(cur, models)
    timings["vacuum analyze"] = _timed(log, "VACUUM ANALYZE", _vacuum_analyze)
    return timings


def _timed(log, what, job, *args):
    t = time.monotonic()
    job(*args)
    seconds = time.monotonic() - t
    log(f"  {what} in {seconds:.1f} s")
    return seconds


def _drop_foreign_keys(cur, models) -> list[str]:
    """Drop the loaded tables' foreign keys; the statements that add them back."""
    tables = [model._meta.db_table for model in models]
    cur.execute(
        """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname""",
        [tables],
    )
    statements = []
    for table, name, definition in cur.fetchall():
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        statements.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    return statements


def _drop_indexes(cur) -> list[str]:
    """Drop the big tables' secondary indexes; their definitions, to build them again after."""
    dropped = []
    for model in BIG_TABLES:
        for name, definition in _secondary_indexes(cur, model._meta.db_table):
            cur.execute(f'DROP INDEX "{name}"')
            dropped.append(definition)
    return dropped


def _run_all(cur, statements):
    for statement in statements:
        cur.execute(statement)


def _copy(cur, model, fields, rows) -> int:
    """COPY the rows into the model's table, JSON columns as text; the number of rows."""
    fields, rows = _with_defaults(model, fields, rows)
    json_at = _json_positions(model, fields)
    as_json = {}
    n = 0
    with cur.copy(f"COPY {model._meta.db_table} ({_column_list(model, fields)}) FROM STDIN") as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = _json_text(row[i], as_json)
            copy.write_row(row)
            n += 1
    return n


def _json_text(value, cache):
    """A JSON column's text. Its values (a list, or a dict, of plain values) repeat: each text is
    made once."""
    if value is None:
        return None
    try:
        key = tuple(value.items()) if isinstance(value, dict) else tuple(value)
        text = cache.get(key)
    except TypeError:  # a value that cannot be a key: made each time
        return json.dumps(value, cls=DjangoJSONEncoder)
    if text is None:
        text = cache[key] = json.dumps(value, cls=DjangoJSONEncoder)
    return text


def _move_sequences(cur, models):
    for model in models:
        table = model._meta.db_table
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - model table names
        )


def _vacuum_analyze():
    # VACUUM, not only ANALYZE: it sets the visibility map, so index-only scans do not visit every
    # freshly copied heap page (the unit list's EXISTS took 640 ms instead of 130 ms without it).
    with connection.cursor() as c:
        c.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
