from django.contrib import admin

from . import models

admin.site.register(models.FundingGrant)
admin.site.register(models.FunderReport)
admin.site.register(models.FigureSharing)


@admin.register(models.FunderObserver)
class FunderObserverAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "county", "user"]
    filter_horizontal = ["municipalities"]
