from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_timeline_sentences_to_kinds"),
    ]

    operations = [
        migrations.RemoveField(model_name="timelineevent", name="summary"),
    ]
