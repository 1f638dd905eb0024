"""The funder observer's fence: it reaches its own screens and nothing else. Any other page, a
household's above all, answers 404, as if it did not exist."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

# `access_roles` of the observer's views, for the access walk.
FUNDER_OBSERVER = ("*funder-observer*",)
OPEN_TO_OBSERVERS = {"login", "logout", "set_language", "healthz", "otp_verify", "otp_setup"}


def observer_of(user):
    """The user's FunderObserver, or None. Staff of a municipality never are one: no query for them."""
    if not user.is_authenticated or user.municipality_id is not None or user.is_staff or user.is_superuser:
        return None
    from reports.models import FunderObserver

    return FunderObserver.objects.filter(user=user).first()


class ObserverFenceMiddleware:
    """An observer signed in reaches its screens (reports:observer*), the login steps and logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        observer = observer_of(request.user)
        request.funder_observer = observer
        if observer is None or request.resolver_match is None:
            return None
        match = request.resolver_match
        if match.namespace == "reports" and match.url_name.startswith("observer"):
            return None
        if match.url_name == "home" and not match.namespace:
            return redirect("reports:observer")
        if match.url_name in OPEN_TO_OBSERVERS and not match.namespace:
            return None
        raise Http404


def observer_required(view):
    """Open the view to funder observers only; anyone else signed in gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        observer = getattr(request, "funder_observer", None) or observer_of(request.user)
        if observer is None:
            raise PermissionDenied
        request.funder_observer = observer
        return view(request, *args, **kwargs)

    wrapped.access_roles = FUNDER_OBSERVER
    return wrapped
