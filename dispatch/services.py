"""Sending decision letters on: through SvarUt where the municipality has set it up, else printed and
posted by hand, recorded with its date. Exactly once: the shipment is recorded before it is sent,
and a send that may have reached SvarUt is looked up by its reference before it is sent again."""

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boveileder import dates
from boveileder.leases import lease_held, lease_kept, lease_take
from boveileder.queueing import queue_after_commit
from cases.models import Decision, DecisionLetter
from cases.services.decisions import decision_delivered
from cases.services.timeline import timeline_record
from cases.signals import letter_dispatched
from dispatch import svarut
from dispatch.maskinporten import MaskinportenError
from dispatch.models import Shipment, ShipmentStatus, SvarUtAccount
from dispatch.statuses import DELIVERED, FINAL, NOT_DELIVERED, STATUS_LABELS
from dispatch.timeline import DispatchKind

logger = logging.getLogger(__name__)

RECOVER_AFTER = timedelta(minutes=2)  # a pending shipment without a live send this long is sent again
CATCH_UP_DAYS = 2  # a letter made this recently without a shipment gets one (its signal was lost)


def account_for(municipality_id: int) -> SvarUtAccount | None:
    """The municipality's SvarUt account, if it sends letters through SvarUt."""
    return SvarUtAccount.objects.filter(municipality_id=municipality_id, enabled=True).first()


# --- the timeline: every event of this app is written here -------------------------------------


def _timeline(shipment: Shipment, kind: str, on: date, *, params=None, by=None) -> None:
    """The one place dispatch writes on the household's timeline (its kinds: `dispatch.timeline`)."""
    decision = shipment.letter.decision
    timeline_record(household=decision.household, kind=kind, params=params, on=on, by=by, subject=decision)


def _dispatched(shipment: Shipment, on: date, channel: str) -> None:
    letter = shipment.letter
    transaction.on_commit(
        lambda: letter_dispatched.send(sender=Shipment, letter=letter, on=on, channel=channel)
    )


# --- recording and sending ----------------------------------------------------------------------


def letter_rendered_receive(sender, letter: DecisionLetter, **kwargs) -> None:
    """A letter was made: where the municipality uses SvarUt, record its shipment and send it."""
    shipment = shipment_record(letter=letter)
    if shipment is not None and shipment.state == Shipment.State.PENDING:
        _queue_send(shipment.pk)


@transaction.atomic
def shipment_record(*, letter: DecisionLetter) -> Shipment | None:
    """Record the letter's SvarUt shipment (once) before anything is sent; None without SvarUt."""
    municipality_id = (
        Decision.objects.filter(pk=letter.decision_id)
        .values_list("household__municipality_id", flat=True)
        .get()
    )
    if account_for(municipality_id) is None:
        return None
    shipment, _created = Shipment.objects.get_or_create(
        letter=letter, defaults={"channel": Shipment.Channel.SVARUT}
    )
    return shipment


def _queue_send(shipment_id: int) -> None:
    from dispatch.tasks import shipment_send

    queue_after_commit(shipment_send, shipment_id)  # lost: shipments_poll sends it after RECOVER_AFTER


def _lease(shipment_id: int) -> str:
    return f"shipment:{shipment_id}"


def shipment_send(*, shipment_id: int) -> Shipment:
    """Send a recorded shipment to SvarUt once. Safe to run twice, at once or after a crash: a live
    send holds the lease; a send that may have reached SvarUt is looked up before sending again.
    Raises SvarUtError or MaskinportenError when SvarUt could not be reached (the task retries)."""
    name = _lease(shipment_id)
    token = lease_take(name)
    if token is None:
        return Shipment.objects.get(pk=shipment_id)
    with lease_kept(name, token):
        return _send(shipment_id)


def _loaded(shipment_id: int) -> Shipment:
    return Shipment.objects.select_related(
        "letter__decision__household__municipality__svarut_account", "letter__decision__person"
    ).get(pk=shipment_id)


