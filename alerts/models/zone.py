"""What a police zone prepares and decides for its alerts: message templates, saved areas, the four-eyes
policy, and the alerts' append-only history of state changes and edits."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Network, PoliceZone

from .core import SRID, Alert, Category

__all__ = ["AlertEvent", "AlertEventQuerySet", "MessageTemplate", "SavedArea", "ZoneAlertPolicy"]


# --- what a police zone prepares for its alerts (helper "content", issue 14): message templates and saved
# areas, picked in the alert console. Written by alerts.content (access.permissions.can_edit_alert_content).


class MessageTemplate(models.Model):
    # A template is a message the zone sends often ("Inbraak in de {street} om {time}: {description}"),
    # in one or more languages; the console fills the placeholders (alerts.content.PLACEHOLDERS) and puts
    # each version in the matching language of the alert. Nothing is copied from here into an alert but
    # the text the officer then sends, so changing a template changes no alert.
    """A message with placeholders that a police zone's officers start an alert from."""

    police_zone = models.ForeignKey(
        PoliceZone, on_delete=models.CASCADE, related_name="message_templates", verbose_name=_("police zone")
    )
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Alert.Urgency.choices, blank=True)
    text_nl = models.TextField(_("text (Dutch)"), blank=True)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_de = models.TextField(_("text (German)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["police_zone", "name"]
        constraints = [
            models.UniqueConstraint(fields=["police_zone", "name"], name="one_template_name_per_zone")
        ]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self):
        return self.name

    @property
    def texts(self) -> dict[str, str]:
        """The versions written, by language (nl, fr, de, en)."""
        return {
            language: text
            for language in ("nl", "fr", "de", "en")
            if (text := getattr(self, f"text_{language}"))
        }


class SavedArea(models.Model):
    # A named perimeter the zone alerts often: a school, a business park, a BIN, a street. The polygon is a
    # copy in the storage CRS, made when the area is saved (drawn, from a network's boundary, or from a
    # street's addresses with a margin): a BIN that later grows or a street with new numbers does not move
    # a saved area under the officers' feet; they save it again. Picked in the console, it becomes the
    # alert's perimeter and is clipped to the zone like any drawing.
    """A named perimeter of a police zone that its officers pick as an alert's perimeter."""

    class Source(models.TextChoices):
        DRAWN = "drawn", _("drawn")
        NETWORK = "network", _("a network's area")
        STREET = "street", _("a street's addresses")

    police_zone = models.ForeignKey(
        PoliceZone, on_delete=models.CASCADE, related_name="saved_areas", verbose_name=_("police zone")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    source = models.CharField(_("made from"), max_length=8, choices=Source.choices, default=Source.DRAWN)
    # Where the polygon came from (a network, a street and its margin): for the list, and to save it anew.
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("network")
    )
    street = models.ForeignKey(
        "streets.Street",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("street"),
    )
    margin_m = models.FloatField(_("margin (m)"), null=True, blank=True)
    geometry = models.MultiPolygonField(_("area"), srid=SRID)
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["police_zone", "name"]
        constraints = [models.UniqueConstraint(fields=["police_zone", "name"], name="one_area_name_per_zone")]
        verbose_name = _("saved area")
        verbose_name_plural = _("saved areas")

    def __str__(self):
        return self.name


class ZoneAlertPolicy(models.Model):
    # A police zone's settings for its alerts, kept in the alerts app so that areas.PoliceZone stays as it
    # is. A zone without a row has the defaults (no approval). Administrators edit it in the admin.
    """How a police zone sends its alerts: with or without a second officer's approval (four eyes)."""

    police_zone = models.OneToOneField(
        PoliceZone,
        on_delete=models.CASCADE,
        related_name="alert_policy",
        verbose_name=_("police zone"),
    )
    four_eyes = models.BooleanField(
        _("four-eyes approval"),
        default=False,
        help_text=_(
            "An alert goes out only once another police officer of the zone has approved it; its author "
            "cannot approve it."
        ),
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alert policy of a police zone")
        verbose_name_plural = _("alert policies of police zones")

    def __str__(self):
        return str(self.police_zone)


class AlertEventQuerySet(models.QuerySet):
    # The history is append-only: no bulk change or removal through the ORM. The database refuses them
    # too (alerts/sql/alert_event_immutable.sql), for every other writer.
    def update(self, **kwargs):
        raise PermissionError("The history of an alert is append-only: its entries are never changed.")

    def delete(self):
        raise PermissionError("The history of an alert is append-only: its entries are never deleted.")


class AlertEvent(models.Model):
    # Every state change and every edit of an alert, in order: who (a plain id and the name, not a foreign
    # key: the history outlives the accounts it names), when, from which status to which, the reason of a
    # return and, for an edit, each changed field's value before and after. Rows are only ever added
    # (alerts.approval writes them): save() refuses to change a stored row, the queryset refuses update()
    # and delete(), and a trigger refuses UPDATE and DELETE of anyone else. The alert cannot be deleted
    # while it has a history (PROTECT).
    """One entry of an alert's history (four-eyes approval): a state change or an edit. Never changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        SUBMITTED = "submitted", _("submitted for approval")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned for changes")
        SENT = "sent", _("sent")
        # The Dutch model (alerts.relay): a coordinator forwarded or declined it for their network.
        RELAY_WAITING = "relay_wait", _("sent to the coordinator")
        FORWARDED = "forwarded", _("forwarded by the coordinator")
        DECLINED = "declined", _("declined by the coordinator")
        REACTIONS = "reactions", _("reactions forwarded by the coordinator")

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    user_id = models.BigIntegerField(_("account id"), null=True, blank=True)
    username = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=12, choices=Action.choices)
    status_from = models.CharField(_("status before"), max_length=10, blank=True)
    status_to = models.CharField(_("status after"), max_length=10, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # {field: [before, after]} for an edit; the values as text.
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AlertEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["alert", "at"])]
        verbose_name = _("alert history entry")
        verbose_name_plural = _("alert history")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.alert_id} {self.action} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The history of an alert is append-only: its entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The history of an alert is append-only: its entries are never deleted.")
