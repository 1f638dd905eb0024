"""On PostgreSQL the database itself refuses overlapping tenancies of one unit (btree_gist).
SQLite, the embedded default, relies on Tenancy.clean() and the services."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE housing_tenancy ADD CONSTRAINT tenancy_no_overlap
  EXCLUDE USING gist (unit_id WITH =, daterange(start_date, moved_out_on, '[)') WITH &&);
"""
DROP = "ALTER TABLE housing_tenancy DROP CONSTRAINT IF EXISTS tenancy_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
