"""One pattern for every record that moves through states: a table of transitions.

A `Machine` is a table of `Transition`s, each saying from which states an action may be taken, the
state it leads to, who may take it and what must hold first. The services ask the machine before
they write (`Machine.check`), and the views ask it what to offer (`Machine.allowed`), so the table is
the one place that says what may happen to a record and who may make it happen. See
docs/architecture.md, «State machines»."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError

# Who may take a step: (user, record) -> bool.
Who = Callable[[object, object], bool]
# What must hold first: (record) -> the reasons it does not, in the user's language (empty when it does).
Guard = Callable[[object], list]


def roles(*names: str) -> Who:
    """Anyone holding one of the roles `names`."""

    def may(user, record) -> bool:
        return user is not None and user.has_role(*names)

    may.roles = names
    return may


def anyone(user, record) -> bool:
    """Anyone the view let through (the view's roles and access checks decide)."""
    return True


def nobody(user, record) -> bool:
    """A step only the system takes (a nightly job, a move-out), never a user from a page."""
    return False


@dataclass(frozen=True)
class Transition:
    source: tuple[str, ...]
    action: str
    target: str
    who: Who = anyone
    guard: Guard | None = None


@dataclass(frozen=True)
class Machine:
    """The transitions of one kind of record, and the words it answers with when a step is refused.

    `refused` is the message of the PermissionDenied for a user who may not take the step;
    `not_from(record, action)` the message of the ValidationError for a record not in a state the
    action starts from."""

    transitions: tuple[Transition, ...]
    refused: str
    not_from: Callable[[object, str], str]
    state: Callable[[object], str] = field(default=lambda record: record.status)

    def __post_init__(self):
        seen = set()
        for t in self.transitions:
            for source in t.source:
                if (source, t.action) in seen:
                    raise ValueError(f"two transitions for {t.action!r} from {source!r}")
                seen.add((source, t.action))

    @property
    def actions(self) -> list[str]:
        return list(dict.fromkeys(t.action for t in self.transitions))

    def sources(self, action: str) -> list[str]:
        """Every state `action` may start from."""
        return [s for t in self.transitions if t.action == action for s in t.source]

    def find(self, state: str, action: str) -> Transition | None:
        return next((t for t in self.transitions if t.action == action and state in t.source), None)

    def may(self, user, record, action: str) -> bool:
        """Whether `user` may take `action` on `record` as it stands now (guards aside)."""
        step = self.find(self.state(record), action)
        return step is not None and step.who(user, record)

    def allowed(self, user, record) -> list[Transition]:
        """The steps `user` may take from where `record` stands, in the table's order."""
        state = self.state(record)
        return [t for t in self.transitions if state in t.source and t.who(user, record)]

    def check(self, user, record, action: str) -> Transition:
        """The step `action` from where `record` stands, if `user` may take it now.

        Who is asked first, then where from, then the guard: a user who may never take the step
        hears so (PermissionDenied) whatever state the record is in."""
        named = [t for t in self.transitions if t.action == action]
        if not named:
            raise ValidationError(self.not_from(record, action), code="unknown_action")
        state = self.state(record)
        step = next((t for t in named if state in t.source), None)
        deciding = [step] if step is not None else named
        if not any(t.who(user, record) for t in deciding):
            raise PermissionDenied(self.refused)
        if step is None:
            raise ValidationError(self.not_from(record, action), code="not_allowed")
        if step.guard is not None and (reasons := step.guard(record)):
            raise ValidationError(list(reasons), code="guard")
        return step


def table(rows: Iterable[tuple]) -> tuple[Transition, ...]:
    """Transitions from rows of (source states, action, target, who[, guard])."""
    return tuple(Transition(tuple(row[0]), *row[1:]) for row in rows)
