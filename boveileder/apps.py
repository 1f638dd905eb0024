from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoveilederConfig(AppConfig):
    name = "boveileder"
    verbose_name = _("Municipalities and staff")
