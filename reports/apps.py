from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from reports import signals

        signals.connect()

        from boveileder.extensions import landing_page, menu_entry
        from boveileder.models import Role

        def manager(user):
            return user.has_role(Role.MANAGER)

        menu_entry(_("Figures"), "reports:dashboard", visible=manager, order=10)
        landing_page(Role.MANAGER, "reports:dashboard", order=30)
