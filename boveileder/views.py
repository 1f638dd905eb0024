import logging
from urllib.parse import urlsplit

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from .access import login_only
from .models import Role

logger = logging.getLogger(__name__)

LANDING = (
    (Role.COUNSELLOR, "cases:caseload"),
    (Role.OFFICER, "housing:flag_queue"),
    (Role.MANAGER, "reports:dashboard"),
)


@require_GET
@login_only
def home(request):
    """Each role lands on what it does first; a counsellor who also manages lands on the caseload."""
    user = request.user
    for role, url_name in LANDING:
        if user.municipality_id and user.has_role(role):
            return redirect(url_name)
    if user.is_superuser:
        return redirect("admin:index")
    return render(request, "no_role.html", status=403)


class LoginForm(AuthenticationForm):
    """Django's login form; staff of a municipality that has turned passwords off are told to use its
    button (told by the municipality in the name, `kari@alesund`, so no account's existence shows)."""

    def clean(self):
        from .models import SingleSignOn

        username = self.cleaned_data.get("username") or ""
        if "@" in username:
            slug = username.rsplit("@", 1)[1].lower()
            provider = (
                SingleSignOn.objects.filter(municipality__slug=slug, enabled=True, local_passwords_off=True)
                .select_related("municipality")
                .first()
            )
            if provider:
                raise ValidationError(
                    _("Staff of %(name)s sign in with the municipality's account: use the button above.")
                    % {"name": provider.municipality.name}
                )
        return super().clean()


class LoginView(auth_views.LoginView):
    """Django's login page; a signed-in user sent back to it (`?next=/login/`) lands on the start page
    instead of Django's redirect-loop error (a 500)."""

    redirect_authenticated_user = True
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        """The municipalities whose staff may sign in with their own accounts, each a button."""
        from .models import SingleSignOn

        context = super().get_context_data(**kwargs)
        try:
            context["sso_providers"] = list(
                SingleSignOn.objects.filter(enabled=True)
                .select_related("municipality")
                .order_by("municipality__name")
            )
        except DatabaseError:
            # The password form still shows on a database not migrated yet (`make run`'s first start).
            logger.exception("the login page could not read the municipalities' single sign-on")
            context["sso_providers"] = []
        return context

    def form_valid(self, form):
        """A password sign-in carries nothing over from an earlier single sign-on in this browser."""
        from .sso import SSO_LOGOUT_SESSION_KEY, SSO_MFA_SESSION_KEY

        response = super().form_valid(form)
        for key in (SSO_MFA_SESSION_KEY, SSO_LOGOUT_SESSION_KEY):
            self.request.session.pop(key, None)
        return response

    def get_redirect_url(self):
        url = super().get_redirect_url()
        return "" if url and urlsplit(url).path == self.request.path else url


@login_not_required
@require_GET
def healthz(request):
    """Liveness for load balancers: the database, and Redis when configured."""
    from django.conf import settings

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:
            checks["redis"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@requires_csrf_token
def server_error(request):
    """The 500 page in the site's layout and the reader's language (Django's own renders it with
    no request, so without either). If the layout itself fails (the database is down, say), a
    plain page in both languages."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        return HttpResponseServerError(loader.get_template("500_plain.html").render())
