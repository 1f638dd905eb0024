"""The household timeline's kinds of event, one list: what each kind keeps (its parameters: ids,
dates, addresses, minutes, codes of choices: data, never a sentence) and how it reads, in the
reader's language when it is shown. An event stored as a sentence keeps the writer's language; one
stored as a kind and its parameters reads in Norwegian to a Norwegian reader and in English to an
English one, whoever wrote it.

cases declares its own kinds here (`TimelineKind`); another app declares its own from its
`AppConfig.ready` with `kind_register`, so cases never names them. Events are written through
`cases.services.timeline`, which checks every event against this list."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from django.utils import formats, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Appeal, Decision, FollowUp, Household, Person, StartLoanApplication

# --- how a parameter reads, and how it is read back from an old sentence ------------------------


class Day:
    """A date, kept as ISO (2026-03-01), shown in the reader's short date format."""

    def show(self, value) -> str:
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")

    def read(self, text: str) -> str:
        return datetime.strptime(text, "%d.%m.%Y").date().isoformat()


class Choice:
    """A code of a model's choices, shown as its label (lower-cased where the sentence wants it)."""

    def __init__(self, choices, *, lower: bool = False):
        self.choices, self.lower = choices, lower

    def _label(self, label) -> str:
        return str(label).lower() if self.lower else str(label)

    def show(self, value) -> str:
        return self._label(dict(self.choices.choices).get(value, value))

    def read(self, text: str) -> str:
        for language in ("en", "nb"):
            with translation.override(language):
                for value, label in self.choices.choices:
                    if self._label(label).lower() == text.lower():
                        return value
        raise ValueError(text)


class FieldNames:
    """Names of a model's fields, shown as their verbose names joined by commas."""

    def __init__(self, model):
        self.model = model

    def _name(self, name: str) -> str:
        return str(self.model._meta.get_field(name).verbose_name)

    def show(self, value) -> str:
        return ", ".join(self._name(name) for name in value)

    def read(self, text: str) -> list[str]:
        for language in ("en", "nb"):
            with translation.override(language):
                names = {self._name(f.name): f.name for f in self.model._meta.fields}
                found = [names.get(part) for part in text.split(", ")]
                if all(found):
                    return found
        raise ValueError(text)


class Minutes:
    def show(self, value) -> str:
        return str(value)

    def read(self, text: str) -> int:
        return int(text)


# --- the kinds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventKind:
    """One kind of event. `text` is its sentence with `%(param)s` placeholders; a kind whose
    sentence varies gives `render(params, kind) -> str` instead. `shown` says how a parameter reads (a
    date, a choice's label); others read as stored. `legacy`: the sentences it was once stored as,
    each a function giving the wording in the active language and the parameters it implies, for
    the migration that turned stored sentences into kinds."""

    name: str
    params: frozenset[str]
    text: object = None
    render: Callable[[dict, "EventKind"], str] | None = None
    shown: Mapping[str, object] = field(default_factory=dict)
    legacy: tuple = ()
    was: tuple[str, ...] = ()  # other kinds its old sentences were stored under

    def text_of(self, params: dict) -> str:
        if self.render is not None:
            return self.render(params, self)
        return str(self.text) % self.values(params)

    def values(self, params: dict) -> dict:
        return {
            name: self.shown[name].show(value) if name in self.shown and value not in (None, "") else value
            for name, value in params.items()
        }

    def wordings(self):
        """(wording in the active language, parameters it implies) for each sentence it was stored as."""
        if self.legacy:
            return [(wording(), dict(implied)) for wording, implied in self.legacy]
        return [(str(self.text), {})] if self.text is not None else []


KINDS: dict[str, EventKind] = {}


def kind_register(name: str, *, params=(), text=None, render=None, shown=None, legacy=(), was=()) -> str:
    """Add a kind of event to the list (cases' own below; other apps' from their `ready`)."""
    if name in KINDS:
        raise ValueError(f"timeline kind {name!r} is registered twice")
    if (text is None) == (render is None):
        raise ValueError(f"timeline kind {name!r} needs a text or a render function")
    KINDS[name] = EventKind(name, frozenset(params), text, render, shown or {}, tuple(legacy), tuple(was))
    return name


