"""Innsyn: everything held about one person, as a file a manager hands to the person."""

import json

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from boveileder.access import get_for_user, role_required
from boveileder.models import Role
from cases.models import Household, Person
from cases.services.privacy import person_innsyn_export


@require_GET
@role_required(Role.MANAGER)
def person_innsyn(request, pk):
    """A JSON file of everything held about the person; the file name never holds the national ID."""
    visible = Person.objects.filter(household__in=Household.objects.visible_to(request.user))
    person = get_for_user(request.user, visible, pk=pk)
    export = person_innsyn_export(person=person, by=request.user)
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    name = f"innsyn-{person.household.reference}-{person.pk}-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
