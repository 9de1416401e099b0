"""Telling a network's coordinators that an alert has reactions (once per alert and network; the task
notify_coordinators sends it after the reaction is stored)."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Network

from .models import Alert, Category

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
    return send_mail(subject, body, settings.BIN_ALERT_FROM_EMAIL, to)
