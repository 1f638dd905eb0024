"""Staff management for managers, under /staff/."""

from django.urls import path

from boveileder.views import staff as views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("<int:staff_pk>/", views.staff_detail, name="detail"),
    path("<int:staff_pk>/deactivate/", views.staff_deactivate, name="deactivate"),
    path("<int:staff_pk>/reactivate/", views.staff_reactivate, name="reactivate"),
    path("<int:staff_pk>/password/", views.staff_password, name="password"),
    path("<int:staff_pk>/two-factor/reset/", views.staff_otp_reset, name="otp_reset"),
]
