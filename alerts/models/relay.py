"""The Dutch model (issue 17): an alert that reaches a network whose messages go through its coordinator
(Network.relay_via_coordinator) waits for that coordinator, who forwards it to the members or declines."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Network

from .core import Alert

__all__ = ["AlertRelay"]


class AlertRelay(models.Model):
    # One per alert and relay network the alert reached. The police's text stays on the alert; what the
    # coordinator forwarded (edited or not) and their note are kept here, and the deliveries of the
    # forward point at this row (Delivery.relay) so the member's e-mail carries them. `reach` is the
    # number of the network's members inside the perimeter when the alert went out: a count, no names.
    """An alert waiting for, forwarded by or declined by a network's coordinator."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for the coordinator")
        FORWARDED = "forwarded", _("forwarded")
        DECLINED = "declined", _("declined")
        NO_COORDINATOR = "nocoord", _("no coordinator: sent directly")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="relays")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.WAITING)
    reach = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    # The coordinator first addressed; someone else forwarding (after the reminder) takes over.
    addressed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(max_length=150, blank=True)
    taken_over = models.BooleanField(default=False)
    edited = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    note = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    forwarded_count = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Members' reactions (Reaction ids) the coordinator passed on to the police: only these reach them.
    reactions_forwarded = ArrayField(models.BigIntegerField(), default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "network"], name="one_relay_per_network")]
        verbose_name = _("relayed alert")
        verbose_name_plural = _("relayed alerts")

    def __str__(self):
        return f"{self.alert_id}/{self.network_id} {self.status}"
