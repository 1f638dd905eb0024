from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "housing"
    verbose_name = _("Housing")

    def ready(self):
        from boveileder.models import Role
        from boveileder.saved_views import saveable

        # The flag queue's and the unit list's filters may be saved as views.
        saveable(
            "housing:flag_queue",
            label=_("Flags"),
            params={"show", "outcome", "resolved_from", "resolved_to", "q"},
            roles={Role.OFFICER, Role.MANAGER},
        )
        saveable(
            "housing:unit_list",
            label=_("Units"),
            params={"q", "state"},
            roles={Role.OFFICER, Role.MANAGER},
        )

        from boveileder.extensions import menu_entry

        def officer_or_manager(user):
            return user.has_role(Role.OFFICER, Role.MANAGER)

        def manager(user):
            return user.has_role(Role.MANAGER)

        menu_entry(_("Flags"), "housing:flag_queue", visible=officer_or_manager, order=40)
        menu_entry(_("Units"), "housing:unit_list", visible=officer_or_manager, order=50)
        menu_entry(
            _("Long-tenure thresholds"), "housing:flag_thresholds", visible=manager, group="admin", order=40
        )
