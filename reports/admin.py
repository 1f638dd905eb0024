from django.contrib import admin

from . import models

admin.site.register(models.FundingGrant)
admin.site.register(models.FunderReport)
