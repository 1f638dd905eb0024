"""Logging a visit without a connection.

The device keeps one follow-up form that holds no household's data (`followup_offline`), cached by
the service worker; a visit saved on it waits in the service worker's queue (Workbox background
sync) and is sent to `followup_sync` with an id made on the device. That id is the form's one-time
token (`boveileder.once`): however often the queue replays the request, the visit is stored once,
and a replay is answered with the stored visit (`followup_sent`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from boveileder.access import get_for_user, role_required
from boveileder.models import Role
from boveileder.once import create_once
from cases.access import record_viewed
from cases.forms.followups import FollowUpForm
from cases.models import FollowUp, HeldFollowUp, Household
from cases.services.followups import followup_held_keep, followup_hold, followup_log


@require_GET
@role_required(Role.COUNSELLOR)
def followup_offline(request):
    """The follow-up form the phone keeps: the household is chosen on the device, by reference."""
    form = FollowUpForm(municipality=request.user.municipality_id)
    return render(request, "cases/offline/followup_offline.html", {"form": form})


@never_cache
@require_GET
@role_required(Role.COUNSELLOR)
def offline_token(request):
    """Who is signed in and a fresh CSRF token, asked for by the service worker before it sends."""
    return JsonResponse({"user": request.user.pk, "csrf": get_token(request)})


def _errors(form_or_error) -> dict:
    if isinstance(form_or_error, ValidationError):
        return {"__all__": form_or_error.messages}
    return {field: [str(message) for message in messages] for field, messages in form_or_error.errors.items()}


@require_POST
@role_required(Role.COUNSELLOR)
@create_once(tell=False)
def followup_sync(request, pk):
    """Store a visit sent from the device's queue: once per device-made id (the form token).

    Closed or moved to a colleague meanwhile: kept, and `followup_sent` tells the counsellor. Lost
    access (restricted meanwhile): kept aside for the manager, and nothing of the household is shown."""
    household = Household.objects.filter(municipality_id=request.user.municipality_id, pk=pk).first()
    if household is None:
        return JsonResponse({"errors": {"__all__": [_("This household is not found.")]}}, status=404)
    form = FollowUpForm(request.POST, municipality=household.municipality_id)
    if not form.is_valid():
        return JsonResponse({"errors": _errors(form)}, status=400)
    if not Household.objects.visible_to(request.user).filter(pk=household.pk).exists():
        held = followup_hold(household=household, by=request.user, **form.cleaned_data)
        return redirect("cases:followup_held", held.pk)
    try:
        followup = followup_log(household=household, by=request.user, while_offline=True, **form.cleaned_data)
    except ValidationError as error:
        return JsonResponse({"errors": _errors(error)}, status=400)
    return redirect("cases:followup_sent", followup.pk)


@never_cache
@require_GET
@role_required(Role.COUNSELLOR)
def followup_sent(request, pk):
    """The stored visit, as the device's queue is told: its reference, and what changed meanwhile."""
    followup = FollowUp.objects.select_related("household").filter(pk=pk, by=request.user).first()
    if followup is None:
        return JsonResponse({"errors": {"__all__": [_("This follow-up is not found.")]}}, status=404)
    household = followup.household
    notices = []
    if not household.is_open:
        notices.append(_("The case was closed while you were offline. The visit is kept on it."))
    if household.counsellor_id != request.user.pk:
        notices.append(_("The household is now followed by another counsellor. The visit is kept on it."))
    return JsonResponse(
        {"followup": followup.pk, "reference": household.reference, "date": followup.date, "notices": notices}
    )


@never_cache
@require_GET
@role_required(Role.COUNSELLOR)
def followup_held(request, pk):
    """A visit kept aside for the manager: the counsellor is told so, and nothing of the household."""
    if not HeldFollowUp.objects.filter(pk=pk, by=request.user).exists():
        return JsonResponse({"errors": {"__all__": [_("This follow-up is not found.")]}}, status=404)
    notice = _("You no longer have access to this household. The visit is kept for your manager.")
    return JsonResponse({"held": pk, "reference": "", "notices": [notice]})


@require_GET
@role_required(Role.MANAGER)
def held_list(request):
    """The manager's list of visits kept aside: reference, counsellor, dates; each note on its own page."""
    held = HeldFollowUp.objects.filter(municipality_id=request.user.municipality_id).select_related(
        "household", "by"
    )
    return render(request, "cases/offline/held_list.html", {"held": held})


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def held_detail(request, pk):
    """One visit kept aside, with its note; the manager puts it on the household's timeline."""
    held = get_for_user(request.user, HeldFollowUp.objects.select_related("household", "by"), pk=pk)
    record_viewed(request, household=held.household_id, what="followup")
    if request.method == "POST":
        try:
            followup_held_keep(held=held)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("cases:held_detail", held.pk)
        messages.success(request, _("The visit is on the household's timeline."))
        return redirect("cases:household_detail", held.household_id)
    return render(request, "cases/offline/held_detail.html", {"held": held})
