"""Deadlines in sight for a counsellor's caseload, gathered from every subject of the cases app.

Each source is a function `(user, households_qs, today) -> list[Deadline]` registered at the
extension point `cases.extensions.DEADLINES` from an `AppConfig.ready` (cases' own in `CasesConfig`),
so this module imports none of them. The caseload shows them sorted by date, overdue first."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boveileder.extensions import hooks
from cases.extensions import DEADLINES

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


def deadlines_for(user, households, today: date) -> list[Deadline]:
    """Every source's deadlines for `households` (a queryset), by date and household."""
    found = [deadline for source in hooks(DEADLINES) for deadline in source(user, households, today)]
    return sorted(found, key=lambda d: (d.due, d.household_reference))
