from django.urls import path

from housing.views import flags, units

app_name = "housing"

urlpatterns = [
    path("units/", units.unit_list, name="unit_list"),
    path("flags/", flags.flag_queue, name="flag_queue"),
]
