"""The household's timeline: one table, written by the services of every app through this module."""

from django.contrib.contenttypes.models import ContentType

from cases.models import Household, RecordView, TimelineEvent


def _event(*, household: Household, kind: str, summary: str, on, actor=None, subject=None) -> TimelineEvent:
    event = TimelineEvent(household=household, kind=kind, summary=summary[:300], occurred_on=on, actor=actor)
    if subject is not None:
        event.content_type = ContentType.objects.get_for_model(subject)
        event.object_id = subject.pk
    return event


def timeline_record(
    *, household: Household, kind: str, summary: str, on, actor=None, subject=None
) -> TimelineEvent:
    """Add one event to a household's timeline; `subject` is the record it is about, if any."""
    event = _event(household=household, kind=kind, summary=summary, on=on, actor=actor, subject=subject)
    event.save()
    return event


def timeline_record_many(
    *, households, kind: str, summary: str, on, actor=None, subject=None
) -> list[TimelineEvent]:
    """The same event on many households' timelines in one INSERT (a bulk write, say a hand-over)."""
    return TimelineEvent.objects.bulk_create(
        [
            _event(household=household, kind=kind, summary=summary, on=on, actor=actor, subject=subject)
            for household in households
        ]
    )


def record_view_log(*, user, household: Household | int, what: str, person=None) -> RecordView:
    """Innsynslogg: note that `user` opened a household's or a person's record (`household`: it or its id)."""
    household_id = household.pk if isinstance(household, Household) else household
    return RecordView.objects.create(user=user, household_id=household_id, person=person, what=what)
