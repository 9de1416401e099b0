"""Two-way SMS: what a member's reply to an alert SMS does (the webhook is alerts/api/phone.py).

* STOP, ARRÊT, STOPP or STOPPEN anywhere in the text (any case, with or without accents): the member leaves
  SMS alerts (Member.sms_opt_out; urgent alerts then come by e-mail, or by a call to their landline) and
  gets a confirmation SMS in their language that says how to come back: reply START.
* START: back on SMS alerts, confirmed the same way.
* "1", JA, OUI, YES, OK, GEZIEN, VU, GESEHEN: "seen" on the latest alert the member received by SMS within
  BIN_SMS_REPLY_WINDOW_HOURS; "2" followed by what they saw: an observation (alerts.reactions).
* Anything else is logged as not understood.

A number that is no member's gets the same answer as any other (the gateway learns nothing about who is a
member) and is logged without its number or text. Each message is handled once: the gateway's message id
is unique in InboundSms, and a webhook sent again finds the row.
"""

import logging
import re
import unicodedata
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.throttle import HOUR, Limit, throttle_check
from members.models import Member
from members.phones import phone_normalise

from .backends import OutgoingMessage, get_backend
from .messages import member_language
from .models import Delivery, InboundSms, Reaction
from .reactions import reaction_record

__all__ = ["inbound_sms_erase", "inbound_sms_purge", "inbound_sms_receive", "reply_words"]

logger = logging.getLogger(__name__)

STOP_WORDS = {"STOP", "ARRET", "STOPP", "STOPPEN"}
START_WORDS = {"START"}
SEEN_WORDS = {"1", "JA", "OUI", "YES", "OK", "GEZIEN", "VU", "GESEHEN", "SEEN"}
OBSERVATION_WORDS = {"2"}


def reply_words(text: str) -> list[str]:
    """The words of a reply, upper case, accents dropped (ARRÊT → ARRET), punctuation gone."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.findall(r"[A-Z0-9]+", plain.upper())


def _members_of(number: str) -> list[Member]:
    try:
        e164 = phone_normalise(raw=number, mobile=False)
    except ValidationError:
        return []
    return list(Member.objects.filter(mobile=e164).order_by("pk")) if e164 else []


def _latest_sms_delivery(members: list[Member], now: datetime) -> Delivery | None:
    since = now - timedelta(hours=settings.BIN_SMS_REPLY_WINDOW_HOURS)
    return (
        Delivery.objects.select_related("alert")
        .filter(
            member__in=members,
            channel=Delivery.Channel.SMS,
            status__in=[Delivery.Status.SENT, Delivery.Status.DELIVERED],
            sent_at__gte=since,
        )
        .order_by("-sent_at", "-pk")
        .first()
    )


def _confirmation(member: Member, *, stopped: bool) -> str:
    with translation.override(member_language(member.language)):
        if stopped:
            return _("You will no longer receive BIN alerts by SMS. To receive them again, reply START.")
        return _("You will receive BIN alerts by SMS again. To stop them, reply STOP.")


def _send_confirmation(key: str, to: str, text: str) -> None:
    backend = get_backend("sms")
    try:
        backend.open()
        outcome = backend.send_messages([OutgoingMessage(key=key, to=to, text=text)]).get(key)
    finally:
        backend.close()
    if isinstance(outcome, Exception):
        logger.warning("confirmation SMS %s not sent: %s", key, outcome)


def _opt(members: list[Member], row: InboundSms, *, out: bool) -> None:
    Member.objects.filter(pk__in=[m.pk for m in members]).update(sms_opt_out=out)
    row.action = InboundSms.Action.STOP if out else InboundSms.Action.START
    text = _confirmation(members[0], stopped=out)
    transaction.on_commit(partial(_send_confirmation, f"in-{row.gateway_id}", members[0].mobile, text))


def _react(members: list[Member], row: InboundSms, words: list[str], text: str, now: datetime) -> None:
    kind = Reaction.Kind.SEEN if words[0] in SEEN_WORDS else Reaction.Kind.OBSERVATION
    delivery = _latest_sms_delivery(members, now)
    if delivery is None:
        row.action = InboundSms.Action.NO_ALERT
        return
    row.alert = delivery.alert
    said = ""
    if kind == Reaction.Kind.OBSERVATION:
        # What follows the "2" is the member's description (their words, as typed).
        said = re.sub(r"^\W*2\W*", "", text.strip()).strip()
        if not said:
            with translation.override(settings.LANGUAGE_CODE):
                said = _("Replied 2 by SMS: saw something. Call the member back.")
    try:
        with transaction.atomic():
            row.reaction = reaction_record(delivery=delivery, kind=kind, text=said)
        row.action = InboundSms.Action.REACTION
    except ValidationError:
        row.action = InboundSms.Action.NO_ALERT


def inbound_sms_receive(*, gateway_id: str, number: str, text: str) -> tuple[InboundSms, bool]:
    """Handle one incoming SMS (see the module doc); the logged row and whether it was new."""
    now = timezone.now()
    with transaction.atomic():
        existing = InboundSms.objects.filter(gateway_id=gateway_id).first()
        if existing is not None:
            return existing, False
        members = _members_of(number)
        if not members:
            # Someone who is no member: that a message came is kept, not who sent it or what it said.
            logger.info("incoming SMS %s from a number that is no member's", gateway_id)
            row = InboundSms(gateway_id=gateway_id, action=InboundSms.Action.UNKNOWN_NUMBER)
        else:
            row = InboundSms(gateway_id=gateway_id, from_number=members[0].mobile, text=text[:1600])
            row.member = members[0]
            per_number = Limit("sms-inbound-number", settings.BIN_SMS_INBOUND_PER_NUMBER_HOUR, HOUR)
            words = reply_words(text)
            if throttle_check([(per_number, members[0].mobile)]):
                row.action = InboundSms.Action.THROTTLED
            elif STOP_WORDS.intersection(words):
                _opt(members, row, out=True)
            elif words and words[0] in START_WORDS:
                _opt(members, row, out=False)
            elif words and words[0] in SEEN_WORDS | OBSERVATION_WORDS:
                _react(members, row, words, text, now)
            else:
                row.action = InboundSms.Action.NOT_UNDERSTOOD
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # the same message, handled at this moment by another request
            transaction.set_rollback(True)
            return InboundSms.objects.get(gateway_id=gateway_id), False
    return row, True


def inbound_sms_erase(*, member) -> int:
    """Erasure of a member (members.erasure): their incoming SMS go, number and text with them."""
    return InboundSms.objects.filter(member=member).delete()[0]


def inbound_sms_purge(*, before: datetime) -> int:
    """Retention: the incoming SMS received before `before` go (kept as long as the deliveries)."""
    return InboundSms.objects.filter(received__lt=before).delete()[0]
