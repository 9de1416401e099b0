"""A membership after joining: the coordinator's decision, the member's changes, leaving, export, erasure."""

from collections import defaultdict
from datetime import time

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access.log import access_log_write
from access.permissions import can_manage_members
from areas.models import Network

from .. import conf
from ..emails import confirm_url, email_member
from ..erasure import erasure_steps
from ..models import Member, Membership
from ..selectors import member_export_data
from ._common import _clean_channels, _clean_preferences, _raise
from .push import push_subscriptions_drop_if_gone

__all__ = [
    "member_erase",
    "member_export",
    "member_links_revoke",
    "member_update_preferences",
    "members_purge_unconfirmed",
    "membership_decide",
    "membership_leave",
]

# --- coordinators -------------------------------------------------------------------------------------


def membership_decide(*, user, membership: Membership, approve: bool, reason: str = "") -> Membership:
    """A coordinator approves or rejects (with a reason) a confirmed request; the member is told."""
    if not can_manage_members(user, membership.network):
        raise PermissionDenied(_("You do not coordinate %(name)s.") % {"name": membership.network.name})
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": [_("Give the reason for the rejection: the member will read it.")]})
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("member", "network").get(pk=membership.pk)
        )
        if membership.status != Membership.Status.PENDING:
            raise ValidationError(
                {
                    "status": [
                        _("This request is not waiting for a decision (it is: %(status)s).")
                        % {"status": membership.get_status_display()}
                    ]
                }
            )
        membership.status = Membership.Status.APPROVED if approve else Membership.Status.REJECTED
        membership.decided_at = timezone.now()
        membership.decided_by = user
        membership.reason = reason
        membership.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        access_log_write(
            user=user,
            action="approve" if approve else "reject",
            member_id=membership.member_id,
            network_id=membership.network_id,
            reason="decision on a membership request",
        )
        email_member(
            member=membership.member,
            template="membership_approved" if approve else "membership_rejected",
            context={"network": membership.network, "reason": reason},
        )
    return membership


# --- self-service -------------------------------------------------------------------------------------


def member_update_preferences(
    *,
    member: Member,
    mobile: str,
    email: str,
    landline: str,
    language: str,
    quiet_hours_start: time | None = None,
    quiet_hours_end: time | None = None,
    exercise_opt_in: bool | None = None,
    voice_calls: bool | None = None,
    sms_opt_out: bool | None = None,
) -> tuple[Member, bool]:
    """Change channels, language, quiet hours and whether the member receives the police's exercises (None:
    as it was). A new e-mail address counts once confirmed (True then)."""
    errors = defaultdict(list)
    mobile, email, landline = _clean_channels(errors, mobile=mobile, email=email, landline=landline)
    _clean_preferences(
        errors, language=language, quiet_hours_start=quiet_hours_start, quiet_hours_end=quiet_hours_end
    )
    if not email and member.email and not errors["email"]:
        errors["email"].append(
            _(
                "Your e-mail address is how your links reach you and cannot be removed. To receive nothing "
                "any more, leave your BIN or erase your registration."
            )
        )
    if not (email or mobile or landline) and not errors["mobile"]:
        errors["mobile"].append(_("Keep at least one way to reach you."))
    new_email = bool(email) and email.lower() != member.email.lower()
    taken = new_email and Member.objects.filter(email__iexact=email).exclude(pk=member.pk).exists()
    if taken and not errors["email"]:
        errors["email"].append(_("This e-mail address is already used by another registration."))
    _raise(errors)
    with transaction.atomic():
        member.mobile, member.landline, member.language = mobile, landline, language
        member.quiet_hours_start, member.quiet_hours_end = quiet_hours_start, quiet_hours_end
        if exercise_opt_in is not None:
            member.exercise_opt_in = exercise_opt_in
        if voice_calls is not None:  # urgent alerts by phone call (alerts.recipients)
            member.voice_calls = voice_calls
        if sms_opt_out is not None:  # as a STOP / START reply by SMS does (alerts.inbound)
            member.sms_opt_out = sms_opt_out
        member.pending_email = email if new_email else ""
        member.save()
        if new_email:
            email_member(
                member=member,
                template="email_change",
                context={"confirm_url": confirm_url(member, email=email)},
                to=email,
            )
        email_member(member=member, template="preferences_changed", context={"email_pending": new_email})
    return member, new_email


def membership_leave(*, member: Member, network: Network) -> Membership:
    """The member leaves one network; they are told, with the link to join again or erase everything.

    A request they never confirmed, or an invitation they did not accept, simply goes: it never shared
    their data with the network, and leaving must not start to."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(member=member, network=network)
            .exclude(status__in=[Membership.Status.LEFT, Membership.Status.REJECTED])
            .first()
        )
        if membership is None:
            raise ValidationError(
                {"network": [_("You are not a member of %(name)s.") % {"name": network.name}]}
            )
        if membership.status in Membership.WITHHELD:
            membership.delete()
        else:
            membership.status = Membership.Status.LEFT
            membership.decided_at = timezone.now()
            membership.decided_by = None
            membership.reason = ""
            membership.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        push_subscriptions_drop_if_gone(member=member)
        email_member(member=member, template="membership_left", context={"network": network})
    return membership


def member_links_revoke(*, member: Member) -> Member:
    """Sign out everywhere: every link sent to the member so far stops working (and an e-mail change
    waiting for its confirmation is cancelled); a new self-service link goes to their address."""
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(link_version=F("link_version") + 1, pending_email="")
        member.refresh_from_db()
        email_member(member=member, template="links_revoked")
    return member


def member_export(*, member: Member, user=None) -> dict:
    """Everything stored about the member, for download; the download itself is logged."""
    access_log_write(
        user=user,
        action="export",
        member_id=member.pk,
        reason="self-service download of the member's own data"
        if user is None
        else "export of a member's data",
    )
    return member_export_data(member=member)


def member_erase(*, member: Member, user=None, reason: str = "erased by the member") -> int:
    """Delete the member and their memberships at once; the access log keeps the bare id. Returns the id."""
    with transaction.atomic():
        member_id = member.pk
        membership_ids = [str(pk) for pk in member.memberships.values_list("pk", flat=True)]
        access_log_write(user=user, action="erase", member_id=member_id, reason=reason)
        # The admin's history names objects by their str(), which is the member's name: keep the entries,
        # drop the name.
        types = ContentType.objects.get_for_models(Member, Membership)
        LogEntry.objects.filter(content_type=types[Member], object_id=str(member_id)).update(
            object_repr=f"erased member {member_id}", change_message=""
        )
        LogEntry.objects.filter(content_type=types[Membership], object_id__in=membership_ids).update(
            object_repr=f"membership of erased member {member_id}", change_message=""
        )
        # What other apps hold of them (alerts: their reactions stay, without them).
        for step in erasure_steps():
            step(member=member)
        member.delete()
    return member_id


def members_purge_unconfirmed(*, older_than_seconds: int | None = None) -> int:
    """Erase sign-ups whose e-mail was never confirmed within the link's lifetime, and withdraw the
    invitations whose link expired. Returns how many sign-ups were erased."""
    age = older_than_seconds if older_than_seconds is not None else conf.confirm_max_age()
    cutoff = timezone.now() - timezone.timedelta(seconds=age)
    Membership.objects.filter(status=Membership.Status.INVITED, requested_at__lt=cutoff).delete()
    stale = Member.objects.filter(
        email_confirmed_at__isnull=True, registered_by__isnull=True, created__lt=cutoff
    )
    count = 0
    for member in stale:
        member_erase(member=member, reason="sign-up never confirmed")
        count += 1
    return count
