from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_followups_kept_aside"),
    ]

    operations = [
        migrations.AddField(
            model_name="timelineevent",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
