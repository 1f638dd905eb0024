"""The one door to a household's record for a page: fetched through `get_for_user` (404 outside the
user's municipality or a household they may not open) and logged in the innsynslogg when the page
shows it. Every view that shows one household's personal data fetches its record here, so a new
view cannot show a record without logging it (tests/cases/test_access_log_walk.py walks every URL)."""

from operator import attrgetter

from boveileder.access import get_for_user
from cases.services.timeline import record_view_log

SHOWING_METHODS = ("GET", "HEAD")


def record_viewed(request, *, household, what: str, person=None) -> None:
    """Log that the signed-in user is shown a household's record (`household`: it or its id).

    Only for a page that shows it (GET); a form posted back changes the record, and the change is
    kept in its history and on the timeline."""
    if request.method in SHOWING_METHODS:
        record_view_log(user=request.user, household=household, person=person, what=what)


def get_record_for(request, queryset, *, what: str, household=attrgetter("household_id"), **lookup):
    """`get_for_user`, and one innsynslogg row for the record's household when the page shows it.

    `household` gives the household (or its id) of the record fetched; a person's view logs the person."""
    from cases.models import Household, Person

    record = get_for_user(request.user, queryset, **lookup)
    owner = record if isinstance(record, Household) else household(record)
    record_viewed(request, household=owner, what=what, person=record if isinstance(record, Person) else None)
    return record
