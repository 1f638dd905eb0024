from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from boveileder import sso
from boveileder.views import municipality as views_municipality
from boveileder.views import offline as views_offline
from boveileder.views import otp as otp_views
from boveileder.views import profile as views_profile
from boveileder.views import site as views

handler500 = "boveileder.views.site.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("cases.urls_root")),  # the service worker, whose scope is the whole site
    path("manifest.webmanifest", views_offline.manifest, name="manifest"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", sso.logout, name="logout"),
    path("login/sso/callback/", sso.SignInCallback.as_view(), name="sso_callback"),
    path("login/sso/<slug:slug>/", sso.SignInStart.as_view(), name="sso_login"),
    path("login/code/", otp_views.otp_verify, name="otp_verify"),
    path("login/two-factor/", otp_views.otp_setup, name="otp_setup"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("housing/", include("housing.urls")),
    path("exchange/", include("exchange.urls")),
    path("reports/", include("reports.urls")),
    path("journal/", include("journal.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("staff/", include("boveileder.urls_staff")),
    path("municipality/", views_municipality.municipality_contact, name="municipality_contact"),
    path("municipality/sso/", views_municipality.municipality_sso, name="municipality_sso"),
    path("me/", views_profile.profile, name="profile"),
    path("me/views/save/", views_profile.saved_view_save, name="saved_view_save"),
    path("me/views/<int:pk>/delete/", views_profile.saved_view_remove, name="saved_view_remove"),
]
# Generated files (reports, letters) are never served from MEDIA_URL: only through views that check access.
