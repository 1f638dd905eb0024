from django.urls import path

from housing.views import flags, tenancies, units
from housing.views import purchase as purchase_views

app_name = "housing"

urlpatterns = [
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
    path("startloans/<int:pk>/purchase/", purchase_views.startloan_purchase, name="startloan_purchase"),
]
