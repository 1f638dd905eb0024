"""The household's timeline: one table, written by the services of every app through this module,
one event at a time (`timeline_record`) or many in one INSERT (`timeline_event` for each, then
`timeline_record_many`). An event is a kind from `cases.timeline` and its parameters (data, never
a sentence): it is worded in the reader's language when shown."""

from collections.abc import Iterable
from datetime import date
from enum import Enum

from django.contrib.contenttypes.models import ContentType

from cases.models import Household, RecordView, TimelineEvent
from cases.timeline import KINDS

_PLAIN = (str, int, float, bool, type(None))


def _plain(value):
    """Plain JSON; a lazy translation is refused: it is a sentence in the writer's language."""
    if isinstance(value, Enum):  # a choice's code
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, _PLAIN):
        return value
    raise TypeError(f"a timeline parameter must be plain data, not {type(value).__name__}")


def timeline_params(kind: str, params: dict | None = None) -> dict:
    """`params` checked against `kind` (a registered kind, exactly its parameters) and made plain
    JSON (dates as ISO); for writers that insert rows themselves (COPY)."""
    event_kind = KINDS.get(kind)
    if event_kind is None:
        raise ValueError(f"unknown timeline kind {kind!r}: register it in cases.timeline")
    params = params or {}
    if set(params) != event_kind.params:
        raise ValueError(f"timeline kind {kind!r} takes {sorted(event_kind.params)}, got {sorted(params)}")
    return {name: _plain(value) for name, value in params.items()}


def timeline_event(
    *, household: Household | int, kind: str, params: dict | None = None, on: date, by=None, subject=None
) -> TimelineEvent:
    """One event, checked and not yet saved (`household`: it or its id; `by`: a user or its id;
    `subject`: the record it is about, if any); `timeline_record_many` saves many at once."""
    event = TimelineEvent(
        household_id=household.pk if isinstance(household, Household) else household,
        kind=str(kind),
        params=timeline_params(kind, params),
        occurred_on=on,
    )
    if isinstance(by, int):  # a bulk writer that holds ids only
        event.actor_id = by
    else:
        event.actor = by
    if subject is not None:
        event.content_type = ContentType.objects.get_for_model(subject)
        event.object_id = subject.pk
    return event


def timeline_record(
    *, household: Household, kind: str, params: dict | None = None, on: date, by=None, subject=None
) -> TimelineEvent:
    """Add one event to a household's timeline; `subject` is the record it is about, if any."""
    event = timeline_event(household=household, kind=kind, params=params, on=on, by=by, subject=subject)
    event.save()
    return event


def timeline_record_many(
    events: Iterable[TimelineEvent], *, batch_size: int | None = None
) -> list[TimelineEvent]:
    """Events made by `timeline_event`, saved in one INSERT (a bulk write: a hand-over, an import)."""
    return TimelineEvent.objects.bulk_create(list(events), batch_size=batch_size)


def record_view_log(*, user, household: Household | int, what: str, person=None) -> RecordView:
    """Innsynslogg: note that `user` opened a household's or a person's record (`household`: it or its id)."""
    household_id = household.pk if isinstance(household, Household) else household
    return RecordView.objects.create(user=user, household_id=household_id, person=person, what=what)
