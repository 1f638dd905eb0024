from django.urls import path

from housing.views import flags, units
from housing.views import purchase as purchase_views  # issue 5

app_name = "housing"

urlpatterns = [
    path("units/", units.unit_list, name="unit_list"),
    path("flags/", flags.flag_queue, name="flag_queue"),
    # issue 5: the move-out after a purchase with a start-up loan
    path("startloans/<int:pk>/purchase/", purchase_views.startloan_purchase, name="startloan_purchase"),
]
