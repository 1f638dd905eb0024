"""E-mails that bring the day's work to the staff: the reminder of what is due, the notice of a
decision waiting for approval and of households handed over. E-mail is not a safe channel, so each
holds counts, household references and links only: never a name, a note or a national ID."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from boveileder.models import User
from cases.deadlines import deadlines_for
from cases.models import Decision, Household

logger = logging.getLogger(__name__)

REFERENCES_LISTED = 20  # beyond this the e-mail says how many more, and the caseload lists them


def _link(view: str, *args) -> str:
    return settings.SITE_URL + reverse(view, args=args)


@dataclass(frozen=True)
class Item:
    """One line of an e-mail: a household reference and where to act on it."""

    reference: str
    url: str


@dataclass
class ReminderDigest:
    due_today: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    flags_referred: list[Item] = field(default_factory=list)
    decisions_to_approve: list[Item] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.due_today or self.overdue or self.flags_referred or self.decisions_to_approve)


def reminder_digest(*, user: User, today: date) -> ReminderDigest:
    """What the reminder tells `user` on `today`: the caseload's deadlines due today and overdue (the
    caseload's own definition, `deadlines_for`), flags referred to them, decisions awaiting their approval."""
    digest = ReminderDigest()
    caseload = Household.objects.caseload_of(user)
    for deadline in deadlines_for(user, caseload, today):
        item = Item(deadline.household_reference, settings.SITE_URL + deadline.url)
        if deadline.due == today:
            digest.due_today.append(item)
        elif deadline.due < today:
            digest.overdue.append(item)
    referred = caseload.filter(pk__in=Household.objects.referred_to(user).values("pk")).order_by("reference")
    digest.flags_referred = [
        Item(reference, _link("cases:household_detail", pk))
        for pk, reference in referred.values_list("pk", "reference")
    ]
    waiting = Decision.objects.for_attention_of(user).filter(status=Decision.Status.SUBMITTED)
    digest.decisions_to_approve = [
        Item(decision.household.reference, _link("cases:decision_detail", decision.pk))
        for decision in waiting
    ]
    return digest


def _message(*, user: User, subject: str, template: str, context: dict, connection=None) -> EmailMessage:
    # Staff have no language of their own yet: the e-mail speaks the site's (Norwegian Bokmål).
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            template, {"limit": REFERENCES_LISTED, "minus_limit": -REFERENCES_LISTED, **context}
        )
        subject = str(subject)
    return EmailMessage(subject=subject, body=body, to=[user.email], connection=connection)


def reminder_send(*, user: User, today: date, connection=None) -> bool:
    """Send `user` their reminder for `today` unless it went out already or there is nothing to tell;
    returns whether one was sent. The day is claimed before sending and given back if sending fails."""
    if not user.email:
        return False
    claimed = (
        User.objects.filter(pk=user.pk)
        .filter(Q(reminders_sent_on__isnull=True) | Q(reminders_sent_on__lt=today))
        .update(reminders_sent_on=today)
    )
    if not claimed:
        return False
    previous = user.reminders_sent_on
    digest = reminder_digest(user=user, today=today)
    if digest.empty:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = translation.gettext("Boveileder: your day, %(date)s") % {"date": today.strftime("%d.%m.%Y")}
    message = _message(
        user=user,
        subject=subject,
        template="cases/email/reminder.txt",
        context={
            "digest": digest,
            "caseload_url": _link("cases:caseload"),
            "profile_url": _link("profile"),
        },
        connection=connection,
    )
    try:
        message.send()
    except Exception:
        User.objects.filter(pk=user.pk, reminders_sent_on=today).update(reminders_sent_on=previous)
        raise
    logger.info("reminder sent to staff %s", user.pk)
    return True


def reminders_due(today: date):
    """The staff whose reminder goes out on `today`: active, of a municipality, with an e-mail address;
    daily ones every day, weekly ones on Mondays."""
    wanted = [User.Reminders.DAILY] + ([User.Reminders.WEEKLY] if today.weekday() == 0 else [])
    return (
        User.objects.filter(is_active=True, municipality__isnull=False, reminders__in=wanted)
        .exclude(email="")
        .order_by("pk")
    )


def reminders_send(*, today: date | None = None) -> int:
    """Send every reminder due today over one SMTP connection; returns how many went out. One failing
    address does not stop the others: it is logged (by staff id) and tried again at the next run."""
    today = today or timezone.localdate()
    sent = 0
    with get_connection() as connection:
        for user in reminders_due(today).iterator():
            try:
                sent += reminder_send(user=user, today=today, connection=connection)
            except Exception:
                logger.exception("reminder to staff %s failed", user.pk)
    return sent


def decision_submitted_notify(*, decision: Decision) -> bool:
    """Tell the named approver at once that a decision waits for them; nothing if it no longer does."""
    approver = decision.approver
    if decision.status != Decision.Status.SUBMITTED or approver is None or not approver.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = translation.gettext("Boveileder: a decision waits for your approval")
    _message(
        user=approver,
        subject=subject,
        template="cases/email/decision_submitted.txt",
        context={
            "reference": decision.household.reference,
            "url": _link("cases:decision_detail", decision.pk),
        },
    ).send()
    logger.info("decision %s: approver %s told", decision.pk, approver.pk)
    return True


def handover_notify(*, to_user: User, household_ids: list[int]) -> bool:
    """Tell a counsellor which households were handed over to them (references and links only)."""
    if not household_ids or not to_user.email:
        return False
    rows = (
        Household.objects.filter(pk__in=household_ids, counsellor=to_user)
        .order_by("reference")
        .values_list("pk", "reference")
    )
    items = [Item(reference, _link("cases:household_detail", pk)) for pk, reference in rows]
    if not items:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = translation.ngettext(
            "Boveileder: %(count)s household handed over to you",
            "Boveileder: %(count)s households handed over to you",
            len(items),
        ) % {"count": len(items)}
    _message(
        user=to_user,
        subject=subject,
        template="cases/email/handover.txt",
        context={"items": items, "caseload_url": _link("cases:caseload")},
    ).send()
    logger.info("handover: staff %s told of %s households", to_user.pk, len(items))
    return True
