"""Who may do what where (roles), the log of who saw whose personal data, and the log of who was given or
lost which rights."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

__all__ = ["AccessLog", "GrantLog", "Role"]


class Role(models.Model):
    # Permissions are object-level: a coordinator acts on the members of the networks whose
    # `Network.coordinators` name them (that many-to-many is the one record of coordinators), a police
    # officer on the alerts and counts of the police zone of their role, municipality staff on the areas
    # and maps of the municipality of their role. Staff status alone grants nothing here; administrators
    # are superusers. access/permissions.py is the one module that decides from these rows.
    #
    # The scope is a foreign key into the areas app's tables, named by string: access sits below areas in
    # the layering (every app asks it), so its code imports nothing from there.
    """What one police officer or municipality employee may do, and where."""

    class Kind(models.TextChoices):
        POLICE = "police", _("police officer")
        MUNICIPALITY = "municipality", _("municipality staff")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="bin_roles", on_delete=models.CASCADE)
    kind = models.CharField(_("role"), max_length=12, choices=Kind.choices)
    network = models.ForeignKey(
        "areas.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    police_zone = models.ForeignKey(
        "areas.PoliceZone", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    municipality = models.ForeignKey(
        "areas.Municipality", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="role_has_its_scope",
                condition=(
                    models.Q(kind="police", police_zone__isnull=False, municipality__isnull=True)
                    | models.Q(kind="municipality", municipality__isnull=False, police_zone__isnull=True)
                ),
            )
        ]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        scope = self.police_zone or self.municipality
        return f"{self.user} · {self.get_kind_display()} · {scope}"


class AccessLog(models.Model):
    """Who looked at or exported whose personal data, when and why. Kept after the member is erased."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)  # "view", "export", "approve", "erase", …
    # Plain ids, not foreign keys: the log must outlive an erased member without holding their data.
    member_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    network_id = models.BigIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1, help_text=_("How many members the action touched."))
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} ({self.count})"


class GrantLog(models.Model):
    # Written by the database, not by Python: triggers on the tables that hold rights (access_role, the
    # coordinators of a network, auth_user's is_staff and is_superuser; access/sql/grant_log.sql) add a row
    # for every change, whoever makes it: the admin, a service, a management command, a shell, plain SQL.
    # Who acted comes from the transaction's settings `bin.actor_id` and `bin.via`, set by
    # access.audit.acting_as (the admin and access.services do); a change made without it has no actor.
    # Plain ids and names, not foreign keys: the log outlives the accounts it names.
    """One right given or taken away: a coordinator, a role, staff or superuser status. Never edited."""

    class Action(models.TextChoices):
        COORDINATOR_ADDED = "coordinator_added", _("coordinator added")
        COORDINATOR_REMOVED = "coordinator_removed", _("coordinator removed")
        ROLE_GRANTED = "role_granted", _("role granted")
        ROLE_CHANGED = "role_changed", _("role changed")
        ROLE_REVOKED = "role_revoked", _("role revoked")
        STAFF_GRANTED = "staff_granted", _("staff status granted")
        STAFF_REVOKED = "staff_revoked", _("staff status revoked")
        SUPERUSER_GRANTED = "superuser_granted", _("superuser status granted")
        SUPERUSER_REVOKED = "superuser_revoked", _("superuser status revoked")

    at = models.DateTimeField(_("when"), db_default=Now(), db_index=True)
    action = models.CharField(_("what"), max_length=24, choices=Action.choices)
    user_id = models.BigIntegerField(_("account id"), db_index=True)
    username = models.CharField(_("account"), max_length=150, blank=True)
    actor_id = models.BigIntegerField(_("changed by (id)"), null=True, blank=True)
    actor_name = models.CharField(_("changed by"), max_length=150, blank=True)
    via = models.CharField(_("through"), max_length=60, blank=True)
    role_kind = models.CharField(_("role"), max_length=12, blank=True)
    network_id = models.BigIntegerField(_("network id"), null=True, blank=True)
    police_zone_id = models.BigIntegerField(_("police zone id"), null=True, blank=True)
    municipality_id = models.BigIntegerField(_("municipality id"), null=True, blank=True)
    before = models.CharField(_("before"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("grant log entry")
        verbose_name_plural = _("grant log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.username}"
