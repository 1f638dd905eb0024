"""Who may see what. Every view declares its roles with `role_required`; every object is fetched
through `get_for_user`, which answers 404 outside the user's municipality so ids leak nothing."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Role

ALL_ROLES = (Role.COUNSELLOR, Role.OFFICER, Role.MANAGER)
# `access_roles` of a view any signed-in user may open (the landing page, the two-factor steps).
ANY_SIGNED_IN = ("*signed-in*",)


def login_only(view):
    """Declare a view open to any signed-in user, role or not (login itself is enforced by middleware).

    Declared so that the access test walking every URL knows it was meant, not forgotten.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.access_roles = ANY_SIGNED_IN
    return wrapped


def role_required(*roles):
    """Allow staff holding any of `roles`; others get 403. Login itself is enforced by middleware.

    The roles are kept on the view (`view.access_roles`) so the access test can walk every URL.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if user.municipality_id is None or not user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_roles = tuple(roles)
        return wrapped

    return decorator


def get_for_user(user, queryset, **lookup):
    """One object of the user's municipality, or 404. `queryset` must have `for_municipality`."""
    if user.municipality_id is None:
        raise Http404
    return get_object_or_404(queryset.for_municipality(user.municipality_id), **lookup)


def require_same_municipality(user, obj_municipality_id) -> None:
    if user.municipality_id is None or user.municipality_id != obj_municipality_id:
        raise Http404
