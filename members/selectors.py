"""Reads on members, memberships, counts and proposals.

Reads of members' personal data (the `*_read` functions) check the reader's permission (access.permissions)
and write the access log themselves: a page, an API view or the admin shows member data only through them.
They also withhold the data of requests the member has not confirmed and invitations not accepted
(Membership.WITHHELD): such a membership comes with a stand-in member that holds the kind and nothing
else, and `withheld` set, so that no page, CSV or API answer can show more. Counts are not personal data
and are not logged.
"""

import copy
from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from access.log import access_log_write
from access.models import AccessLog
from access.permissions import (
    can_manage_members,
    can_see_member,
    coordinator_scope,
    is_coordinator,
    member_counts_scope,
    proposals_scope,
)
from areas.models import Network
from core.geometry import to_wgs84

from .address_selectors import member_addresses_export
from .models import Member, Membership, NetworkProposal, PushSubscription

__all__ = [
    "member_export_data",
    "member_read",
    "memberships_logged",
    "memberships_pending",
    "memberships_pending_read",
    "network_member_counts",
    "network_members_read",
    "networks_coordinated",
    "networks_with_counts",
    "proposals_visible",
    "push_subscriptions_of",
]


def _stand_in(member: Member) -> Member:
    """What a coordinator may know of a member who has not confirmed: the kind. It cannot be saved."""
    return Member(kind=member.kind, name="", address_text="", language="", point=None)


def _at_its_address(membership: Membership) -> Membership:
    """A membership made for a further address (the shop) shows the network that address, not the member's
    own: a copy of the member for display, with that address's fields."""
    further = membership.member_address
    if further is not None:
        member = copy.copy(membership.member)
        member.address_text, member.address = further.address_text, further.address
        member.point, member.address_unverified = further.point, further.address_unverified
        membership.member = member
    return membership


def _data_rule(memberships: list[Membership]) -> list[Membership]:
    """Mark each membership `withheld` or not, and replace the member of the withheld ones (see above)."""
    for m in memberships:
        m.withheld = not m.shares_data
        if m.withheld:
            m.member = _stand_in(m.member)
    return memberships


def networks_coordinated(*, user) -> QuerySet[Network]:
    """The networks whose members `user` manages: their own, or all of them for an administrator."""
    return Network.objects.in_scope(coordinator_scope(user)).select_related("municipality")


def memberships_pending(*, user) -> QuerySet[Membership]:
    """Requests waiting for `user`'s decision, oldest first (for counting; reading them: *_read)."""
    return (
        Membership.objects.filter(
            network__in=networks_coordinated(user=user), status=Membership.Status.PENDING
        )
        .select_related("member", "member__address", "network")
        .order_by("requested_at", "pk")
    )


def memberships_logged(*, user, memberships: list[Membership], action: str, reason: str) -> list[Membership]:
    """Write one access-log row per network for these memberships shown to `user`; returns them."""
    for network_id, count in Counter(m.network_id for m in memberships).items():
        access_log_write(user=user, action=action, network_id=network_id, count=count, reason=reason)
    return memberships


def memberships_pending_read(*, user, reason: str) -> list[Membership]:
    """The approval queue with the members' data: coordinators (and administrators) only. Logged."""
    if not is_coordinator(user):
        raise PermissionDenied(_("Only the coordinators of a BIN manage its members."))
    pending = memberships_pending(user=user).select_related("member_address__address")
    memberships = _data_rule([_at_its_address(m) for m in pending])
    return memberships_logged(user=user, memberships=memberships, action="view", reason=reason)


def network_members_read(
    *, user, network: Network, statuses: list[str] | None = None, action: str = "view", reason: str
) -> list[Membership]:
    """The memberships of one network with their members, by name (all statuses unless given): its
    coordinators (and administrators) only, without the data of unconfirmed requests and invitations.
    Logged as `action` ("view", "export"), with the number of members whose data was shown."""
    if not can_manage_members(user, network):
        raise PermissionDenied(_("You do not coordinate %(name)s.") % {"name": network.name})
    qs = Membership.objects.filter(network=network).select_related(
        "member", "member__address", "member_address__address"
    )
    if statuses:
        qs = qs.filter(status__in=statuses)
    rows = [_at_its_address(m) for m in qs.order_by("member__name", "pk")]
    # The withheld ones last, by date: their names must not even order the list.
    withheld = sorted((m for m in rows if not m.shares_data), key=lambda m: (m.requested_at, m.pk))
    memberships = _data_rule([m for m in rows if m.shares_data] + withheld)
    shown = sum(not m.withheld for m in memberships)
    access_log_write(user=user, action=action, network_id=network.pk, count=shown, reason=reason)
    return memberships


def member_read(*, user, member: Member, reason: str) -> list[Membership]:
    """One member's memberships in the networks `user` coordinates (all of them for an administrator; the
    member's other networks stay hidden): PermissionDenied when there are none, or when the member has
    confirmed none of them (their data is withheld until then). Logged."""
    memberships = [m for m in member.memberships.select_related("network") if m.shares_data]
    if not can_see_member(user, [m.network_id for m in memberships]) or not memberships:
        raise PermissionDenied(_("This member is not in a BIN you coordinate."))
    scope = coordinator_scope(user)
    if not scope.everything:
        memberships = [m for m in memberships if m.network_id in scope.networks]
    access_log_write(
        user=user,
        action="view",
        member_id=member.pk,
        network_id=memberships[0].network_id if len(memberships) == 1 else None,
        reason=reason,
    )
    return memberships


