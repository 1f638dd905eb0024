"""Members of a household: add (with the possible-duplicate check), the person page, removal."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boveileder.access import ALL_ROLES, role_required
from boveileder.forms import add_form_errors
from boveileder.models import Role
from boveileder.once import create_once
from boveileder.params import int_param
from cases.access import get_record_for
from cases.forms.households import PersonForm, PersonRemoveForm
from cases.models import Household, Person
from cases.selectors import person_possible_duplicates
from cases.services.households import person_add as add_service
from cases.services.households import person_link
from cases.services.households import person_remove as remove_service


@dataclass
class DuplicateCheck:
    """What the possible-duplicate check found for a person about to be registered."""

    show: bool = False
    link: Person | None = None
    visible: list = field(default_factory=list)
    hidden: int = 0
    same_national_id: bool = False


def resolve_duplicates(request, person_form, *, municipality) -> DuplicateCheck:
    """Possible matches are shown before saving; the counsellor links to one, or confirms a new
    person (not possible with the same national ID). Matches in households the user may not open
    are only counted."""
    data = person_form.cleaned_data
    found = list(
        person_possible_duplicates(
            municipality=municipality,
            national_id=data.get("national_id", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            birth_date=data.get("birth_date"),
        )
    )
    if not found:
        return DuplicateCheck()
    open_ids = set(
        Household.objects.visible_to(request.user)
        .filter(pk__in={p.household_id for p in found})
        .values_list("pk", flat=True)
    )
    visible = [p for p in found if p.household_id in open_ids]
    check = DuplicateCheck(
        visible=visible,
        hidden=len(found) - len(visible),
        same_national_id=bool(data.get("national_id"))
        and any(p.national_id == data["national_id"] for p in found),
    )
    link_id = int_param(request.POST.get("link_person"))
    if link_id is not None:
        check.link = next((p for p in visible if p.pk == link_id), None)
        if check.link:
            return check
    if request.POST.get("confirm_new") and not check.same_national_id:
        return DuplicateCheck()
    check.show = True
    return check


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
@create_once
def person_add(request, pk):
    household = get_record_for(request, Household.objects.visible_to(request.user), what="member_form", pk=pk)
    form = PersonForm(request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        outcome = resolve_duplicates(request, form, municipality=request.user.municipality)
        if outcome.show:
            duplicates = outcome
        else:
            try:
                if outcome.link:
                    person = person_link(household=household, person=outcome.link, by=request.user)
                else:
                    person = add_service(household=household, by=request.user, **form.person_fields())
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("%(name)s is a member of the household.") % {"name": person})
                return redirect("cases:household_detail", household.pk)
    return render(
        request, "cases/person_form.html", {"household": household, "form": form, "duplicates": duplicates}
    )


def _person_for(request, pk, what):
    """A member of a household the user may open; the page showing them is logged (innsynslogg)."""
    visible = Household.objects.visible_to(request.user)
    return get_record_for(
        request, Person.objects.select_related("household").filter(household__in=visible), what=what, pk=pk
    )


@require_GET
@role_required(*ALL_ROLES)
def person_detail(request, pk):
    """A person's record; every opening is logged (innsynslogg)."""
    person = _person_for(request, pk, "person")
    consents = person.consents.select_related("agency")
    return render(request, "cases/person_detail.html", {"person": person, "consents": consents})


@require_http_methods(["GET", "POST"])
@role_required(Role.COUNSELLOR, Role.MANAGER)
@create_once
def person_remove(request, pk):
    person = _person_for(request, pk, "person_remove")
    form = PersonRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            remove_service(person=person, by=request.user, on=form.cleaned_data["left_on"])
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("%(name)s has left the household.") % {"name": person})
            return redirect("cases:household_detail", person.household_id)
    return render(request, "cases/person_remove.html", {"person": person, "form": form})
