from django.shortcuts import render
from django.views.decorators.http import require_GET

from boveileder.access import role_required
from boveileder.models import Role


@require_GET
@role_required(Role.MANAGER)
def dashboard(request):
    return render(request, "reports/dashboard.html", {})
