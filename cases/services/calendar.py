"""A staff member's calendar feed: their deadlines as iCalendar, at a secret address.

The address holds a random token; only its SHA-256 is kept (the token has 256 bits, so a plain hash
is as hard to reverse as the token is to guess). Renewing replaces it: the old address stops working."""

import hashlib
import secrets
from datetime import date, timedelta

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from cases.deadlines import deadlines_for
from cases.models import CalendarFeed, Household

PRODUCT = "-//Boveileder//Frister//NB"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, user) -> str:
    """Give `user` a new secret feed address and return its token (shown once; only the hash is kept).
    An earlier address stops working."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def calendar_feed_user(token: str):
    """The active staff member whose feed the token opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(
            token_hash=_hash(token), user__is_active=True, user__municipality__isnull=False
        )
        .select_related("user")
        .first()
    )
    return feed.user if feed else None


def calendar_feed_ics(*, user, today: date, link) -> bytes:
    """The user's deadlines (the caseload's, one definition: `cases.deadlines`) as an iCalendar file:
    one all-day event per deadline, named by the household's reference and the kind of step only.
    `link(path)` makes a page's address absolute."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Boveileder")
    stamp = timezone.now()
    # In the product's first language (Norwegian Bokmål): a calendar client sends no language.
    with translation.override(settings.LANGUAGE_CODE):
        for deadline in deadlines_for(user, Household.objects.caseload_of(user), today):
            event = icalendar.Event()
            uid = f"{deadline.view}:{deadline.pk}:{deadline.kind}"
            event.add("uid", f"{hashlib.sha256(uid.encode()).hexdigest()[:32]}@boveileder")
            event.add("dtstamp", stamp)
            event.add("dtstart", deadline.due)
            event.add("dtend", deadline.due + timedelta(days=1))
            event.add("summary", f"{deadline.household_reference}: {deadline.kind_label}")
            event.add("url", link(deadline.url))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    return calendar.to_ical()
