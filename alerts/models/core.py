"""Alerts the police send to the members inside a perimeter, the outbox of deliveries, and the reactions."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.models import Network, PoliceZone

from ..languages import LANGUAGE_NAMES, language_chosen

__all__ = [
    "SRID",
    "Alert",
    "AlertAuditLog",
    "AlertPreviewLog",
    "Category",
    "Delivery",
    "ProviderMessage",
    "Reaction",
    "ReactionNotice",
    "Tip",
    "TipQuerySet",
]

SRID = settings.BIN_STORAGE_SRID


class Category(models.TextChoices):
    BURGLARY = "burglary", _("burglary")
    SUSPICIOUS_PERSON = "suspicious_person", _("suspicious person")
    SUSPICIOUS_VEHICLE = "suspicious_vehicle", _("suspicious vehicle")
    THEFT = "theft", _("theft")
    FIRE = "fire", _("fire")
    CO_POISONING = "co_poisoning", _("CO poisoning")
    MISSING_PERSON = "missing_person", _("missing person")
    OTHER = "other", _("other")


class TipQuerySet(models.QuerySet):
    def usable_in(self, *police_zone_ids: int):
        """The tips an alert of these police zones may carry: active, a zone's own or a national one."""
        return self.filter(active=True).filter(
            Q(police_zone__isnull=True) | Q(police_zone_id__in=police_zone_ids)
        )