def _send(shipment_id: int) -> Shipment:
    shipment = _loaded(shipment_id)
    if shipment.state != Shipment.State.PENDING:
        return shipment
    account = shipment.letter.decision.household.municipality.svarut_account
    try:
        if shipment.sends:
            found = svarut.find(account, shipment.external_ref)
            if found:
                return _sent(shipment, found[0])
        # Counted (committed) before the send: a run after this one must look SvarUt up first.
        Shipment.objects.filter(pk=shipment.pk).update(sends=F("sends") + 1)
        shipment_id_at_svarut = transmit(account, shipment)
    except svarut.SvarUtError as error:
        if error.refused:
            return _failed(shipment, str(error))
        _note_error(shipment, str(error))
        raise
    except MaskinportenError as error:
        _note_error(shipment, str(error))
        raise
    return _sent(shipment, shipment_id_at_svarut)


def transmit(account: SvarUtAccount, shipment: Shipment) -> str:
    """The letter's PDF and its metadata to SvarUt; returns SvarUt's id for the shipment."""
    letter = shipment.letter
    with letter.pdf.open("rb") as handle:
        data = handle.read()
    filename = f"vedtak-{letter.decision_id}-{letter.pk}.pdf"
    return svarut.send(account, forsendelse(account, shipment, filename), {filename: data})


def forsendelse(account: SvarUtAccount, shipment: Shipment, filename: str) -> dict:
    """The `forsendelse` part: the person's national ID as the digital address, name and postal
    address for print, the title, our reference and the print settings (spec: docs/svarut.md)."""
    decision = shipment.letter.decision
    household, person = decision.household, decision.person
    recipient = {
        "navn": f"{person.first_name} {person.last_name}",
        "adresselinje1": household.postal_address,
        "postnummer": household.postcode,
        "poststed": household.post_town,
    }
    if person.national_id:
        recipient["digitalId"] = person.national_id
    return {
        "tittel": _vedtak_title(decision),
        "mottaker": recipient,
        "avgivendeSystem": "Boveileder",
        "eksternReferanse": shipment.external_ref,
        "forsendelsestype": "Vedtak",
        "kunDigitalLevering": False,
        "utskriftskonfigurasjon": {
            "utskriftMedFarger": account.print_in_colour,
            "tosidig": account.print_duplex,
        },
        "dokumenter": [
            {
                "filnavn": filename,
                "mimeType": "application/pdf",
                "dokumentType": "Vedtak",
                "inneholderPersonsensitivInformasjon": True,
            }
        ],
    }


def _vedtak_title(decision: Decision) -> str:
    return f"Vedtak om boligsosial oppfølging, {decision.household.municipality.name}"


def _note_error(shipment: Shipment, message: str) -> None:
    Shipment.objects.filter(pk=shipment.pk).update(error=message[:500])
    logger.warning("shipment %s not sent yet: %s", shipment.pk, message)


@transaction.atomic
def _sent(shipment: Shipment, shipment_id_at_svarut: str) -> Shipment:
    Shipment.objects.select_for_update().filter(pk=shipment.pk).update(
        state=Shipment.State.SENT, shipment_id=shipment_id_at_svarut, sent_at=timezone.now(), error=""
    )
    shipment.refresh_from_db()
    today = timezone.localdate()
    _timeline(shipment, DispatchKind.LETTER_SENT_SVARUT, today)
    _dispatched(shipment, today, "svarut")
    logger.info("shipment %s sent to SvarUt as %s", shipment.pk, shipment_id_at_svarut)
    return shipment


@transaction.atomic
def _failed(shipment: Shipment, message: str) -> Shipment:
    today = timezone.localdate()
    Shipment.objects.filter(pk=shipment.pk).update(
        state=Shipment.State.FAILED, failed_on=today, error=message[:500]
    )
    shipment.refresh_from_db()
    _timeline(shipment, DispatchKind.LETTER_REFUSED, today)
    logger.warning("shipment %s refused by SvarUt: %s", shipment.pk, message)
    return shipment


# --- following the status -----------------------------------------------------------------------


def shipments_poll() -> dict:
    """Beat: read the status of every open shipment from SvarUt and record what changed; record and
    send the shipments a lost message or a dead worker left behind. Returns counts."""
    counts = {"read": 0, "changed": 0, "resent": _recover()}
    by_account = defaultdict(list)
    open_shipments = (
        Shipment.objects.filter(state=Shipment.State.SENT, shipment_id__isnull=False)
        .exclude(svarut_status__in=FINAL)
        .select_related("letter__decision__household__municipality__svarut_account")
    )
    for shipment in open_shipments:
        by_account[shipment.letter.decision.household.municipality.svarut_account].append(shipment)
    for account, shipments in by_account.items():
        try:
            answers = svarut.statuses(account, [str(s.shipment_id) for s in shipments])
        except (svarut.SvarUtError, MaskinportenError) as error:
            logger.warning("SvarUt statuses for account %s not read: %s", account.pk, error)
            continue
        known = {str(s.shipment_id): s for s in shipments}
        for answer in answers:
            shipment = known.get(str(answer.get("id")))
            if shipment is None:
                continue
            counts["read"] += 1
            at = _parse_time(answer.get("sisteStatusEndring"))
            if shipment_status_record(shipment=shipment, status=str(answer.get("status", "")), at=at):
                counts["changed"] += 1
    return counts


