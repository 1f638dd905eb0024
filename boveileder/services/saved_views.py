"""Saved views: a staff member keeps a list page's filter under a name."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boveileder.constraints import said_on_field
from boveileder.models import SavedView, User
from boveileder.saved_views import clean_query, page_for

MAX_PER_USER = 30


def saved_views_menu(user: User) -> list[tuple[str, str]]:
    """The user's saved views as the menu shows them: (name, URL), by name."""
    return [(view.name, view.url) for view in SavedView.objects.filter(user=user)]


@transaction.atomic
def saved_view_create(*, user: User, name: str, url_name: str, query: str) -> SavedView:
    """Save the filter `query` of the page `url_name` under `name`; only the page's own filter
    parameters are kept, and never a national ID."""
    page = page_for(user, url_name)
    if page is None:
        raise ValidationError({"url_name": _("This page cannot be saved as a view.")})
    if SavedView.objects.filter(user=user).count() >= MAX_PER_USER:
        raise ValidationError(
            {"name": _("You have %(count)s saved views. Delete one first.") % {"count": MAX_PER_USER}}
        )
    view = SavedView(user=user, name=name.strip(), url_name=url_name, query=clean_query(page, query))
    view.full_clean()
    with said_on_field(SavedView):
        view.save()
    return view


def saved_view_delete(*, user: User, pk: int) -> bool:
    """Delete one of the user's own saved views; returns whether there was one."""
    deleted, _rows = SavedView.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)
