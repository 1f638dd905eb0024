from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from boveileder.models import Role
        from boveileder.saved_views import saveable

        # Issue 21: the caseload's filter may be saved as a view (its «Show», «Sort by», all deadlines).
        saveable(
            "cases:caseload",
            label=_("Caseload"),
            params={"show", "sort", "deadlines"},
            roles={Role.COUNSELLOR, Role.MANAGER},
        )
