"""The session store: a session is refreshed by one UPDATE on every request, never brought back."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session

from boveileder.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_refreshing_a_session_is_one_query_and_keeps_what_it_holds(django_assert_num_queries):
    session = SessionStore()
    session["step"] = 1
    session.save()  # created: Django's own save
    loaded = SessionStore(session.session_key)
    loaded["step"] = 2  # loads it first
    with django_assert_num_queries(1):
        loaded.save()
    assert SessionStore(session.session_key)["step"] == 2


def test_a_session_deleted_meanwhile_is_not_brought_back():
    session = SessionStore()
    session["step"] = 1
    session.save()
    Session.objects.filter(session_key=session.session_key).delete()  # signed out in another tab
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.filter(session_key=session.session_key).exists()
