"""`{% offline_strings %}`: the words static/js/offline.js says, translated here.

JSON in a data attribute: the strict CSP runs no inline script, and the pages carry no <script> but
the site's own files (tests/boveileder/test_access_walk.py)."""

import json

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _strings() -> dict:
    return {
        "waiting_one": _("1 visit waits to be sent."),
        "waiting_other": _("%(n)s visits wait to be sent."),
        "waiting_none": _("No visits wait to be sent."),
        "see_them": _("See them"),
        "after_sign_in": _("They are sent once you have signed in."),
        "saved_at": _("saved"),
        "sent_at": _("sent"),
        "not_sent": _("not sent"),
        "tried_one": _("tried once"),
        "tried_other": _("tried %(n)s times"),
        "none_yet": _("None yet."),
        "correct": _("Correct the visit to %(reference)s"),
        "choose_household": _("Choose the household."),
        "enter_date": _("Enter the date."),
        "not_saved": _("The visit was not saved. Try again."),
        "saved_queued": _("The visit to %(reference)s is saved on this phone and sent when you are online."),
        "saved_sent": _("The visit to %(reference)s is saved."),
        "lost_at_save": _(
            "The connection was lost when you pressed Save. The visit is saved on this phone and sent when "
            "you are online."
        ),
        "logout_warning_one": _(
            "1 visit is not sent yet. It stays on this phone and is sent when you sign in again."
        ),
        "logout_warning": _(
            "%(n)s visits are not sent yet. They stay on this phone and are sent when you sign in again."
        ),
        "logout_anyway": _("Log out anyway"),
    }


@register.simple_tag
def offline_strings():
    return format_html(
        '<div id="offline-strings" hidden data-words="{}"></div>', json.dumps(_strings(), ensure_ascii=False)
    )
