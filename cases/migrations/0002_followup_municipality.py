"""Follow-ups carry their household's municipality (a municipality's follow-ups of a period
as one index range). Filled from the households; on PostgreSQL a foreign key on (household_id,
municipality_id) keeps it equal to the household's."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FILL = """
UPDATE cases_followup SET municipality_id = (
    SELECT h.municipality_id FROM cases_household h WHERE h.id = cases_followup.household_id
)
"""
FILL_HISTORY = """
UPDATE cases_historicalfollowup SET municipality_id = (
    SELECT h.municipality_id FROM cases_household h WHERE h.id = cases_historicalfollowup.household_id
)
"""
SAME_MUNICIPALITY = """
ALTER TABLE cases_followup ADD CONSTRAINT followup_household_same_municipality
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
        ("cases", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
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
            model_name="historicalfollowup",
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
            model_name="followup",
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
            model_name="followup",
            index=models.Index(
                fields=["municipality", "date"],
                include=("household", "minutes", "id"),
                name="followup_municipality_date_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="household",
            constraint=models.UniqueConstraint(
                fields=("id", "municipality"), name="household_id_municipality"
            ),
        ),
        migrations.RunPython(
            postgresql_only(SAME_MUNICIPALITY),
            postgresql_only(
                "ALTER TABLE cases_followup DROP CONSTRAINT followup_household_same_municipality"
            ),
        ),
    ]