def networks_with_counts(*, user) -> QuerySet[Network]:
    """Networks whose member counts `user` may see: coordinated, of their police zone or municipality."""
    return (
        Network.objects.in_scope(member_counts_scope(user))
        .select_related("municipality", "police_zone")
        .order_by("municipality__name_nl", "name")
    )


def network_member_counts(*, networks) -> dict[int, dict]:
    """Per network id: approved and pending members, and approved members per channel. One query."""
    approved = Q(status=Membership.Status.APPROVED)
    rows = (
        Membership.objects.filter(network__in=networks)
        .values("network_id")
        .annotate(
            approved=Count("pk", filter=approved),
            pending=Count("pk", filter=Q(status=Membership.Status.PENDING)),
            sms=Count("pk", filter=approved & ~Q(member__mobile="")),
            email=Count("pk", filter=approved & ~Q(member__email="")),
            voice=Count("pk", filter=approved & ~Q(member__landline="")),
        )
    )
    empty = {"approved": 0, "pending": 0, "channels": {"sms": 0, "email": 0, "voice": 0}}
    counts = {
        n.pk if isinstance(n, Network) else n: {**empty, "channels": {**empty["channels"]}} for n in networks
    }
    for row in rows:
        counts[row["network_id"]] = {
            "approved": row["approved"],
            "pending": row["pending"],
            "channels": {"sms": row["sms"], "email": row["email"], "voice": row["voice"]},
        }
    return counts


def proposals_visible(*, user) -> QuerySet[NetworkProposal]:
    """Proposals for new BINs that `user` may see: their municipality's, their police zone's, or all."""
    qs = NetworkProposal.objects.select_related("municipality", "network").prefetch_related("streets")
    qs = qs.order_by("-created")
    scope = proposals_scope(user)
    if scope.everything:
        return qs
    return qs.filter(
        Q(municipality_id__in=list(scope.municipalities))
        | Q(municipality__police_zone_id__in=list(scope.police_zones))
    )


def _iso(value):
    return value.isoformat() if value else None


def member_export_data(*, member: Member) -> dict:
    """Everything stored about a member, as JSON-ready data (the GDPR right of access)."""
    point = to_wgs84(member.point)
    memberships = member.memberships.select_related("network").order_by("pk")
    log = AccessLog.objects.filter(member_id=member.pk).select_related("user").order_by("at", "pk")
    networks = dict(
        Network.objects.filter(pk__in={e.network_id for e in log if e.network_id}).values_list("pk", "name")
    )
    return {
        "member": {
            "id": str(member.public_id),
            "kind": member.kind,
            "name": member.name,
            "business_name": member.business_name,
            "business_type": member.business_type,
            "contact_person": member.contact_person,
            "address": member.address_text,
            "register_address": str(member.address) if member.address_id else None,
            "register_address_id": member.address.source_id if member.address_id else None,
            "position": {"type": "Point", "coordinates": [round(point.x, 7), round(point.y, 7)]},
            "address_unverified": member.address_unverified,
            "mobile": member.mobile,
            "email": member.email,
            "pending_email": member.pending_email,
            "landline": member.landline,
            "language": member.language,
            "exercise_opt_in": member.exercise_opt_in,
            "quiet_hours": {
                "from": member.quiet_hours_start.isoformat() if member.quiet_hours_start else None,
                "until": member.quiet_hours_end.isoformat() if member.quiet_hours_end else None,
            },
            "email_confirmed_at": _iso(member.email_confirmed_at),
            "consent": {"at": _iso(member.consent_at), "version": member.consent_version},
            "registered_by_coordinator": member.registered_by_id is not None,
            "created": _iso(member.created),
            "updated": _iso(member.updated),
        },
        "addresses": member_addresses_export(member=member),
        "memberships": [
            {
                "network": m.network.name,
                "network_slug": m.network.slug,
                "status": m.status,
                "requested_at": _iso(m.requested_at),
                "decided_at": _iso(m.decided_at),
                "reason": m.reason,
            }
            for m in memberships
        ],
        # The phones and browsers with notifications on (Web Push): the endpoint names the browser install.
        "push_subscriptions": [
            {"device": p.user_agent, "endpoint": p.endpoint, "created": _iso(p.created)}
            for p in member.push_subscriptions.order_by("pk")
        ],
        "access_log": [
            {
                "at": _iso(e.at),
                "action": e.action,
                "by": (e.user.get_full_name() or e.user.username) if e.user else None,
                "network": networks.get(e.network_id),
                "members_in_view": e.count,
                "reason": e.reason,
            }
            for e in log
        ],
    }


def push_subscriptions_of(*, member_ids: list[int]) -> dict[int, list]:
    """The Web Push subscriptions of these members, by member id: for the sender only (personal data)."""
    found: dict[int, list] = {}
    for subscription in PushSubscription.objects.filter(member_id__in=member_ids).order_by("id"):
        found.setdefault(subscription.member_id, []).append(subscription)
    return found