def either(full, short, param: str):
    """A render function: `full` when the event has `param`, `short` without it."""

    def render(params: dict, kind: EventKind) -> str:
        return str(full if params.get(param) not in (None, "") else short) % kind.values(params)

    return render


class TimelineKind(StrEnum):
    """The kinds of event cases writes; housing's are in `housing.timeline`."""

    LEGACY_NOTE = "legacy_note"
    HOUSEHOLD_REGISTERED = "household_registered"
    HOUSEHOLD_IMPORTED = "household_imported"
    HOUSEHOLD_UPDATED = "household_updated"
    HOUSEHOLD_CLOSED = "household_closed"
    HOUSEHOLD_REOPENED = "household_reopened"
    COUNSELLOR_CHANGED = "counsellor_changed"
    RESTRICTED = "restricted"
    RESTRICTION_LIFTED = "restriction_lifted"
    ANONYMISED = "anonymised"
    MEMBER_ADDED = "member_added"
    MEMBER_MOVED = "member_moved"
    MEMBER_REMOVED = "member_removed"
    PERSON_UPDATED = "person_updated"
    FOLLOWUP = "followup"
    FOLLOWUP_CORRECTED = "followup_corrected"
    CONSENT_RECORDED = "consent_recorded"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    DOCUMENT = "document"
    STARTLOAN_RECEIVED = "startloan_received"
    DECISION_DRAFTED = "decision_drafted"
    DECISION_UPDATED = "decision_updated"
    DECISION_SUBMITTED = "decision_submitted"
    DECISION_SENT_BACK = "decision_sent_back"
    DECISION_APPROVED = "decision_approved"
    DECISION_RENEWAL_DRAFTED = "decision_renewal_drafted"
    DECISION_LETTER_ARCHIVED = "decision_letter_archived"
    APPEAL_REGISTERED = "appeal_registered"
    APPEAL_SECOND_LOOK = "appeal_second_look"
    APPEAL_FORWARDED = "appeal_forwarded"
    APPEAL_OUTCOME = "appeal_outcome"

    @staticmethod
    def startloan(status: str) -> str:
        """The kind of a start-up loan application's step to `status` (one kind per status)."""
        return f"startloan_{status}"


def timeline_text(kind: str, params: dict) -> str:
    """An event's sentence in the active language; a kind no longer known reads as its name."""
    event_kind = KINDS.get(kind)
    if event_kind is None:
        return kind
    try:
        return event_kind.text_of(params)
    except (KeyError, TypeError, ValueError):  # parameters from before a change of the kind
        return str(params.get("text", kind))


# --- reading old sentences back ---------------------------------------------------------------


def _pattern(wording: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", wording)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+)" for i, part in enumerate(parts))
    return re.compile(regex + r"\Z", re.DOTALL)


def _read(event_kind: EventKind, match: re.Match, implied: dict) -> dict:
    params = dict.fromkeys(event_kind.params)
    params.update({name: getattr(value, "value", value) for name, value in implied.items()})
    for name, text in match.groupdict().items():
        params[name] = event_kind.shown[name].read(text) if name in event_kind.shown else text
    return params


def timeline_parse(kind: str, text: str) -> tuple[str, dict]:
    """The kind and parameters of a sentence stored in English or Norwegian under `kind`, or the
    legacy note that keeps it as written when it cannot be read back."""
    candidates = [k for k in KINDS.values() if k.name == kind or kind in k.was]
    for language in ("en", "nb"):
        with translation.override(language):
            for event_kind in candidates:
                if (found := _match(event_kind, text)) is not None:
                    return str(event_kind.name), found
    return str(TimelineKind.LEGACY_NOTE), {"text": text}


def _match(event_kind: EventKind, text: str) -> dict | None:
    for wording, implied in event_kind.wordings():
        match = _pattern(wording).match(text)
        if match is None:
            continue
        try:
            return _read(event_kind, match, implied)
        except ValueError:
            continue
    return None


# --- cases' kinds -----------------------------------------------------------------------------

