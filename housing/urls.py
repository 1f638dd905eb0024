from django.urls import path

from housing.views import exchange as exchange_views  # issue 7
from housing.views import flags, tenancies, units
from housing.views import purchase as purchase_views  # issue 5

app_name = "housing"

urlpatterns = [
    # issue 4: units, tenancies, the long-tenure flags
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create_view, name="unit_create"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move-in/", tenancies.tenancy_move_in, name="tenancy_move_in"),
    path("households/choices/", tenancies.household_choices_view, name="household_choices"),
    path("tenancies/<int:pk>/renew/", tenancies.tenancy_renew_view, name="tenancy_renew"),
    path("tenancies/<int:pk>/move-out/", tenancies.tenancy_move_out, name="tenancy_move_out"),
    path("flags/", flags.flag_queue, name="flag_queue"),
    path("flags/<int:pk>/", flags.flag_detail, name="flag_detail"),
    path("flags/thresholds/", flags.flag_thresholds, name="flag_thresholds"),
    # issue 5: the move-out after a purchase with a start-up loan
    path("startloans/<int:pk>/purchase/", purchase_views.startloan_purchase, name="startloan_purchase"),
    # issue 7: import and export of spreadsheets
    path("exchange/", exchange_views.exchange, name="exchange"),
    path("exchange/import/", exchange_views.import_upload, name="import_upload"),
    path("exchange/import/<uuid:job_id>/", exchange_views.import_job, name="import_job"),
    path("exchange/import/<uuid:job_id>/confirm/", exchange_views.import_confirm, name="import_confirm"),
    path("exchange/import/<uuid:job_id>/retry/", exchange_views.import_retry, name="import_retry"),
    path("exchange/template.xlsx", exchange_views.template_download, name="import_template"),
    path("exchange/export/", exchange_views.export_download, name="export"),
    path("exchange/export/<uuid:export_id>/", exchange_views.export_job, name="export_job"),
    path("exchange/export/<uuid:export_id>/file/", exchange_views.export_file, name="export_file"),
    path("exchange/export/<uuid:export_id>/retry/", exchange_views.export_retry, name="export_retry"),
]