def _parse_time(value) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return timezone.now()
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@transaction.atomic
def shipment_status_record(*, shipment: Shipment, status: str, at: datetime) -> bool:
    """Record a status SvarUt reported; returns whether it was new. Delivered sets the decision's
    delivery date; not delivered or rejected puts the letter on the counsellor's list."""
    shipment = (
        Shipment.objects.select_for_update().select_related("letter__decision__household").get(pk=shipment.pk)
    )
    if status not in STATUS_LABELS or status == shipment.svarut_status:
        return False
    ShipmentStatus.objects.get_or_create(shipment=shipment, status=status, defaults={"at": at})
    shipment.svarut_status = status
    on = timezone.localdate(at)
    if status in DELIVERED and shipment.delivered_on is None:
        shipment.delivered_on = on
        decision_delivered(decision=shipment.letter.decision, on=on)
    if status in NOT_DELIVERED:
        shipment.state, shipment.failed_on = Shipment.State.FAILED, on
        _timeline(shipment, DispatchKind.LETTER_NOT_DELIVERED, on, params={"status": status})
    else:
        _timeline(shipment, DispatchKind.LETTER_STATUS, on, params={"status": status})
    shipment.save(update_fields=["svarut_status", "delivered_on", "state", "failed_on"])
    return True


def _recover() -> int:
    """Send again the pending shipments no live send holds, and record the ones never recorded."""
    now = timezone.now()
    resent = 0
    for shipment in Shipment.objects.filter(state=Shipment.State.PENDING, created_at__lt=now - RECOVER_AFTER):
        if not lease_held(_lease(shipment.pk)):
            _queue_send(shipment.pk)
            resent += 1
    missing = DecisionLetter.objects.filter(
        status=DecisionLetter.Status.DONE,
        shipment__isnull=True,
        rendered_at__gte=now - timedelta(days=CATCH_UP_DAYS),
        rendered_at__lt=now - RECOVER_AFTER,
        decision__household__municipality__svarut_account__enabled=True,
    )
    for letter in missing:
        letter_rendered_receive(sender=DecisionLetter, letter=letter)
        resent += 1
    return resent


# --- by hand ------------------------------------------------------------------------------------


@transaction.atomic
def letter_post(*, letter: DecisionLetter, posted_on: date, by) -> Shipment:
    """Record that staff printed the letter and posted it: without SvarUt, or when SvarUt could not
    deliver it."""
    letter = (
        DecisionLetter.objects.select_for_update().select_related("decision__household").get(pk=letter.pk)
    )
    if not letter.rendered_at:
        raise ValidationError(_("The letter has not been made yet."))
    if problem := dates.happened_problem(posted_on):
        raise ValidationError({"posted_on": problem})
    if posted_on < letter.decision.approved_on:
        raise ValidationError({"posted_on": _("The letter cannot be posted before the decision was made.")})
    shipment = Shipment.objects.select_for_update().filter(letter=letter).first()
    if shipment is None:
        if account_for(letter.decision.household.municipality_id) is not None:
            raise ValidationError(_("The letter is being sent through SvarUt."))
        shipment = Shipment(letter=letter, channel=Shipment.Channel.POST)
    elif shipment.state == Shipment.State.POSTED:
        raise ValidationError(_("The posting of this letter is already recorded."))
    elif shipment.state != Shipment.State.FAILED:
        raise ValidationError(_("The letter is on its way through SvarUt."))
    shipment.letter = letter
    shipment.state, shipment.posted_on, shipment.posted_by = Shipment.State.POSTED, posted_on, by
    shipment.save()
    _timeline(shipment, DispatchKind.LETTER_POSTED, posted_on, by=by)
    _dispatched(shipment, posted_on, "post")
    return shipment
