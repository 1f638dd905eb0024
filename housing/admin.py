from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.RentalUnit)
class RentalUnitAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "address", "municipality", "rooms", "kobo_id"]
    list_filter = ["municipality"]
    search_fields = ["reference", "address"]


@admin.register(models.Tenancy)
class TenancyAdmin(SimpleHistoryAdmin):
    list_display = ["household", "unit", "start_date", "contract_end_date", "moved_out_on", "move_out_reason"]
    list_filter = ["municipality", "move_out_reason"]


admin.site.register(models.LongTenureFlag)
