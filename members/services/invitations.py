"""Invitations: a coordinator asks someone with an e-mail address to join their BIN; the person decides.

A coordinator who registers a resident with an e-mail address enrols nobody. Whoever the address belongs
to — nobody yet, a member of another BIN, someone who left or was refused, an unconfirmed sign-up — gets an
e-mail with a link to accept or decline, and becomes a member only by accepting it. Until then the
coordinator sees that an invitation is open and nothing of the person (Membership.WITHHELD); an existing
registration keeps its own data (nothing the coordinator typed replaces it); the coordinator's page says
the same whichever case it was (only a member already in this BIN, whom the coordinator sees anyway, is
told apart), so that it tells nothing about who is registered elsewhere. A new registration made
for an invitation that is never accepted is erased with the unconfirmed sign-ups, and open invitations
expire with their link.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.log import access_log_write
from areas.models import Network
from areas.selectors import networks_covering_points

from .. import conf
from ..emails import email_member, invitation_url
from ..models import Member, Membership
from ..tokens import INVITE, LinkError, token_read
from ._common import JoinResult, _coordinators_told, _requests_confirmed
from .membership import member_erase

__all__ = ["invitation_accept", "invitation_decline", "invitation_read", "invitations_send"]

# An invitation leaves these memberships as they are: the member is in, or waits for the decision.
_STANDING = (Membership.Status.APPROVED, Membership.Status.PENDING)


def invitations_send(*, fields: dict, networks: list[Network], user, notify: bool = True) -> JoinResult:
    """Invite the owner of `fields["email"]` to `networks` on behalf of the coordinator `user`.

    A new address becomes a new, unconfirmed registration with what the coordinator typed; a known one
    keeps its data. Memberships that stand (approved, pending) do not change; any other becomes an
    invitation, and one e-mail goes to the address."""
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(email__iexact=fields["email"]).first()
        created = member is None
        if created:
            try:
                with transaction.atomic():
                    member = Member.objects.create(**{**fields, "registered_by": None})
            except IntegrityError:  # created at the same moment by a sign-up online
                member = Member.objects.select_for_update().get(email__iexact=fields["email"])
                created = False
        memberships = [_invitation(member, network, user) for network in networks]
        invited = [m for m in memberships if m.status == Membership.Status.INVITED]
        sent = ""
        if notify and invited:
            for m in invited:
                email_member(
                    member=member,
                    template="invitation",
                    context={
                        "network": m.network,
                        "inviter": user.get_full_name(),  # never the login name
                        "invitation_url": invitation_url(member, m.network),
                        "invitation_days": conf.confirm_max_age() // 86400,
                    },
                )
            sent = "invitation"
    for m in invited:
        access_log_write(
            user=user,
            action="invite",
            member_id=member.pk,
            network_id=m.network_id,
            reason="coordinator invited a resident by e-mail",
        )
    return JoinResult(member, memberships, created, sent)


def _invitation(member: Member, network: Network, user) -> Membership:
    now = timezone.now()
    fresh = {
        "status": Membership.Status.INVITED,
        "invited_by": user,
        "decided_at": None,
        "decided_by": None,
        "reason": "",
    }
    membership, created = Membership.objects.select_for_update().get_or_create(
        member=member, network=network, defaults=fresh
    )
    if not created and membership.status not in _STANDING:
        for key, value in fresh.items():
            setattr(membership, key, value)
        membership.requested_at = now
        membership.save()
    return membership


def invitation_read(*, token: str) -> Membership:
    """The open invitation a link names, or LinkError (expired, cancelled, answered, withdrawn)."""
    member, payload = token_read(token=token, purpose=INVITE)
    membership = (
        Membership.objects.filter(
            member=member, network_id=payload.get("n"), status=Membership.Status.INVITED
        )
        .select_related("network", "invited_by", "member")
        .first()
    )
    if membership is None:
        raise LinkError(_("This invitation has already been answered, or it was withdrawn."))
    return membership


def invitation_accept(*, token: str) -> Membership:
    """The member accepts: they are a member at once (the coordinator asked them), their e-mail address
    is confirmed by the link, and their consent is recorded now."""
    membership = invitation_read(token=token)
    member, network = membership.member, membership.network
    (covering,) = networks_covering_points(points=[member.point])
    if network.pk not in {c.network.pk for c in covering} or not network.is_live:
        raise LinkError(
            _("%(name)s does not cover the address of your registration, or takes no new members.")
            % {"name": network.name}
        )
    now = timezone.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.status != Membership.Status.INVITED:
            raise LinkError(_("This invitation has already been answered, or it was withdrawn."))
        member.email_confirmed_at = member.email_confirmed_at or now
        member.consent_at, member.consent_version = now, conf.consent_version()
        member.save(update_fields=["email_confirmed_at", "consent_at", "consent_version", "updated"])
        membership.status = Membership.Status.APPROVED
        membership.decided_at, membership.decided_by = now, membership.invited_by
        membership.save(update_fields=["status", "decided_at", "decided_by"])
        # Following the link proved the address: their own requests waiting for that go on too.
        waiting = _requests_confirmed(member)
        email_member(member=member, template="membership_approved", context={"network": network})
    _coordinators_told(waiting)
    membership.network, membership.member = network, member
    return membership


def invitation_decline(*, token: str) -> Member | None:
    """The member declines: the invitation goes. A registration that existed only for it goes too (None
    then); otherwise the member, unchanged."""
    membership = invitation_read(token=token)
    member = membership.member
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk, status=Membership.Status.INVITED).delete()
        alone = member.email_confirmed_at is None and not member.memberships.exists()
        if alone:
            member_erase(member=member, reason="declined a coordinator's invitation")
            return None
    return member
