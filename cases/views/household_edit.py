"""Editing a household's details and a member's particulars; showing a national ID on request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from boveileder.access import get_for_user, role_required
from boveileder.models import Role
from cases.forms.household_edit import HouseholdEditForm, PersonEditForm
from cases.models import Household, Person
from cases.services.household_edit import household_update, person_update
from cases.services.timeline import record_view_log


def _person_for(user, pk):
    """A person of a household the user may open (a restricted household: 404)."""
    return get_for_user(
        user,
        Person.objects.select_related("household").filter(household__in=Household.objects.visible_to(user)),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
def household_edit(request, pk):
    """Counsellor (a manager reassigns), housing at the start, enrolment date, notes."""
    household = get_for_user(
        request.user, Household.objects.visible_to(request.user).select_related("counsellor"), pk=pk
    )
    form = HouseholdEditForm(request.POST or None, instance=household, user=request.user)
    if request.method == "GET":
        record_view_log(
            user=request.user, household=household, what="household"
        )  # read as the household page
    if request.method == "POST" and form.is_valid():
        try:
            household_update(household=household, by=request.user, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The household is updated."))
            return redirect("cases:household_detail", household.pk)
    return render(request, "cases/edit/household_form.html", {"household": household, "form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
def person_edit(request, pk):
    """A member's particulars; the national ID is shown masked, a new one may be written."""
    person = _person_for(request.user, pk)
    form = PersonEditForm(request.POST or None, person=person)
    if request.method == "GET":
        record_view_log(user=request.user, household=person.household, person=person, what="person_edit")
    if request.method == "POST" and form.is_valid():
        try:
            person_update(person=person, by=request.user, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
            person.refresh_from_db()  # the page shows the registered particulars, not the refused ones
        else:
            messages.success(request, _("The particulars of %(name)s are updated.") % {"name": person})
            return redirect("cases:person_detail", person.pk)
    return render(request, "cases/edit/person_form.html", {"person": person, "form": form})


@require_POST
@role_required(Role.COUNSELLOR, Role.MANAGER)
def person_national_id(request, pk):
    """Show the full national ID, on an explicit request that is itself logged (innsynslogg).

    By POST, so the page is never reached by a link, a prefetch or the browser's history."""
    person = _person_for(request.user, pk)
    record_view_log(user=request.user, household=person.household, person=person, what="national_id_shown")
    response = render(request, "cases/edit/national_id.html", {"person": person})
    add_never_cache_headers(response)
    return response
