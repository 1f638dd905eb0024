"""Deadlines in sight for a counsellor's caseload, gathered from every subject of the cases app.

Each source is a function `(user, households_qs, today) -> list[Deadline]`; add new sources to
SOURCES. The caseload shows them sorted by date, overdue first."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The kind of each deadline, as the calendar feed names it: no free text, so never a name.
KINDS = {
    "next_step": _("Next step"),
    "consent_lapses": _("Consent lapses"),
    "appeal_deadline": _("Appeal deadline for a decision"),
    "decision_period_ends": _("Decision period ends"),
    "appeal_second_look": _("Appeal: the second look"),
    "appeal_forward": _("Appeal: forward to Statsforvalteren"),
    "startloan": _("Start-up loan"),
}


@dataclass(frozen=True)
class Deadline:
    due: date
    household_id: int
    household_reference: str
    text: str
    view: str  # the URL name of the page to act on, and the pk it takes
    pk: int
    kind: str = "next_step"  # a key of KINDS

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    def overdue(self, today: date) -> bool:
        return self.due < today

    @property
    def url(self) -> str:
        """Reversed when shown: a caseload gathers a hundred deadlines and shows ten."""
        return reverse(self.view, args=[self.pk])


SOURCES: list = []


def deadlines_for(user, households, today: date) -> list[Deadline]:
    found = [deadline for source in SOURCES for deadline in source(user, households, today)]
    return sorted(found, key=lambda d: (d.due, d.household_reference))


def _decision_deadlines(user, households, today: date) -> list[Deadline]:
    """Individual decisions: appeal deadlines, second looks, renewals. Imported late."""
    from cases.services.decisions import decision_deadlines

    return decision_deadlines(user, households, today)


SOURCES.append(_decision_deadlines)


def _followup_deadlines(user, households, today: date) -> list[Deadline]:
    """Next steps overdue or due soon. Imported late."""
    from cases.services.followups import followup_deadlines

    return followup_deadlines(user, households, today)


def _consent_deadlines(user, households, today: date) -> list[Deadline]:
    """Consents lapsing within 30 days. Imported late."""
    from cases.services.consents import consent_deadlines

    return consent_deadlines(user, households, today)


SOURCES.extend([_followup_deadlines, _consent_deadlines])


def _startloan_deadlines(user, households, today: date) -> list[Deadline]:
    """Start-up loans: appeal windows, certificate expiry, waiting for a decision. Imported late."""
    from cases.services.startloans import startloan_deadlines

    return startloan_deadlines(households=households, today=today)


SOURCES.append(_startloan_deadlines)
