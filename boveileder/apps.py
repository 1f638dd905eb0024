from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoveilederConfig(AppConfig):
    name = "boveileder"
    verbose_name = _("Municipalities and staff")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from boveileder.saved_views import on_login

        user_logged_in.connect(on_login, dispatch_uid="boveileder.saved_views.on_login")

        from django.utils.translation import gettext_lazy as _

        from boveileder.extensions import menu_entry
        from boveileder.models import Role

        def manager(user):
            return user.has_role(Role.MANAGER)

        menu_entry(_("Staff"), "staff:list", visible=manager, group="admin", order=10)
        menu_entry(
            _("The municipality's contact details"),
            "municipality_contact",
            visible=manager,
            group="admin",
            order=70,
        )
        menu_entry(_("Single sign-on"), "municipality_sso", visible=manager, group="admin", order=80)
