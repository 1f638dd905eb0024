"""Search households by name, reference or address. A national ID may be searched too, but the form
posts, so the number is never part of a URL (and so never in an access log line); nothing is logged."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from boveileder.access import ALL_ROLES, role_required
from boveileder.national_id import normalise
from cases.forms.households import SearchForm
from cases.models import Household, Person

RESULTS = 50


@require_http_methods(["GET", "POST"])
@role_required(*ALL_ROLES)
def search(request):
    form = SearchForm(request.POST or None)
    results, more = None, False
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["q"].strip()
        visible = Household.objects.visible_to(request.user)
        digits = normalise(text)
        found = (
            visible.with_national_id(digits)
            if digits.isdigit() and len(digits) == 11
            else visible.search(text)
        )
        results = list(
            found.with_housing_facts(request.user)
            .select_related("counsellor")
            .prefetch_related(
                Prefetch("members", queryset=Person.objects.members(), to_attr="current_members")
            )
            .order_by("reference")[: RESULTS + 1]
        )
        more = len(results) > RESULTS
        results = results[:RESULTS]
    return render(request, "cases/search.html", {"form": form, "results": results, "more": more})
