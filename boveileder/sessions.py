"""The session store: Django's database sessions, their idle deadline pushed back by one statement,
at most once a minute."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import router
from django.utils import timezone

# A session whose idle deadline was pushed back less than this long ago is not written again for a
# request that changed nothing in it: the idle timeout holds to within this much, and most pages
# write nothing at all.
REFRESH_EVERY = timedelta(seconds=60)


class SessionStore(db.SessionStore):
    """Every request saves the session (SESSION_SAVE_EVERY_REQUEST: the idle timeout). Django wraps
    that save in a transaction, BEGIN, UPDATE, COMMIT: three round trips on every page. Refreshing an
    existing session is one UPDATE, atomic by itself, so it is sent alone, and only when its data
    changed or its deadline was last pushed back more than REFRESH_EVERY ago. Creating one is
    Django's."""

    _loaded_expiry = None

    def _get_session_from_db(self):
        found = super()._get_session_from_db()
        self._loaded_expiry = found.expire_date if found is not None else None
        return found

    def _fresh(self) -> bool:
        """Unchanged, and its deadline pushed back within the last REFRESH_EVERY."""
        if self.modified or self._loaded_expiry is None or self.get("_session_expiry") is not None:
            return False  # changed, new, or with a deadline of its own (set_expiry)
        pushed_at = self._loaded_expiry - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        return timezone.now() - pushed_at < REFRESH_EVERY

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        if self._fresh():
            return None
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        updated = (
            self.model._default_manager.using(using)
            .filter(session_key=obj.session_key)
            .update(session_data=obj.session_data, expire_date=obj.expire_date)
        )
        if not updated:  # deleted meanwhile (signed out in another tab): as Django's own save
            raise UpdateError
        self._loaded_expiry = obj.expire_date
        return None
