from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.exchange, name="index"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<uuid:job_id>/", views.import_job, name="import_job"),
    path("import/<uuid:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<uuid:job_id>/retry/", views.import_retry, name="import_retry"),
    path("template.xlsx", views.template_download, name="import_template"),
    path("export/", views.export_download, name="export"),
    path("export/<uuid:export_id>/", views.export_job, name="export_job"),
    path("export/<uuid:export_id>/file/", views.export_file, name="export_file"),
    path("export/<uuid:export_id>/retry/", views.export_retry, name="export_retry"),
]
