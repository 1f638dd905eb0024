from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages with personal data are never cached by browsers or proxies; static files are exempt."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(("/static/", "/healthz")):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", no-store"
        return response


def otp_required_for(user) -> bool:
    """Two-factor login is required for everyone, or for managers and admins, as the settings say."""
    from django.conf import settings

    if not user.is_authenticated:
        return False
    if settings.OTP_REQUIRED_FOR_EVERYONE:
        return True
    return settings.OTP_REQUIRED_FOR_MANAGERS and (user.is_manager or user.is_staff or user.is_superuser)


class OTPRequiredMiddleware:
    """After the password, a user who needs two-factor login reaches nothing but the second step:
    the code (`otp_verify`) when a device is enrolled, otherwise the enrolment (`otp_setup`), unless
    they signed in through the municipality's provider and it did multi-factor.

    Placed after django_otp's OTPMiddleware, which tells whether this session is verified."""

    EXEMPT = {"otp_verify", "otp_setup", "logout", "set_language", "healthz", "login"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        match = request.resolver_match
        if match is None or match.url_name in self.EXEMPT or not otp_required_for(user):
            return None
        if user.is_verified():
            return None
        from boveileder.sso import SSO_MFA_SESSION_KEY

        # The municipality's provider did multi-factor at this sign-in (`amr` says `mfa`).
        if request.session.get(SSO_MFA_SESSION_KEY) is True:
            return None
        from django.contrib.auth.views import redirect_to_login
        from django_otp import user_has_device

        step = "otp_verify" if user_has_device(user, confirmed=True) else "otp_setup"
        return redirect_to_login(request.get_full_path(), login_url=step)