class Tip(models.Model):
    # The library has two shelves: each police zone's own tips, which its police write, and the national
    # tips (no zone), which only administrators write (access.permissions.can_edit_tip). An officer picks
    # from their zone's and the national tips; the alert keeps a copy of the text (Alert.tip_text_*), so
    # that editing a tip changes nothing already sent.
    """A preventive tip from the library, in Dutch, French and German."""

    police_zone = models.ForeignKey(
        PoliceZone,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tips",
        verbose_name=_("police zone"),
        help_text=_("Empty: a national tip, which only administrators edit."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=200)
    text_nl = models.TextField(_("text (Dutch)"))
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_de = models.TextField(_("text (German)"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")

    def __str__(self):
        return self.title

    def text_for(self, language: str) -> str:
        """The tip in `language` (nl, fr, de), Dutch when that translation is missing."""
        return getattr(self, f"text_{language}", "") or self.text_nl


class Alert(models.Model):
    # An alert is one message in a thread. The first (msg_type "alert") carries the perimeter the police
    # drew; its follow-ups (update, cancel, feedback) point to it through `references` and go to the
    # members who received the original — read from its deliveries, not resolved again, so that whoever
    # joined or left since changes nothing. The perimeter is stored clipped to the police zone; how it
    # was given (polygon, or circle centre and radius) is kept for the CAP export.
    """One message of the police to the members inside a perimeter, or a follow-up to one."""

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("urgent (SMS)")
        NON_URGENT = "non_urgent", _("non-urgent (e-mail)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        # Four-eyes approval (ZoneAlertPolicy): submitted and waiting for a second officer, or returned
        # to its author with a reason (AlertEvent) to edit and submit again.
        PENDING = "pending", _("pending approval")
        RETURNED = "returned", _("returned for changes")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled")

    class MsgType(models.TextChoices):
        ALERT = "alert", _("alert")
        UPDATE = "update", _("update")
        CANCEL = "cancel", _("cancel")
        FEEDBACK = "feedback", _("feedback")

    class PerimeterKind(models.TextChoices):
        POLYGON = "polygon", _("drawn polygon")
        CIRCLE = "circle", _("circle")

    class Outcome(models.TextChoices):
        # How the case ended, chosen with the closing message (helper "followups", issue 14): counted in
        # the evaluation per category; `outcome` keeps the officer's own words beside it.
        CAUGHT = "caught", _("suspect caught")
        FOUND = "found", _("person or object found")
        FALSE_ALARM = "false_alarm", _("false alarm")
        ONGOING = "ongoing", _("investigation ongoing")
        OTHER = "other", _("other outcome")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    police_zone = models.ForeignKey(PoliceZone, on_delete=models.PROTECT, related_name="alerts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    msg_type = models.CharField(_("message type"), max_length=10, choices=MsgType.choices, default="alert")
    references = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    message = models.TextField(_("message"))
    # Messages in several languages (helper "content", issue 14): `message` is written in `language`, the
    # alert's main language; `translations` holds the officer's other versions, {"fr": "…", "en": "…"}.
    # Which one a member gets is Alert.message_for's (alerts.languages).
    language = models.CharField(
        _("language of the message"), max_length=2, choices=list(LANGUAGE_NAMES.items()), default="nl"
    )
    translations = models.JSONField(_("translations of the message"), default=dict, blank=True)
    tip = models.ForeignKey(Tip, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The tip as it was when the alert was sent, in every language: what the messages, the reaction page
    # and the CAP export say, whatever becomes of the tip afterwards (messages held for quiet hours are
    # composed hours later). Empty without a tip.
    tip_title = models.CharField(_("tip"), max_length=200, blank=True)
    tip_text_nl = models.TextField(_("tip (Dutch)"), blank=True)
    tip_text_fr = models.TextField(_("tip (French)"), blank=True)
    tip_text_de = models.TextField(_("tip (German)"), blank=True)
    location = models.PointField(_("incident location"), srid=SRID)
    perimeter = models.MultiPolygonField(_("perimeter"), srid=SRID)
    perimeter_kind = models.CharField(max_length=8, choices=PerimeterKind.choices)
    circle_center = models.PointField(srid=SRID, null=True, blank=True)
    circle_radius_m = models.FloatField(null=True, blank=True)
    # Share of the requested perimeter's area that lay outside the police zone and was cut off (0 to 1).
    clipped_fraction = models.FloatField(default=0.0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    outcome = models.TextField(_("outcome"), blank=True, help_text=_("Recorded with the feedback."))
    outcome_category = models.CharField(
        _("outcome category"), max_length=12, choices=Outcome.choices, blank=True, default=""
    )
    # The closing reminder (alerts.reminders): when its sender was last e-mailed that this urgent alert
    # still has no closing message, and how many times; once per BIN_ALERT_CLOSING_REMINDER_MINUTES.
    closing_reminded_at = models.DateTimeField(null=True, blank=True)
    closing_reminders = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    # An exercise reaches only the members who opted in to exercises (alerts.recipients), every message
    # starts with the exercise marker (alerts.messages), CAP says <status>Exercise</status> and the
    # statistics leave it out. Its follow-ups are exercises too.
    exercise = models.BooleanField(_("exercise"), default=False)
    # Who approved the alert (four-eyes approval) and when; the full story is in its AlertEvent rows.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["police_zone", "-created"])]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return f"{self.get_msg_type_display()} {self.pk}: {self.message[:40]}"

    @property
    def root(self) -> "Alert":
        return self.references if self.references_id else self

    # A perimeter clipped by less than this share of its area (0.1 %) was not cut off in any sense an
    # officer cares about: the rest of floating-point clipping along a shared boundary. No warning below it.
    CLIPPED_NOTEWORTHY = 0.001

    @property
    def clipped_percent(self) -> float | None:
        """The share of the drawn perimeter cut off at the zone's boundary, in per cent; None when it is
        too small to matter (floating-point rest of the clipping, or less than CLIPPED_NOTEWORTHY)."""
        if self.clipped_fraction < self.CLIPPED_NOTEWORTHY:
            return None
        return round(self.clipped_fraction * 100, 1)

    @property
    def languages(self) -> list[str]:
        """The languages the message is written in: the main one first, then the translations'."""
        return [self.language, *sorted(k for k in self.translations if k != self.language)]

    def message_for(self, language: str | None) -> str:
        """The message in the language a member reads best among those written (alerts.languages)."""
        chosen = language_chosen(language, main=self.language, written=self.translations.keys())
        return self.message if chosen == self.language else self.translations[chosen]

    @property
    def has_tip(self) -> bool:
        return bool(self.tip_text_nl)

    def tip_text_for(self, language: str) -> str:
        """The copied tip in `language` (nl, fr, de), Dutch when that translation is missing."""
        return getattr(self, f"tip_text_{language}", "") or self.tip_text_nl

    def tip_copy(self, tip: Tip | None) -> None:
        """Keep `tip`'s title and texts on the alert (all empty for None); the caller saves."""
        self.tip = tip
        self.tip_title = tip.title if tip else ""
        for language in ("nl", "fr", "de"):
            setattr(self, f"tip_text_{language}", getattr(tip, f"text_{language}") if tip else "")


class Delivery(models.Model):
    # The outbox: one row per recipient and channel, written in the transaction that sends the alert,
    # then worked off by Celery tasks. The status is the guard that makes a task idempotent: a worker
    # sends only the rows it moved from queued to sending itself.
    #
    # No personal data is stored here. The phone number or e-mail address is read from the member at
    # the moment of sending; when a member is erased `member` becomes NULL and what remains is the
    # channel, the networks and the outcome — enough for statistics, nothing that leads back to a
    # person. We deliberately keep no hash of the destination either: a Belgian mobile number has
    # about 10⁸ possible values, so its hash is reversed by enumeration and would still be personal.
    """One message to one member on one channel, and what became of it."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("e-mail")
        # A text-to-speech call to a landline, and a web push notification to a member's phone or browser.
        VOICE = "voice", _("voice call")
        PUSH = "push", _("push notification")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        # Accepted by the gateway; what became of it afterwards comes with a delivery receipt.
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")
        # From a delivery receipt (alerts.receipts): on the phone, refused by the network, or given up
        # by the gateway after its validity period.
        DELIVERED = "delivered", _("delivered")
        UNDELIVERABLE = "undeliverable", _("undeliverable")
        EXPIRED = "expired", _("expired")

    # Neither foreign key has a constraint in the database. An alert writes its outbox, up to 100,000 rows
    # and more, in one INSERT … SELECT; with constraints PostgreSQL checks every row against alerts and
    # members when the transaction commits, which took 3 of the 7 seconds of a 100,000-member send. The
    # rows come from those very tables in the same statement, and Django applies on_delete itself
    # (CASCADE from an alert, SET_NULL when a member is erased), so nothing is lost; a member deleted
    # behind Django's back leaves a bare number that the sender skips as erased.
    # The alert has no index of its own: the unique constraint's index starts with it.
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="deliveries", db_index=False, db_constraint=False
    )
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    # A message a coordinator forwarded (alerts.relay): its e-mail carries their text and note.
    relay = models.ForeignKey(
        "alerts.AlertRelay",
        null=True,
        blank=True,
        # A relay goes only with its alert, whose deliveries go too: nothing to look up in the outbox.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # The approved networks of the zone through which the member was reached (for per-BIN statistics).
    network_ids = ArrayField(models.BigIntegerField(), default=list)
    status = models.CharField(max_length=13, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Not before: the end of the member's quiet hours for a non-urgent message, or the next retry.
    not_before = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the delivery receipt says the message reached the phone (or was given up): the receipt's time.
    receipt_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "member", "channel"], name="one_delivery_per_channel")
        ]
        # No index mentions `status` (not even a partial one): a row changes status twice on its way out,
        # and only then can PostgreSQL update it in place (HOT, with the fillfactor set in migration 0003)
        # instead of writing a new entry in every index. dispatch_due finds the rows left behind through
        # `created`, among the recent ones.
        indexes = [models.Index(fields=["created"], name="delivery_created")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.alert_id}/{self.pk} {self.channel} {self.status}"


class ProviderMessage(models.Model):
    # A delivery's message as the gateway knows it: the id the gateway gave it when it accepted it (one
    # per part: a long SMS over SMPP is several messages). A delivery receipt names this id; this table
    # leads it back to the delivery. A separate, insert-only table: giving alerts_delivery an indexed
    # column that changes at sending would cost the fan-out its in-place (HOT) updates.
    """The gateway's id of (a part of) a delivery's message, for its delivery receipt."""

    gateway = models.CharField(max_length=40)
    provider_id = models.CharField(max_length=100)
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    # The receipt's outcome for this part (empty: none yet); the delivery is final when every part is.
    status = models.CharField(max_length=13, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gateway", "provider_id"], name="one_message_id_per_gateway")
        ]
        verbose_name = _("gateway message")
        verbose_name_plural = _("gateway messages")

    def __str__(self):
        return f"{self.gateway}:{self.provider_id} → {self.delivery_id}"


class Reaction(models.Model):
    """A member's answer through the signed link of a message: seen, or an observation with text and time."""

    class Kind(models.TextChoices):
        SEEN = "seen", _("seen")
        OBSERVATION = "observation", _("I saw something")

    # The original alert of the thread, whichever message of it the link came from.
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="reactions")
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="reactions"
    )
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    network_ids = ArrayField(models.BigIntegerField(), default=list)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(_("what did you see?"), blank=True)
    observed_at = models.DateTimeField(_("when?"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["alert", "created_at"])]
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")

    def __str__(self):
        return f"{self.alert_id} {self.kind}"


class ReactionNotice(models.Model):
    """That a network's coordinators were told an alert has reactions: once per alert and network."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="+")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "network"], name="one_notice_per_network")]


class AlertAuditLog(models.Model):
    """Who sent what to how many. Kept as long as the alert; holds no member data."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)  # send, update, cancel, feedback
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="audit")
    police_zone = models.ForeignKey(PoliceZone, on_delete=models.CASCADE, related_name="+")
    recipients = models.PositiveIntegerField(default=0)
    channels = models.JSONField(default=dict)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("alert audit log entry")
        verbose_name_plural = _("alert audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.alert_id} → {self.recipients}"


class AlertPreviewLog(models.Model):
    # Every preview an officer asks for: who, when, which perimeter (as clipped to the zone) and the counts
    # as they were shown (alerts.preview). A preview shows no member, but a series of them around one house
    # is how someone would try to find out whether it has a member: this is where that shows.
    """Who previewed the reach of which perimeter, and what they were shown. Holds no member data."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, blank=True)
    police_zone = models.ForeignKey(PoliceZone, on_delete=models.CASCADE, related_name="+")
    perimeter = models.MultiPolygonField(srid=SRID)
    area_m2 = models.FloatField(_("area (m²)"))
    urgency = models.CharField(max_length=10, choices=Alert.Urgency.choices)
    # The counts as shown: exact numbers, "<k" below the threshold, null where withheld.
    shown = models.JSONField(default=dict)
    # False: the same perimeter and urgency as a preview of the same officer within the hour (the message
    # or the tip changed), which tells nothing new and does not count against the limit.
    counted = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("alert preview log entry")
        verbose_name_plural = _("alert preview log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.police_zone_id} {self.area_m2:.0f} m²"
