"""Signing in and loading the signed-in user on every request."""

from django.contrib.auth import backends, get_user_model


class StaffBackend(backends.ModelBackend):
    """Django's model backend, loading the user's municipality with the user: every page names it
    in the menu bar, so this is one query less on every page."""

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
