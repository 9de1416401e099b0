"""The closing reminder: an urgent alert still without a closing message is brought back to its sender.

Beat runs `alerts.tasks.closing_reminders_send` every BIN_ALERT_CLOSING_REMINDER_CHECK_SECONDS; which alerts
are open is `alerts.selectors.alerts_awaiting_closing` (the zone's pages list the same ones). The sender is
e-mailed once per BIN_ALERT_CLOSING_REMINDER_MINUTES, not on every tick, and at most
BIN_ALERT_CLOSING_REMINDER_LIMIT times: the pages keep showing the alert as open until it is closed.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Alert, Category
from .selectors import alerts_awaiting_closing

__all__ = ["closing_reminder_text", "closing_reminders_send"]

logger = logging.getLogger(__name__)


def _due(now: datetime) -> Q:
    """Not reminded yet, or last reminded an interval ago or longer."""
    interval = timedelta(minutes=settings.BIN_ALERT_CLOSING_REMINDER_MINUTES)
    return Q(closing_reminded_at__isnull=True) | Q(closing_reminded_at__lte=now - interval)


def closing_reminder_text(*, alert: Alert, now: datetime) -> tuple[str, str]:
    """Subject and body of the reminder e-mail to the sender of `alert`."""
    local = timezone.localtime(alert.sent_at)
    minutes = int((now - alert.sent_at).total_seconds() // 60)
    url = settings.BIN_PUBLIC_URL.rstrip("/") + reverse("maps:alert", args=[alert.pk])
    values = {
        "id": alert.pk,
        "when": f"{local:%d/%m/%Y %H:%M}",
        "category": Category(alert.category).label,
        "zone": alert.police_zone.name,
        "minutes": minutes,
        "url": url,
    }
    subject = _("Alert %(id)s has no closing message yet") % values
    body = "\n".join(
        [
            ngettext(
                "Your urgent alert %(id)s of %(when)s (%(category)s, police zone %(zone)s) went out "
                "%(minutes)s minute ago and has no closing message yet.",
                "Your urgent alert %(id)s of %(when)s (%(category)s, police zone %(zone)s) went out "
                "%(minutes)s minutes ago and has no closing message yet.",
                minutes,
            )
            % values,
            _(
                "The members are waiting to hear how it ended. Send the closing message, with its outcome, "
                "on the alert's page:"
            ),
            url,
            "",
            _("If the case is still going on, send an update, or a closing message with the outcome "
              "“investigation ongoing”."),
        ]
    )
    return subject, body


def closing_reminders_send(*, now: datetime | None = None) -> int:
    """E-mail the sender of every open urgent alert that is due a reminder; returns the number e-mailed.

    Each alert is claimed with a conditional UPDATE before its e-mail goes out, so two workers (or a beat
    tick while the last one still runs) never remind twice in one interval. A failed e-mail gives its
    claim back: the next tick tries again."""
    now = now or timezone.now()
    limit = settings.BIN_ALERT_CLOSING_REMINDER_LIMIT
    candidates = list(
        alerts_awaiting_closing(police_zone_ids=None, now=now)
        .filter(_due(now), closing_reminders__lt=limit)
        .values_list("pk", "closing_reminded_at", "closing_reminders")
    )
    mailed = 0
    for pk, previous_at, previous_count in candidates:
        claimed = (
            Alert.objects.filter(pk=pk, closing_reminders=previous_count)
            .filter(_due(now))
            .update(closing_reminded_at=now, closing_reminders=F("closing_reminders") + 1)
        )
        if not claimed:
            continue
        alert = Alert.objects.select_related("police_zone", "created_by").get(pk=pk)
        sender = alert.created_by
        if sender is None or not sender.email:
            # Nobody to e-mail (the account is gone or has no address): the zone's pages still list it.
            continue
        subject, body = closing_reminder_text(alert=alert, now=now)
        try:
            send_mail(subject, body, settings.BIN_ALERT_FROM_EMAIL, [sender.email])
        except Exception:  # SMTP down or refused: give the claim back, the next tick tries again
            logger.exception("closing reminder for alert %s not sent", pk)
            Alert.objects.filter(pk=pk).update(
                closing_reminded_at=previous_at, closing_reminders=previous_count
            )
            continue
        mailed += 1
    return mailed
