"""The calendar feed of a staff member's deadlines: a page to make or renew its secret
address, and the feed itself, opened by the address's token alone (calendar clients cannot log in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from boveileder.access import ALL_ROLES, role_required
from cases.models import CalendarFeed
from cases.services.calendar import calendar_feed_ics, calendar_feed_renew, calendar_feed_user

# The new address is shown once, on the page the renewal lands on; only its hash is kept.
_SHOWN_ONCE = "calendar_feed_token"


@require_http_methods(["GET", "POST"])
@role_required(*ALL_ROLES)
def calendar_subscription(request):
    """Make or renew the secret address of one's calendar feed; the address is shown once."""
    if request.method == "POST":
        request.session[_SHOWN_ONCE] = calendar_feed_renew(user=request.user)
        messages.success(request, _("Your calendar has a new address. An earlier address no longer works."))
        return redirect("cases:calendar_subscription")
    token = request.session.pop(_SHOWN_ONCE, None)
    address = request.build_absolute_uri(reverse("cases:calendar_feed", args=[token])) if token else ""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "cases/calendar_subscription.html", {"feed": feed, "address": address})


@login_not_required
@require_GET
def calendar_feed(request, token):
    """The feed, to whoever holds the token (404 otherwise): household references and kinds of step only."""
    user = calendar_feed_user(token)
    if user is None:
        raise Http404
    body = calendar_feed_ics(user=user, today=timezone.localdate(), link=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="boveileder.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
