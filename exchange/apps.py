from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Import and export")

    def ready(self):
        from boveileder.extensions import menu_entry
        from boveileder.models import Role

        def manager(user):
            return user.has_role(Role.MANAGER)

        menu_entry(_("Import and export"), "exchange:index", visible=manager, group="admin", order=20)
