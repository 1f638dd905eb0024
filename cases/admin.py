from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class PersonInline(admin.TabularInline):
    model = models.Person
    fields = ["first_name", "last_name", "birth_date", "household_role", "left_on"]
    extra = 0


@admin.register(models.Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "municipality", "counsellor", "enrolled_on", "closed_on", "restricted"]
    list_filter = ["municipality", "restricted"]
    search_fields = ["reference"]
    inlines = [PersonInline]


@admin.register(models.Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["first_name", "last_name", "birth_date", "household"]
    search_fields = ["last_name", "first_name"]
    # The national ID is not shown in lists and not searchable from the admin's URL-based search.
    exclude = []


@admin.register(models.FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["household", "date", "kind", "minutes", "by"]
    list_filter = ["kind"]
    date_hierarchy = "date"


admin.site.register(models.PartnerAgency)
admin.site.register(models.Consent, SimpleHistoryAdmin)
admin.site.register(models.StartLoanApplication, SimpleHistoryAdmin)
admin.site.register(models.Decision, SimpleHistoryAdmin)
admin.site.register(models.Appeal, SimpleHistoryAdmin)


@admin.register(models.HeldFollowUp)
class HeldFollowUpAdmin(admin.ModelAdmin):
    list_display = ["household", "by", "date", "kind", "received_at"]
    list_filter = ["municipality"]
