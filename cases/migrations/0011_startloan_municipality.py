"""Start-up loan applications carry their household's municipality, as follow-ups do, so the reports
read a municipality's applications of a period as one index range. Filled from the households; on
PostgreSQL a foreign key on (household_id, municipality_id) keeps it equal to the household's."""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE cases_startloanapplication SET municipality_id = (
    SELECT h.municipality_id FROM cases_household h WHERE h.id = cases_startloanapplication.household_id
)
"""
FILL_HISTORY = """
UPDATE cases_historicalstartloanapplication SET municipality_id = (
    SELECT h.municipality_id FROM cases_household h
    WHERE h.id = cases_historicalstartloanapplication.household_id
)
"""
SAME_MUNICIPALITY = """
ALTER TABLE cases_startloanapplication ADD CONSTRAINT startloan_household_same_municipality
    FOREIGN KEY (household_id, municipality_id) REFERENCES cases_household (id, municipality_id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
"""


def postgresql_only(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("boveileder", "0001_initial"),
        ("cases", "0010_remove_timelineevent_summary"),
    ]

    operations = [
        migrations.AddField(
            model_name="startloanapplication",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="boveileder.municipality",
            ),
        ),
        migrations.AddField(
            model_name="historicalstartloanapplication",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="boveileder.municipality",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_HISTORY, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="startloanapplication",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="boveileder.municipality",
            ),
        ),
        migrations.AddIndex(
            model_name="startloanapplication",
            index=models.Index(fields=["municipality", "received_on"], name="startloan_muni_received_idx"),
        ),
        migrations.AddIndex(
            model_name="startloanapplication",
            index=models.Index(
                fields=["municipality", "decided_on"],
                include=("status", "loan_amount_nok"),
                name="startloan_muni_decided_idx",
            ),
        ),
        migrations.RunPython(
            postgresql_only(SAME_MUNICIPALITY),
            postgresql_only(
                "ALTER TABLE cases_startloanapplication DROP CONSTRAINT startloan_household_same_municipality"
            ),
        ),
    ]
