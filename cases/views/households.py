from django.shortcuts import render
from django.views.decorators.http import require_GET

from boveileder.access import ALL_ROLES, get_for_user, role_required
from boveileder.models import Role
from cases.models import Household
from cases.services.timeline import record_view_log


@require_GET
@role_required(Role.COUNSELLOR, Role.MANAGER)
def caseload(request):
    households = (
        Household.objects.visible_to(request.user)
        .open()
        .filter(counsellor=request.user)
        .prefetch_related("members")
    )
    return render(request, "cases/caseload.html", {"households": households})


@require_GET
@role_required(*ALL_ROLES)
def household_detail(request, pk):
    household = get_for_user(request.user, Household.objects.visible_to(request.user), pk=pk)
    record_view_log(user=request.user, household=household, what="household")
    events = household.events.select_related("actor")[:100]
    members = household.members.members()
    return render(
        request, "cases/household_detail.html", {"household": household, "members": members, "events": events}
    )
