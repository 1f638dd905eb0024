"""Recording a letter posted by hand (without SvarUt, or when SvarUt could not deliver it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boveileder.access import require_same_municipality, role_required
from boveileder.models import Role
from cases.models import DecisionLetter, Household
from dispatch import services
from dispatch.forms import LetterPostForm


@require_POST
@role_required(Role.COUNSELLOR, Role.MANAGER)
def letter_post(request, letter_pk):
    letter = get_object_or_404(
        DecisionLetter.objects.select_related("decision__household"),
        pk=letter_pk,
        decision__household__in=Household.objects.visible_to(request.user),
    )
    require_same_municipality(request.user, letter.decision.household.municipality_id)
    form = LetterPostForm(request.POST, prefix=f"post-{letter.pk}")
    if form.is_valid():
        try:
            services.letter_post(letter=letter, posted_on=form.cleaned_data["posted_on"], by=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The posting of the letter is recorded."))
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("cases:decision_detail", letter.decision_id)
