"""Members of networks and their memberships, and proposals for new networks."""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from areas.models import Municipality, Network
from streets.models import Address, Street

__all__ = ["MAX_ADDRESSES", "Member", "MemberAddress", "Membership", "NetworkProposal", "PushSubscription"]

SRID = settings.BIN_STORAGE_SRID


class Member(models.Model):
    # A member is a resident (BIN) or a business (BIN-Z) who signed up to receive BIN messages. Members
    # do not log in: every message and every confirmation carries a signed link that lets them act on
    # their own data (change channels, leave, download, erase). Their name, address, phone numbers and
    # e-mail are personal data under the GDPR: only the coordinators of their networks see them, each
    # view is written to the AccessLog, and erasure removes the row and everything that points to it.
    #
    # The table has one column Django does not know: alert_network_ids, the networks of the member's
    # approved memberships, which triggers keep for the alert recipients statement (migration 0003).
    """A person or business that receives the messages of one or more networks."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("resident")
        BUSINESS = "business", _("business")

    class BusinessType(models.TextChoices):
        SHOP = "shop", _("shop")
        PHARMACY = "pharmacy", _("pharmacy")
        DOCTOR = "doctor", _("doctor")
        CAFE = "cafe", _("café or restaurant")
        BANK = "bank", _("bank")
        JEWELLER = "jeweller", _("jeweller")
        OTHER = "other", _("other")

    class Language(models.TextChoices):
        NL = "nl", "Nederlands"
        FR = "fr", "Français"
        DE = "de", "Deutsch"
        EN = "en", "English"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RESIDENT)
    name = models.CharField(_("name"), max_length=200)
    business_name = models.CharField(_("business name"), max_length=200, blank=True)
    business_type = models.CharField(
        _("business type"), max_length=12, choices=BusinessType.choices, blank=True
    )
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    # The address as typed, the register address it matched, and the point alerts are resolved against.
    address_text = models.CharField(_("address"), max_length=300)
    address = models.ForeignKey(
        Address, verbose_name=_("register address"), on_delete=models.SET_NULL, null=True, blank=True
    )
    point = models.PointField(_("position"), srid=SRID)
    address_unverified = models.BooleanField(
        _("address not in the register"),
        default=False,
        help_text=_("The position was placed by hand; the coordinator should check it."),
    )
    mobile = models.CharField(
        _("mobile (SMS)"), max_length=20, blank=True, help_text=_("E.164, e.g. +32470123456")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # A new address the member asked for in self-service; it replaces `email` once the link sent to it is
    # followed, so that nobody can redirect someone else's messages.
    pending_email = models.EmailField(_("new e-mail, not yet confirmed"), blank=True)
    landline = models.CharField(_("landline (voice)"), max_length=20, blank=True)
    # Urgent alerts come as a text-to-speech call to the landline (alerts.recipients) when the member
    # chose so here, or has a landline and no mobile, or left SMS alerts.
    voice_calls = models.BooleanField(_("urgent alerts by phone call"), default=False)
    # Set by a STOP reply to an SMS (alerts.inbound): no alert goes to the mobile until START.
    sms_opt_out = models.BooleanField(_("left SMS alerts"), default=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NL)
    quiet_hours_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    # Exercises of the police (alerts.Alert.exercise) reach only the members who asked for them here.
    exercise_opt_in = models.BooleanField(
        _("receive exercises"),
        default=False,
        help_text=_("Also receive the police's exercise alerts (each one marked as an exercise)."),
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent given"))
    consent_version = models.CharField(_("consent text version"), max_length=20)
    # Set when a coordinator registered the member (by phone, e.g. a resident without e-mail): the
    # coordinator recorded the consent and vouches for the channels instead of the e-mail link.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Every signed link carries the version it was made with (members/tokens.py): "sign out everywhere"
    # and a change of e-mail address raise it, and every link sent before stops working.
    link_version = models.PositiveIntegerField(_("link version"), default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            # One e-mail address, one member: a second sign-up with it joins the first (no duplicates,
            # even when the form is submitted twice at once).
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="one_member_per_email"
            )
        ]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.business_name or self.name


class Membership(models.Model):
    # Consent comes from the member, never from a coordinator: a resident asks to join (the request
    # counts once they confirm it with the link e-mailed to them), or accepts a coordinator's invitation
    # with the link in the invitation. The one exception is a resident without e-mail whom a coordinator
    # registers after a phone call (Member.registered_by): approved at once, the coordinator vouches.
    #
    # Privacy by default: until the member has confirmed (UNCONFIRMED) or accepted (INVITED), nobody has
    # shown that the person behind the e-mail address wants this BIN to know them. Its coordinators see
    # that such a request exists, its status and date, and nothing of the member: no name (not even
    # initials: in a street of twenty houses initials name a person), no address or position, no phone
    # or e-mail. `shares_data` is that rule; the selectors (`*_read`) apply it to every page, export and
    # API answer.
    """A member's place in one network, from the request to approval (or rejection, or leaving)."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("waiting for e-mail confirmation")
        INVITED = "invited", _("invited, waiting for the member to accept")
        PENDING = "pending", _("waiting for the coordinator")
        APPROVED = "approved", _("member")
        REJECTED = "rejected", _("rejected")
        LEFT = "left", _("left")

    # The statuses in which the member's personal data is withheld from the network's coordinators.
    WITHHELD = (Status.UNCONFIRMED, Status.INVITED)

    member = models.ForeignKey(Member, related_name="memberships", on_delete=models.CASCADE)
    network = models.ForeignKey(Network, related_name="memberships", on_delete=models.CASCADE)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The coordinator whose invitation this is (status INVITED; kept once accepted).
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    # The member's further address this membership is for (the shop, the parents'); None: their own address.
    # It goes with the address: kept without it, it would show that network the member's own address.
    member_address = models.ForeignKey(
        "MemberAddress",
        verbose_name=_("for the address"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "network"], name="one_membership_per_network")
        ]
        indexes = [models.Index(fields=["network", "status"])]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.member} · {self.network} ({self.status})"

    @property
    def shares_data(self) -> bool:
        """Whether the network's coordinators may see the member's personal data through this membership."""
        return self.status not in self.WITHHELD


