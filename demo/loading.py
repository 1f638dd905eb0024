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
    """All or nothing: COPY into each table with the big tables' secondary indexes dropped, then
    the indexes rebuilt, the foreign keys checked and the sequences moved past the new ids."""
    timings = {}
    models = [model for model, _fields, _rows in dataset.tables]
    with transaction.atomic(), connection.cursor() as django_cursor:
        cur = django_cursor.connection.cursor()
        superuser = _prepare(cur)
        dropped = _drop_indexes(cur)
        for model, fields, rows in dataset.tables:
            t = time.monotonic()
            n = _copy(cur, model, fields, rows)
            timings[model._meta.db_table] = time.monotonic() - t
            log(f"  {model._meta.db_table}: {n} rows in {time.monotonic() - t:.1f} s")
        if not superuser:
            # Django's foreign keys are deferred: without the replica role their row checks are still
            # pending, and PostgreSQL refuses CREATE INDEX on a table with pending trigger events.
            timings["foreign key check"] = _timed(log, "foreign keys checked row by row", _fire_checks, cur)
        timings["indexes"] = _timed(log, "secondary indexes rebuilt", _create_indexes, cur, dropped)
        if superuser:
            cur.execute("SET LOCAL session_replication_role = origin")
            timings["foreign key check"] = _timed(
                log, "foreign keys checked", _check_foreign_keys, cur, models
            )
        _move_sequences(cur, models)
    timings["vacuum analyze"] = _timed(log, "VACUUM ANALYZE", _vacuum_analyze)
    return timings


def _timed(log, what, job, *args):
    t = time.monotonic()
    job(*args)
    seconds = time.monotonic() - t
    log(f"  {what} in {seconds:.1f} s")
    return seconds


def _prepare(cur) -> bool:
    """Settings for a bulk load; as superuser, foreign keys are checked once, set-based, after the
    load (`_check_foreign_keys`), not row by row. Returns whether that is so."""
    cur.execute("SET LOCAL synchronous_commit = off")
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    superuser = cur.fetchone()[0]
    if superuser:
        cur.execute("SET LOCAL session_replication_role = replica")
    return superuser


def _drop_indexes(cur) -> list[str]:
    """Drop the big tables' secondary indexes; their definitions, to build them again after."""
    dropped = []
    for model in BIG_TABLES:
        for name, definition in _secondary_indexes(cur, model._meta.db_table):
            cur.execute(f'DROP INDEX "{name}"')
            dropped.append(definition)
    return dropped


def _create_indexes(cur, definitions):
    for definition in definitions:
        cur.execute(definition)


def _fire_checks(cur):
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute("SET CONSTRAINTS ALL DEFERRED")


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


def _check_foreign_keys(cur, models):
    """Every foreign key of every loaded table points at a row: one anti-join per key."""
    for model in models:
        for f in model._meta.concrete_fields:
            if not f.is_relation or f.related_model is None:
                continue
            target = f.related_model._meta
            sql = (
                f'SELECT count(*) FROM {model._meta.db_table} t WHERE t."{f.column}" IS NOT NULL '  # noqa: S608 - model names
                f"AND NOT EXISTS (SELECT 1 FROM {target.db_table} r "
                f'WHERE r."{f.target_field.column}" = t."{f.column}")'
            )
            cur.execute(sql)
            missing = cur.fetchone()[0]
            if missing:
                raise RuntimeError(f"{missing} rows of {model._meta.db_table}.{f.column} point nowhere")
    # The follow-ups' (household, municipality) key (cases migration 0002), skipped by the replica role.
    cur.execute(
        "SELECT count(*) FROM cases_followup f JOIN cases_household h ON h.id = f.household_id "
        "WHERE f.municipality_id <> h.municipality_id"
    )
    if cur.fetchone()[0]:
        raise RuntimeError("follow-ups in another municipality than their household")
