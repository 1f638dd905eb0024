"""The records behind a figure, as rows a manager can open: what it is, when, and its household."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Appeal, Decision, FollowUp, Household, Person, StartLoanApplication
from housing.models import LongTenureFlag, Tenancy

# model: (path to the household, select_related, column headings, cells of one row)
SPECS = {
    Household: ("pk", ("counsellor",), (_("Counsellor"),), lambda h: (h.counsellor or "–",)),
    Person: (
        "household",
        ("household",),
        (_("Person"), _("Birth date")),
        lambda p: (p, p.birth_date),
    ),
    Tenancy: (
        "household",
        ("household", "unit"),
        (_("Unit"), _("Moved out"), _("Reason")),
        lambda t: (t.unit, t.moved_out_on, t.get_move_out_reason_display()),
    ),
    FollowUp: (
        "household",
        ("household",),
        (_("Date"), _("Kind"), _("Minutes")),
        lambda f: (f.date, f.get_kind_display(), f.minutes if f.minutes is not None else "–"),
    ),
    StartLoanApplication: (
        "household",
        ("household",),
        (_("Received"), _("Decided"), _("Status")),
        lambda a: (a.received_on, a.decided_on, a.get_status_display()),
    ),
    LongTenureFlag: (
        "tenancy__household",
        ("tenancy__household",),
        (_("Raised"), _("Resolved"), _("Status")),
        lambda f: (f.raised_on, f.resolved_on, f.get_status_display()),
    ),
    Decision: (
        "household",
        ("household",),
        (_("Decided"), _("Outcome")),
        lambda d: (d.approved_on, d.get_outcome_display()),
    ),
    Appeal: (
        "decision__household",
        ("decision__household",),
        (_("Received"), _("Forwarded"), _("Outcome")),
        lambda a: (a.received_on, a.forwarded_on, a.get_outcome_display() or "–"),
    ),
}


def household_of(obj, path: str):
    if path == "pk":
        return obj
    for step in path.split("__"):
        obj = getattr(obj, step)
    return obj


def visible_records(queryset: QuerySet, user) -> tuple[QuerySet, tuple, callable, str]:
    """The records limited to households the user may see, with how to show them."""
    path, related, headings, cells = SPECS[queryset.model]
    visible = Household.objects.visible_to(user)
    queryset = queryset.filter(**{f"{path}__in" if path != "pk" else "pk__in": visible})
    return queryset.select_related(*related).order_by("pk"), headings, cells, path
