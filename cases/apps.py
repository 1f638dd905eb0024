from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from boveileder.models import Role
        from boveileder.saved_views import saveable

        # The caseload's filter may be saved as a view (its «Show», «Sort by», all deadlines).
        saveable(
            "cases:caseload",
            label=_("Caseload"),
            params={"show", "sort", "deadlines"},
            roles={Role.COUNSELLOR, Role.MANAGER},
        )

        from boveileder.extensions import menu_entry

        def counsellor_or_manager(user):
            return user.has_role(Role.COUNSELLOR, Role.MANAGER)

        def manager(user):
            return user.has_role(Role.MANAGER)

        def approver(user):
            return user.is_manager or (user.is_counsellor and user.can_approve_decisions)

        def anyone(user):
            return True

        menu_entry(_("Caseload"), "cases:caseload", visible=counsellor_or_manager, order=20)
        menu_entry(_("All households"), "cases:team", visible=counsellor_or_manager, order=30)
        menu_entry(_("Start-up loans"), "cases:startloan_pipeline", visible=anyone, order=60)
        menu_entry(_("Decisions to approve"), "cases:decision_queue", visible=approver, order=70)
        menu_entry(_("Search"), "cases:search", visible=anyone, order=80)
        menu_entry(_("Partner agencies"), "cases:agency_list", visible=manager, group="admin", order=30)
        menu_entry(
            _("Who may approve decisions"),
            "cases:decision_approvers",
            visible=manager,
            group="admin",
            order=50,
        )
        menu_entry(_("Visits kept aside"), "cases:held_list", visible=manager, group="admin", order=60)
