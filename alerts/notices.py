"""Telling a network's coordinators that an alert has reactions (once per alert and network; the task
notify_coordinators sends it after the reaction is stored)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.permissions import alert_approvers
from areas.models import Network

from .models import Alert, AlertEvent, AlertRelay, Category

__all__ = ["reaction_notice_send"]


def reaction_notice_send(*, alert_id: int, network_id: int) -> int:
    """E-mail the coordinators of a network that an alert has reactions; returns the number of mails."""
    alert = Alert.objects.select_related("police_zone").get(pk=alert_id)
    network = Network.objects.get(pk=network_id)
    to = [u.email for u in network.coordinators.all() if u.email] or (
        [network.contact_email] if network.contact_email else []
    )
    if not to:
        return 0
    local = timezone.localtime(alert.sent_at or alert.created)
    subject = _("Reactions to the BIN alert of %(when)s") % {"when": f"{local:%d/%m/%Y %H:%M}"}
    body = _(
        "Members of %(network)s reacted to the alert of %(when)s (%(category)s) of police zone %(zone)s.\n"
        "The police see the reactions with the alert. This message is sent once per alert."
    ) % {
        "network": network.name,
        "when": f"{local:%d/%m/%Y %H:%M}",
        "category": Category(alert.category).label,
        "zone": alert.police_zone,
    }
    if AlertRelay.objects.filter(alert=alert, network=network, status=AlertRelay.Status.FORWARDED).exists():
        # Relay networks (alerts.relay): the police see a reaction only when the coordinator passes it on.
        reacted = body.split("\n")[0]
        later = _("The police see them only when you pass them on, on the message's page:")
        body = "\n".join([reacted, later, settings.BIN_PUBLIC_URL.rstrip("/") + reverse("alerts:relays")])
    return send_mail(subject, body, settings.BIN_ALERT_FROM_EMAIL, to)


# --- four-eyes approval -----------------------------------------------------------------------------------

__all__ += ["approval_notice_send"]


def _approval_url(alert: Alert) -> str:
    return settings.BIN_PUBLIC_URL.rstrip("/") + reverse("maps:alert-approval", args=[alert.pk])


def approval_notice_send(*, alert_id: int, event_id: int) -> int:
    """E-mail what a step of the approval (alerts.approval) means to whom it concerns: a submitted alert to
    the zone's officers who may approve it, an approved or returned one to its author. Returns the number
    of mails (0 when nobody has an address)."""
    alert = Alert.objects.select_related("police_zone", "created_by").get(pk=alert_id)
    event = AlertEvent.objects.get(pk=event_id)
    zone = alert.police_zone
    values = {
        "zone": zone,
        "category": Category(alert.category).label,
        "who": event.username,
        "url": _approval_url(alert),
        "message": alert.message,
        "reason": event.reason,
        "exercise": _("EXERCISE") + ": " if alert.exercise else "",
    }
    if event.action == AlertEvent.Action.SUBMITTED:
        to = [u.email for u in alert_approvers(zone.pk, author_id=alert.created_by_id) if u.email]
        subject = _("%(exercise)sBIN alert waiting for your approval (%(category)s, police zone %(zone)s)")
        body = _(
            "%(who)s asks you to approve a BIN alert of police zone %(zone)s before it goes out.\n\n"
            "%(message)s\n\n"
            "See exactly what will be sent, to how many members, and approve or return it:\n%(url)s"
        )
    elif event.action in (AlertEvent.Action.APPROVED, AlertEvent.Action.RETURNED):
        author = alert.created_by
        to = [author.email] if author is not None and author.email else []
        if event.action == AlertEvent.Action.APPROVED:
            subject = _("%(exercise)sYour BIN alert was approved and sent (%(category)s)")
            body = _("%(who)s approved your BIN alert; it was sent.\n\n%(message)s\n\n%(url)s")
        else:
            subject = _("%(exercise)sYour BIN alert was returned (%(category)s)")
            body = _(
                "%(who)s returned your BIN alert with this reason:\n\n%(reason)s\n\n"
                "Change it and submit it again:\n%(url)s"
            )
    else:
        return 0
    if not to:
        return 0
    return send_mail(subject % values, body % values, settings.BIN_ALERT_FROM_EMAIL, to)