K = TimelineKind
_followup = either(_("%(kind)s, %(minutes)s min"), "%(kind)s", "minutes")
_followup_shown = {"kind": Choice(FollowUp.Kind), "minutes": Minutes()}
_followup_legacy = (
    (lambda: gettext("%(kind)s, %(minutes)s min"), {}),
    (lambda: "%(kind)s", {"minutes": None}),
)


def _corrected(params: dict, kind: EventKind) -> str:
    return gettext("Corrected: %(summary)s") % {"summary": _followup(params, kind)}


def _corrected_wording(inner: str):
    return lambda: gettext("Corrected: %(summary)s") % {"summary": inner()}


def _appeal_registered(params: dict, kind: EventKind) -> str:
    return (
        gettext("Appeal received")
        + " – "
        + gettext("within the deadline" if params["within"] else "after the deadline")
    )


def _appeal_registered_wording(within: bool):
    return lambda: (
        gettext("Appeal received")
        + " – "
        + gettext("within the deadline" if within else "after the deadline")
    )


SECOND_LOOK = {
    Appeal.SecondLook.CHANGED: _("Appeal: the municipality changed its decision"),
    Appeal.SecondLook.KEPT: _("Appeal: the municipality kept its decision"),
}
Status = StartLoanApplication.Status
ApprovalKind = StartLoanApplication.ApprovalKind


def _startloan(params: dict, kind: EventKind) -> str:
    values = kind.values(params)
    head = (
        _("Start-up loan decided again after the appeal: %(status)s")
        if params["after_appeal"]
        else _("Start-up loan application: %(status)s")
    )
    text = str(head) % values
    if params["approval"] == ApprovalKind.CERTIFICATE:
        text += " – " + gettext("financing certificate valid until %(date)s") % {
            "date": values["valid_until"]
        }
    elif params["approval"] == ApprovalKind.COMMITMENT:
        text += " – " + gettext("commitment for a given home")
    if params["ref"]:
        text += f" (Startskudd {params['ref']})"
    return text


def _startloan_wordings():
    """Every way a step of an application was once worded: two heads, three tails, with or without
    the Startskudd number."""
    heads = (
        ("Start-up loan application: %(status)s", False),
        ("Start-up loan decided again after the appeal: %(status)s", True),
    )
    tails = (
        (lambda: "", ""),
        (
            lambda: (
                " – " + gettext("financing certificate valid until %(date)s") % {"date": "%(valid_until)s"}
            ),
            ApprovalKind.CERTIFICATE,
        ),
        (lambda: " – " + gettext("commitment for a given home"), ApprovalKind.COMMITMENT),
    )
    return tuple(
        (
            lambda head=head, tail=tail, ref=ref: gettext(head) + tail() + ref,
            {"after_appeal": after, "approval": approval, "ref": "" if not ref else None},
        )
        for head, after in heads
        for tail, approval in tails
        for ref in ("", " (Startskudd %(ref)s)")
    )


