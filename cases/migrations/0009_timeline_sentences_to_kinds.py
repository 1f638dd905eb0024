"""Timeline events stored as sentences (in the writer's language, English or Norwegian) become a
kind and its parameters where the sentence can be read back; the others become a legacy note that
shows the sentence as it was written. The kinds' list, other apps' kinds included, is the one the
running code has (`cases.timeline`), with the wordings each kind was once stored in."""

from django.db import migrations

BATCH = 2000


def sentences_to_kinds(apps, schema_editor):
    from cases.timeline import timeline_parse

    event_model = apps.get_model("cases", "TimelineEvent")
    read: dict[tuple[str, str], tuple[str, dict]] = {}  # the same sentence recurs on many timelines
    batch = []
    for event in (
        event_model.objects.filter(params={}).only("id", "kind", "summary").iterator(chunk_size=BATCH)
    ):
        key = (event.kind, event.summary)
        if key not in read:
            read[key] = timeline_parse(*key)
        event.kind, event.params = read[key]
        batch.append(event)
        if len(batch) >= BATCH:
            event_model.objects.bulk_update(batch, ["kind", "params"])
            batch = []
    event_model.objects.bulk_update(batch, ["kind", "params"])


def kinds_to_sentences(apps, schema_editor):
    """Back: each event's sentence as its kind reads in the site's language."""
    from cases.timeline import timeline_text

    event_model = apps.get_model("cases", "TimelineEvent")
    batch = []
    for event in event_model.objects.only("id", "kind", "params").iterator(chunk_size=BATCH):
        event.summary = timeline_text(event.kind, event.params)[:300]
        batch.append(event)
    event_model.objects.bulk_update(batch, ["summary"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_timeline_event_params"),
    ]

    operations = [migrations.RunPython(sentences_to_kinds, kinds_to_sentences, elidable=True)]
