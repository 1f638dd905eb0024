from django.urls import path

from reports.views import dashboard, funder_reports, narratives_grants, observer, sharing

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("figures/<slug:key>/", dashboard.records, name="records"),
    path("data-quality/", dashboard.data_quality, name="data_quality"),
    path("generate/", funder_reports.generate, name="generate"),
    path("archive/", funder_reports.archive, name="archive"),
    path("archive/<int:pk>/", funder_reports.report_detail, name="report_detail"),
    path("archive/<int:pk>/status/", funder_reports.report_status, name="report_status"),
    path("archive/<int:pk>/download/", funder_reports.download, name="download"),
    path("archive/<int:pk>/retry/", funder_reports.report_retry, name="report_retry"),
    path("narrative/", narratives_grants.narrative, name="narrative"),
    path("grants/", narratives_grants.grant_list, name="grant_list"),
    path("sharing/", sharing.sharing, name="sharing"),
    path("observer/", observer.observer, name="observer"),
    path("observer/trend/<slug:key>/", observer.observer_trend, name="observer_trend"),
    path("observer/reports/", observer.observer_archive, name="observer_archive"),
    path("observer/reports/<int:pk>/download/", observer.observer_download, name="observer_download"),
    path("grants/new/", narratives_grants.grant_edit, name="grant_create"),
    path("grants/<int:pk>/", narratives_grants.grant_detail, name="grant_detail"),
    path("grants/<int:pk>/edit/", narratives_grants.grant_edit, name="grant_edit"),
]