kind_register(K.LEGACY_NOTE, params=["text"], render=lambda params, kind: params["text"])
kind_register(K.HOUSEHOLD_REGISTERED, text=_("Household registered"))
kind_register(K.HOUSEHOLD_IMPORTED, text=_("Registered through a spreadsheet import"))
kind_register(
    K.HOUSEHOLD_UPDATED,
    params=["fields"],
    text=_("Household details changed: %(fields)s"),
    shown={"fields": FieldNames(Household)},
)
kind_register(
    K.HOUSEHOLD_CLOSED,
    params=["reason"],
    text=_("Case closed: %(reason)s"),
    shown={"reason": Choice(Household.CloseReason)},
)
kind_register(K.HOUSEHOLD_REOPENED, text=_("Case reopened"))
kind_register(
    K.COUNSELLOR_CHANGED, params=["old", "new"], text=_("Counsellor changed from %(old)s to %(new)s")
)
kind_register(K.RESTRICTED, text=_("Record restricted"))
kind_register(K.RESTRICTION_LIFTED, text=_("Restriction lifted"))
kind_register(K.ANONYMISED, text=_("Working notes anonymised after the retention time"))
kind_register(K.MEMBER_ADDED, params=["name"], text=_("%(name)s joined the household"))
kind_register(
    K.MEMBER_MOVED, params=["name"], text=_("%(name)s moved to another household"), was=["member_removed"]
)
kind_register(K.MEMBER_REMOVED, params=["name"], text=_("%(name)s left the household"))
kind_register(
    K.PERSON_UPDATED,
    params=["name", "fields"],
    text=_("Details of %(name)s changed: %(fields)s"),
    shown={"fields": FieldNames(Person)},
)
kind_register(
    K.FOLLOWUP, params=["kind", "minutes"], render=_followup, shown=_followup_shown, legacy=_followup_legacy
)
kind_register(
    K.FOLLOWUP_CORRECTED,
    params=["kind", "minutes"],
    render=_corrected,
    shown=_followup_shown,
    legacy=[(_corrected_wording(wording), implied) for wording, implied in _followup_legacy],
)
kind_register(K.CONSENT_RECORDED, params=["agency"], text=_("Consent to share with %(agency)s"))
kind_register(K.CONSENT_WITHDRAWN, params=["agency"], text=_("Consent to share with %(agency)s withdrawn"))
kind_register(K.DOCUMENT, params=["title"], text=_("Document attached: %(title)s"))
kind_register(K.STARTLOAN_RECEIVED, text=_("Start-up loan application received"))
for _status in Status.values:
    if _status != Status.RECEIVED:
        kind_register(
            K.startloan(_status),
            params=["status", "after_appeal", "approval", "valid_until", "ref"],
            render=_startloan,
            shown={"status": Choice(Status), "valid_until": Day()},
            legacy=_startloan_wordings(),
        )
_outcome = {"outcome": Choice(Decision.Outcome, lower=True)}
kind_register(
    K.DECISION_DRAFTED, params=["outcome"], text=_("Decision drafted (%(outcome)s)"), shown=_outcome
)
kind_register(K.DECISION_UPDATED, text=_("Decision draft changed"))
kind_register(
    K.DECISION_SUBMITTED,
    params=["name"],
    render=either(
        _("Decision submitted for approval by %(name)s"), _("Decision submitted for approval"), "name"
    ),
    legacy=[
        (lambda: gettext("Decision submitted for approval by %(name)s"), {}),
        (lambda: gettext("Decision submitted for approval"), {"name": ""}),
    ],
)
kind_register(
    K.DECISION_SENT_BACK, params=["comment"], text=_("Decision sent back to the drafter: %(comment)s")
)
kind_register(
    K.DECISION_APPROVED,
    params=["outcome", "deadline"],
    render=either(
        _("Decision approved (%(outcome)s); appeal deadline %(deadline)s"),
        _("Decision approved (%(outcome)s)"),
        "deadline",
    ),
    shown={**_outcome, "deadline": Day()},
    legacy=[
        (lambda: gettext("Decision approved (%(outcome)s); appeal deadline %(deadline)s"), {}),
        (lambda: gettext("Decision approved (%(outcome)s)"), {"deadline": None}),
    ],
)
kind_register(
    K.DECISION_RENEWAL_DRAFTED,
    params=["date"],
    text=_("New decision drafted to replace the one of %(date)s"),
    shown={"date": Day()},
)
kind_register(
    K.DECISION_LETTER_ARCHIVED, params=["ref"], text=_("Decision letter filed in the archive (%(ref)s)")
)
kind_register(
    K.APPEAL_REGISTERED,
    params=["within"],
    render=_appeal_registered,
    legacy=[(_appeal_registered_wording(within), {"within": within}) for within in (True, False)],
)
kind_register(
    K.APPEAL_SECOND_LOOK,
    params=["result"],
    render=lambda params, kind: str(SECOND_LOOK[params["result"]]),
    legacy=[(lambda text=text: str(text), {"result": result}) for result, text in SECOND_LOOK.items()],
)
kind_register(K.APPEAL_FORWARDED, text=_("Appeal forwarded to Statsforvalteren"))
kind_register(
    K.APPEAL_OUTCOME,
    params=["outcome"],
    text=_("Statsforvalteren: %(outcome)s"),
    shown={"outcome": Choice(Appeal.Outcome)},
)
