from django.urls import path

from cases.views import households

app_name = "cases"

urlpatterns = [
    # --- households, caseload, follow-ups, consents (issue 3)
    path("", households.caseload, name="caseload"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    # --- start-up loans (issue 5)
    # --- individual decisions (issue 8)
]
