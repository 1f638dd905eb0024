from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoveilederConfig(AppConfig):
    name = "boveileder"
    verbose_name = _("Municipalities and staff")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from boveileder.saved_views import on_login

        user_logged_in.connect(on_login, dispatch_uid="boveileder.saved_views.on_login")
