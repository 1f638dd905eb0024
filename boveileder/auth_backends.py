"""Signing in and loading the signed-in user on every request."""

from django.contrib.auth import backends, get_user_model


def passwords_off_for(user) -> bool:
    """Whether the user's municipality signs its staff in through its provider only."""
    from boveileder.models import SingleSignOn

    if user.is_administrator or user.municipality_id is None:
        return False
    return SingleSignOn.objects.filter(
        municipality_id=user.municipality_id, enabled=True, local_passwords_off=True
    ).exists()


class StaffBackend(backends.ModelBackend):
    """Django's model backend, loading the user's municipality with the user: every page names it
    in the menu bar, so this is one query less on every page."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """The password, refused for staff of a municipality that has turned passwords off (they sign
        in through its provider; administrators keep theirs)."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and passwords_off_for(user):
            return None
        return user

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("municipality").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        model = get_user_model()
        try:
            user = await model._default_manager.select_related("municipality").aget(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
