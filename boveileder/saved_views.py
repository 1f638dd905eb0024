"""Saved views: a list page's filter kept under a name and found in the menu.

Which pages may be saved, and which of their query parameters, is filled in by each app from its
`AppConfig.ready` (`saveable(...)`), so the core app names no page of cases or housing. The menu reads
the user's saved views from the session, not the database: the list is put there at login and renewed
when one is saved or deleted, so no page pays a query for the menu."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from boveileder.logging import redact
from boveileder.text import has_control_characters

SESSION_KEY = "saved_views"
MAX_QUERY = 500


@dataclass(frozen=True)
class SaveablePage:
    url_name: str
    label: object  # a lazy translation: what the menu calls the page
    params: frozenset[str]  # the filter's query parameters; paging ones are left out
    roles: frozenset[str]


PAGES: dict[str, SaveablePage] = {}


def saveable(url_name: str, *, label, params, roles) -> None:
    """Declare a list page whose filter a user may save (called from an app's `ready`)."""
    PAGES[url_name] = SaveablePage(url_name, label, frozenset(params), frozenset(roles))


def page_for(user, url_name: str) -> SaveablePage | None:
    page = PAGES.get(url_name)
    return page if page is not None and user.has_role(*page.roles) else None


def clean_query(page: SaveablePage, query: str) -> str:
    """The filter part of a query string, in a stable order; refuses a national ID or a control
    character anywhere in it (the national ID is never in a URL)."""
    if len(query) > MAX_QUERY or has_control_characters(query):
        raise ValidationError({"query": _("That filter cannot be saved. Choose it again on the page.")})
    kept = [
        (key, value)
        for key, values in sorted(QueryDict(query).lists())
        if key in page.params
        for value in values
        if value != ""
    ]
    for _key, value in kept:
        if redact(value) != value:
            raise ValidationError(
                {"query": _("A saved view may not hold a national ID. Search by reference.")}
            )
    return urlencode(kept)


def menu(request) -> list:
    """The signed-in user's saved views for the menu, from the session (put there at login)."""
    session = getattr(request, "session", None)
    if session is None:  # an error page rendered before the session middleware ran
        return []
    if SESSION_KEY not in session:  # a session begun before saved views existed
        menu_refresh(request)
    return session[SESSION_KEY]


def menu_refresh(request, user=None) -> None:
    """Put the user's saved views in the session: at login, and after one is saved or deleted."""
    from boveileder.services.saved_views import saved_views_menu

    request.session[SESSION_KEY] = saved_views_menu(user or request.user)


def on_login(sender, request, user, **kwargs):
    """`user_logged_in` receiver: the menu's saved views come with the new session."""
    if request is not None and hasattr(request, "session") and user.municipality_id is not None:
        menu_refresh(request, user)


def without_national_ids(query: str) -> str:
    """The query string less every parameter holding a national ID: what a refused form may show again."""
    if len(query) > MAX_QUERY or has_control_characters(query):
        return ""
    return urlencode([(key, value) for key, value in QueryDict(query).items() if redact(value) == value])
