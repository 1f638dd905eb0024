from django.urls import reverse
from django.utils.translation import gettext as _

from . import saved_views
from .models import Role


def navigation(request):
    """The menu for the signed-in user's roles: each role's daily pages, and managers' administration
    grouped under one menu so the bar stays short on a phone."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or user.municipality_id is None:
        return {"nav_items": [], "nav_admin": [], "nav_saved": []}
    items = []
    if user.has_role(Role.MANAGER):
        items.append((_("Figures"), reverse("reports:dashboard")))
    if user.has_role(Role.COUNSELLOR, Role.MANAGER):
        items.append((_("Caseload"), reverse("cases:caseload")))
        items.append((_("All households"), reverse("cases:team")))
    if user.has_role(Role.OFFICER, Role.MANAGER):
        items.append((_("Flags"), reverse("housing:flag_queue")))
        items.append((_("Units"), reverse("housing:unit_list")))
    items.append((_("Start-up loans"), reverse("cases:startloan_pipeline")))
    if user.is_manager or (user.is_counsellor and user.can_approve_decisions):
        items.append((_("Decisions to approve"), reverse("cases:decision_queue")))
    items.append((_("Search"), reverse("cases:search")))
    admin = []
    if user.has_role(Role.MANAGER):
        admin = [
            (_("Staff"), reverse("staff:list")),
            (_("Import and export"), reverse("housing:exchange")),
            (_("Partner agencies"), reverse("cases:agency_list")),
            (_("Long-tenure thresholds"), reverse("housing:flag_thresholds")),
            (_("Who may approve decisions"), reverse("cases:decision_approvers")),
            (_("Visits kept aside"), reverse("cases:held_list")),
            (_("The municipality's contact details"), reverse("municipality_contact")),
            (_("Single sign-on"), reverse("municipality_sso")),
        ]
    return {"nav_items": items, "nav_admin": admin, "nav_saved": saved_views.menu(request)}
