from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Municipality, SingleSignOn, User


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "number", "project_start"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "municipality",
        "is_counsellor",
        "is_officer",
        "is_manager",
    ]
    list_filter = ["municipality", "is_counsellor", "is_officer", "is_manager", "is_active"]
    fieldsets = UserAdmin.fieldsets + (
        (
            _("Municipality and roles"),
            {
                "fields": [
                    "municipality",
                    "is_counsellor",
                    "is_officer",
                    "is_manager",
                    "can_approve_decisions",
                ]
            },
        ),
    )


@admin.register(SingleSignOn)
class SingleSignOnAdmin(admin.ModelAdmin):
    """An administrator registers a municipality's provider (see docs/sso.md); the secret stays in
    the environment."""

    list_display = ["municipality", "issuer", "enabled", "local_passwords_off"]
