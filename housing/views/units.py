from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.views.decorators.http import require_GET

from boveileder.access import role_required
from boveileder.models import Role
from housing.models import RentalUnit, Tenancy


@require_GET
@role_required(Role.OFFICER, Role.MANAGER)
def unit_list(request):
    running = Tenancy.objects.active().filter(unit=OuterRef("pk"))
    units = RentalUnit.objects.for_municipality(request.user.municipality_id).annotate(is_let=Exists(running))
    return render(request, "housing/unit_list.html", {"units": units[:200]})
