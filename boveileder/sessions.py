"""The session store: Django's database sessions, refreshed by one statement on every request."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import router


class SessionStore(db.SessionStore):
    """Every request saves the session (SESSION_SAVE_EVERY_REQUEST: the idle timeout). Django wraps
    that save in a transaction, BEGIN, UPDATE, COMMIT: three round trips on every page. Refreshing an
    existing session is one UPDATE, atomic by itself, so it is sent alone. Creating one is Django's."""

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        updated = (
            self.model._default_manager.using(using)
            .filter(session_key=obj.session_key)
            .update(session_data=obj.session_data, expire_date=obj.expire_date)
        )
        if not updated:  # deleted meanwhile (signed out in another tab): as Django's own save
            raise UpdateError
