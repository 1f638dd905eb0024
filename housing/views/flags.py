from django.shortcuts import render
from django.views.decorators.http import require_GET

from boveileder.access import role_required
from boveileder.models import Role
from housing.models import LongTenureFlag


@require_GET
@role_required(Role.OFFICER, Role.MANAGER)
def flag_queue(request):
    flags = (
        LongTenureFlag.objects.for_municipality(request.user.municipality_id)
        .unresolved()
        .select_related("tenancy__household", "tenancy__unit")
        .order_by("tenancy__start_date")
    )
    return render(request, "housing/flag_queue.html", {"flags": flags[:200]})