class NetworkProposal(models.Model):
    """A proposal to start a BIN: the area (drawn, or derived from a list of streets) and the initiators."""

    class Initiator(models.TextChoices):
        RESIDENT = "resident", _("resident")
        ASSOCIATION = "association", _("association")
        MUNICIPALITY = "municipality", _("municipality")

    name = models.CharField(_("proposed name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Network.Kind.choices, default=Network.Kind.BIN)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="proposals")
    initiator_type = models.CharField(_("proposed by"), max_length=12, choices=Initiator.choices)
    initiators = models.JSONField(_("initiators"), help_text=_("Names and contacts of the initiators."))
    streets = models.ManyToManyField(Street, blank=True, related_name="+")
    boundary = models.MultiPolygonField(_("proposed area"), srid=SRID)
    network = models.OneToOneField(
        Network,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
        help_text=_("The network created from this proposal, in the state 'proposed'."),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network proposal")
        verbose_name_plural = _("network proposals")

    def __str__(self):
        return self.name


# A member's own address (Member.address_text, point) is their first; up to four more make five, as BE-Alert
# allows: the parents', the shop, a second home.
MAX_ADDRESSES = 5


class MemberAddress(models.Model):
    # A further address of a member: alerts whose perimeter holds it reach the member too (once per alert,
    # however many of their addresses lie inside: members.reach), through the channels chosen for it. Each
    # one has its own membership of the BIN that covers it (Membership.member_address), and a coordinator
    # sees it only through such a membership of their network (access.permissions.can_see_member_address).
    # The member's own address stays on Member, where every page, map and export already reads it.
    """One of a member's further addresses (at most MAX_ADDRESSES - 1), with the channels used for it."""

    class Label(models.TextChoices):
        HOME = "home", _("home")
        PARENTS = "parents", _("parents")
        SHOP = "shop", _("shop or work")
        OTHER = "other", _("other")

    member = models.ForeignKey(Member, related_name="addresses", on_delete=models.CASCADE)
    label = models.CharField(_("what address"), max_length=10, choices=Label.choices, default=Label.OTHER)
    label_text = models.CharField(_("name"), max_length=60, blank=True)
    address_text = models.CharField(_("address"), max_length=300)
    address = models.ForeignKey(
        Address, verbose_name=_("register address"), on_delete=models.SET_NULL, null=True, blank=True
    )
    point = models.PointField(_("position"), srid=SRID)
    address_unverified = models.BooleanField(_("address not in the register"), default=False)
    # The channels an alert for this address uses, of the member's own (mobile, e-mail, landline).
    sms = models.BooleanField(_("SMS"), default=True)
    email = models.BooleanField(_("e-mail"), default=True)
    voice = models.BooleanField(_("voice call"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("further address")
        verbose_name_plural = _("further addresses")

    def __str__(self):
        return self.label_text or self.address_text


class PushSubscription(models.Model):
    # A phone or browser on which the member turned notifications on (Web Push): the push service's
    # endpoint URL and the browser's keys that encrypt the payload (RFC 8291). The endpoint names one
    # browser install and is personal data like a phone number: only the sender reads it, erasure
    # deletes it (CASCADE), leaving the last network removes it, and a push service that answers 404/410
    # (the browser unsubscribed or was uninstalled) removes it at once.
    """A browser's Web Push subscription: alerts reach the member there as notifications, beside SMS."""

    member = models.ForeignKey(Member, related_name="push_subscriptions", on_delete=models.CASCADE)
    # Unique: the same browser subscribing again (or for another member, on a shared phone) replaces it.
    endpoint = models.URLField(_("push endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=50)
    # The browser and system, for the member's own list ("Firefox on Android"), never more.
    user_agent = models.CharField(_("device"), max_length=60, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_success = models.DateTimeField(_("last notification delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self):
        return f"{self.member_id} · {self.user_agent or self.pk}"
