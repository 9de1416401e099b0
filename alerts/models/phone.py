"""SMS that members send back to us (the two-way SMS channel of alerts.inbound)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Alert, Reaction

__all__ = ["InboundSms"]


class InboundSms(models.Model):
    # One row per message the SMS gateway hands us, keyed by the gateway's message id: a webhook the
    # gateway sends twice finds its row and changes nothing. The number and the text are personal data:
    # kept as long as the deliveries (BIN_RETENTION_DELIVERIES_DAYS) and erased with the member. A message
    # from a number that is no member's is logged without number or text: we keep only that it came.
    """An SMS a member (or anyone) sent to the service's number, and what it did."""

    class Action(models.TextChoices):
        REACTION = "reaction", _("reaction recorded")
        STOP = "stop", _("left SMS alerts")
        START = "start", _("back on SMS alerts")
        NO_ALERT = "no_alert", _("no recent alert to react to")
        NOT_UNDERSTOOD = "unknown", _("not understood")
        UNKNOWN_NUMBER = "stranger", _("not a member's number")
        THROTTLED = "throttled", _("too many messages from this number")

    gateway_id = models.CharField(_("gateway message id"), max_length=100, unique=True)
    from_number = models.CharField(_("sender's number"), max_length=20, blank=True)
    text = models.TextField(_("text"), blank=True)
    received = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reaction = models.ForeignKey(Reaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Meta:
        ordering = ["-received"]
        verbose_name = _("incoming SMS")
        verbose_name_plural = _("incoming SMS")

    def __str__(self):
        return f"{self.gateway_id} {self.action}"
