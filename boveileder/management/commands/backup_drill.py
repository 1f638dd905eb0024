"""The backup and restore drill: dump the database (pg_dump -Fc), restore the dump into a fresh
database (pg_restore), and compare the row count of every table. See docs/backup.md."""

import os
import subprocess
import tempfile
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from psycopg import sql


def _conninfo(db: dict, name: str | None = None) -> dict:
    return {
        "dbname": name or db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
    }


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    env.update(PGHOST=str(db.get("HOST") or "127.0.0.1"), PGPORT=str(db.get("PORT") or 5432))
    if db.get("USER"):
        env["PGUSER"] = db["USER"]
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def row_counts(conn) -> dict[str, int]:
    """Rows in every table of the public schema, as the connection's transaction sees them."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {
        table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        for table in tables
    }


class Command(BaseCommand):
    help = "Dump the database, restore it into a fresh database and compare the row count of every table."

    def add_arguments(self, parser):
        parser.add_argument("--dump", help="Restore this existing dump (pg_dump -Fc) instead of making one.")
        parser.add_argument("--output", help="Keep the dump made at this path.")
        parser.add_argument("--keep", action="store_true", help="Keep the restored database afterwards.")

    def handle(self, *args, dump=None, output=None, keep=False, **options):
        db = settings.DATABASES["default"]
        if not db["ENGINE"].endswith("postgresql"):
            raise CommandError("The backup drill needs PostgreSQL (DATABASE_URL).")
        env = _pg_env(db)
        with tempfile.TemporaryDirectory() as tmp:
            # One snapshot for the dump and the counts, so writes during the drill change neither.
            with psycopg.connect(**_conninfo(db)) as conn:
                conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                conn.read_only = True
                if dump is None:
                    snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
                    dump = output or str(Path(tmp) / "boveileder.dump")
                    subprocess.run(
                        ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", dump, db["NAME"]],
                        env=env,
                        check=True,
                    )
                    self.stdout.write(f"Dumped {db['NAME']} to {dump} ({Path(dump).stat().st_size} bytes)")
                source = row_counts(conn)
            target = f"{db['NAME']}_restore_{timezone.now():%Y%m%d%H%M%S}"[:63]
            with psycopg.connect(**_conninfo(db, "postgres"), autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
            try:
                subprocess.run(
                    ["pg_restore", "--no-owner", "--exit-on-error", "-d", target, dump], env=env, check=True
                )
                with psycopg.connect(**_conninfo(db, target), autocommit=True) as conn:
                    restored = row_counts(conn)
            finally:
                if not keep:
                    with psycopg.connect(**_conninfo(db, "postgres"), autocommit=True) as conn:
                        conn.execute(
                            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target))
                        )
        differences = {
            table: (source.get(table), restored.get(table))
            for table in sorted(set(source) | set(restored))
            if source.get(table) != restored.get(table)
        }
        for table, (before, after) in differences.items():
            self.stderr.write(f"{table}: {before} rows in the database, {after} in the restore")
        if differences:
            raise CommandError(f"The restore differs from the database in {len(differences)} tables.")
        total = sum(source.values())
        kept = f" (kept as {target})" if keep else ""
        self.stdout.write(f"Restore OK: {len(source)} tables, {total} rows, every count the same{kept}.")
