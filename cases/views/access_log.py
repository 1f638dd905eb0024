"""Innsynslogg for managers: who opened a household's or its members' records, and when."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from boveileder.access import get_for_user, role_required
from boveileder.models import Role
from boveileder.paging import keyset_page
from boveileder.params import int_param
from cases.models import Household

PAGE_SIZE = 50


@require_GET
@role_required(Role.MANAGER)
def household_access_log(request, pk):
    household = get_for_user(request.user, Household.objects.visible_to(request.user), pk=pk)
    before = int_param(request.GET.get("before"))
    views, last = keyset_page(
        household.record_views.select_related("user", "person"),
        keys=["id"],
        after=None if before is None else (before,),
        descending=True,
        size=PAGE_SIZE,
    )
    return render(
        request,
        "cases/access_log.html",
        {"household": household, "views": views, "next_before": last and last.id},
    )
