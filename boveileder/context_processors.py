from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Role


def navigation(request):
    """The menu for the signed-in user's roles."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or user.municipality_id is None:
        return {"nav_items": []}
    items = []
    if user.has_role(Role.COUNSELLOR, Role.MANAGER):
        items.append((_("Caseload"), reverse("cases:caseload")))
        items.append((_("All households"), reverse("cases:team")))  # issue 3
    if user.has_role(Role.OFFICER, Role.MANAGER):
        items.append((_("Flags"), reverse("housing:flag_queue")))
        items.append((_("Units"), reverse("housing:unit_list")))
    items.append((_("Start-up loans"), reverse("cases:startloan_pipeline")))  # issue 5: every role
    items.append((_("Search"), reverse("cases:search")))  # issue 3: every role
    if user.is_manager or (user.is_counsellor and user.can_approve_decisions):
        items.append((_("Decisions to approve"), reverse("cases:decision_queue")))  # issue 8
    if user.has_role(Role.MANAGER):
        items.append((_("Figures"), reverse("reports:dashboard")))
        items.append((_("Import and export"), reverse("housing:exchange")))
        items.append((_("Staff"), reverse("staff:list")))
    return {"nav_items": items}
