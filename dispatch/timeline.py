"""Dispatch's kinds of event on the household timeline (`cases.timeline`), registered from
`DispatchConfig.ready`, so cases words them without knowing dispatch."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from cases.timeline import Choice, kind_register
from dispatch.statuses import STATUS_LABELS


class DispatchKind(StrEnum):
    """The kinds of event dispatch writes on a household's timeline."""

    LETTER_SENT_SVARUT = "letter_sent_svarut"
    LETTER_REFUSED = "letter_refused"
    LETTER_NOT_DELIVERED = "letter_not_delivered"
    LETTER_STATUS = "letter_status"
    LETTER_POSTED = "letter_posted"


class _Statuses:
    """SvarUt's statuses as a choices-like object, so the timeline stores the code and shows the label."""

    choices = list(STATUS_LABELS.items())


def register() -> None:
    K = DispatchKind
    status = {"status": Choice(_Statuses, lower=True)}
    kind_register(K.LETTER_SENT_SVARUT, text=_("Decision letter sent through SvarUt"))
    kind_register(K.LETTER_REFUSED, text=_("SvarUt could not take the decision letter: send it by post"))
    kind_register(
        K.LETTER_NOT_DELIVERED,
        params=["status"],
        text=_("Decision letter: %(status)s; send it by post"),
        shown=status,
    )
    kind_register(
        K.LETTER_STATUS, params=["status"], text=_("Decision letter: %(status)s (SvarUt)"), shown=status
    )
    kind_register(K.LETTER_POSTED, text=_("Decision letter printed and posted"))
