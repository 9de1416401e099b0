"""The e-mails of the Dutch model (alerts.relay): to the coordinators (a message waits for them, and the
reminder), and the member's e-mail of a forwarded message (the coordinator's text and note).

Urgent matters never wait for a coordinator: every one of these texts gives the numbers to call
(core.country.profile: 112, and 0900-8844 in the Netherlands or 101 in Belgium for the police).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from areas.models import Network
from core.country import profile

from .backends import OutgoingMessage
from .messages import member_language
from .models import Alert, AlertRelay, Category

__all__ = [
    "emergency_line",
    "relay_coordinators_mail",
    "relay_member_email",
    "relay_message",
    "relay_reminders_send",
]

logger = logging.getLogger(__name__)


def emergency_line() -> str:
    """What residents do when it is urgent: not wait for the coordinator but call the police."""
    country = profile()
    return _(
        "Urgent? Do not wait for the coordinator and do not reply by e-mail: call the police on %(police)s, "
        "or %(emergency)s when every second counts."
    ) % {"police": country.police_number, "emergency": country.emergency_number}


def _relay_url(relay: AlertRelay) -> str:
    return settings.BIN_PUBLIC_URL.rstrip("/") + reverse("alerts:relay", args=[relay.pk])


def relay_coordinators_mail(*, relay_id: int, reminder: bool = False) -> int:
    """E-mail every coordinator of the relay's network that an alert waits for them (again, as the
    reminder); the police's text, the reach (a count) and the link to the relay page. Returns mails."""
    relay = AlertRelay.objects.select_related("alert__police_zone").get(pk=relay_id)
    alert: Alert = relay.alert
    network = Network.objects.get(pk=relay.network_id)
    to = [u.email for u in network.coordinators.filter(is_active=True).order_by("pk") if u.email]
    if not to:
        return 0
    local = timezone.localtime(alert.sent_at or alert.created)
    values = {
        "network": network.name,
        "when": f"{local:%d/%m/%Y %H:%M}",
        "category": Category(alert.category).label,
        "zone": alert.police_zone.name,
        "reach": relay.reach,
        "url": _relay_url(relay),
    }
    if reminder:
        subject = _("Reminder: an urgent BIN message waits for you (%(network)s)") % values
    else:
        subject = _("A BIN message for %(network)s waits for you") % values
    lines = [
        _("Police zone %(zone)s sent a message (%(category)s, %(when)s) for %(network)s.") % values,
        ngettext(
            "It reaches %(reach)s member of your network; they get it only when you forward it.",
            "It reaches %(reach)s members of your network; they get it only when you forward it.",
            relay.reach,
        )
        % values,
        "",
        _("What the police wrote:"),
        alert.message.strip(),
        "",
        _("Forward it (as written or edited, with your note) or decline it with a reason:"),
        values["url"],
        "",
        emergency_line(),
    ]
    return send_mail(subject, "\n".join(lines), settings.BIN_ALERT_FROM_EMAIL, to)


def relay_member_email(relay: AlertRelay, alert: Alert, language: str, link: str) -> tuple[str, str]:
    """Subject and body of a forwarded message: the coordinator's text (edited or as the police wrote
    it), their note, the reaction link and the numbers to call."""
    language = member_language(language)
    with translation.override(language):
        subject = _("BIN message: %(category)s") % {"category": Category(alert.category).label}
        lines = [relay.text.strip(), ""]
        if relay.note.strip():
            lines += [_("Note from your coordinator: %(note)s") % {"note": relay.note.strip()}, ""]
        lines += [
            _("Did you see something? Tell your coordinator through this link, or reply to this e-mail:"),
            link,
            "",
            emergency_line(),
            _("You receive this message from the coordinator of your neighbourhood information network."),
        ]
    return subject, "\n".join(lines)


def relay_reminders_send(*, now: datetime | None = None) -> int:
    """Beat: e-mail again all coordinators of every urgent relay still waiting BIN_RELAY_REMINDER_MINUTES
    after it opened, once (any of them may then forward it: a second coordinator takes over). Each relay
    is claimed with a conditional UPDATE first, so two ticks never remind twice; a failed e-mail gives the
    claim back. Returns the number of relays reminded."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.BIN_RELAY_REMINDER_MINUTES)
    due = AlertRelay.objects.filter(
        status=AlertRelay.Status.WAITING,
        reminded_at__isnull=True,
        created__lte=limit,
        alert__urgency=Alert.Urgency.URGENT,
    )
    reminded = 0
    for pk in list(due.values_list("pk", flat=True)):
        if not AlertRelay.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        try:
            relay_coordinators_mail(relay_id=pk, reminder=True)
        except Exception:  # SMTP down or refused: the next tick tries again
            logger.exception("relay reminder %s not sent", pk)
            AlertRelay.objects.filter(pk=pk).update(reminded_at=None)
            continue
        reminded += 1
    return reminded


def relay_message(alert: Alert, row, to: str, texts) -> OutgoingMessage:
    """The e-mail of a forwarded message to one member (`row`: an outbox row claimed by alerts.outbox).
    Its Reply-To is the forwarding coordinator's address: a member's answer by e-mail reaches them."""
    relays = texts.__dict__.setdefault("relays", {})  # one read per relay and batch
    if row.relay_id not in relays:
        relays[row.relay_id] = AlertRelay.objects.select_related("decided_by").get(pk=row.relay_id)
    relay = relays[row.relay_id]
    subject, body = relay_member_email(relay, alert, row.language, texts.link(row.id, row.language))
    coordinator = relay.decided_by
    headers = {"Reply-To": coordinator.email} if coordinator is not None and coordinator.email else {}
    return OutgoingMessage(key=str(row.id), to=to, text=body, subject=subject, headers=headers)
