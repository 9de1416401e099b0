"""A member's further addresses (up to five in all): add one with a request to join the BIN covering it,
choose its channels, remove it (leaving the memberships made for it). Self-service, by the signed link."""

from collections import defaultdict

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import MAX_ADDRESSES, Member, MemberAddress, Membership
from ._common import _coordinators_told, _raise
from .joining import _membership_request, _networks_for_point, _resolve_address
from .membership import membership_leave

__all__ = ["member_address_add", "member_address_channels", "member_address_remove"]

# Memberships that still hold a place in the network: a further address in that BIN needs no request.
_ACTIVE = (
    Membership.Status.UNCONFIRMED,
    Membership.Status.INVITED,
    Membership.Status.PENDING,
    Membership.Status.APPROVED,
)


def _check_room(errors, *, member: Member) -> None:
    # The caller holds the member's row locked: two additions at once cannot both pass this count.
    if 1 + member.addresses.count() >= MAX_ADDRESSES:
        errors["address"].append(
            ngettext(
                "You have %(count)d address already, the most we keep: remove one first.",
                "You have %(count)d addresses already, the most we keep: remove one first.",
                MAX_ADDRESSES,
            )
            % {"count": MAX_ADDRESSES}
        )


def member_address_add(
    *,
    member: Member,
    address_text: str,
    network_slugs: list[str],
    label: str = MemberAddress.Label.OTHER,
    label_text: str = "",
    free_point: Point | None = None,
    sms: bool = True,
    email: bool = True,
    voice: bool = True,
) -> tuple[MemberAddress, list[Membership]]:
    """Add a further address and ask to join the BINs chosen for it (they must cover it). A BIN the member
    is already in (or asked for) needs no second request: one membership per network and member.

    The request goes to the coordinators at once when the member's e-mail address is confirmed: the signed
    link they used proves it again. Otherwise it waits for that confirmation, as a sign-up does."""
    errors = defaultdict(list)
    if label not in MemberAddress.Label.values:
        errors["label"].append(_("Choose what address this is."))
    label_text = " ".join((label_text or "").split())[:60]
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        _check_room(errors, member=member)
        _raise(errors)
        resolved = _resolve_address(errors, address_text=address_text or "", free_point=free_point)
        networks = []
        if any(s.strip() for s in network_slugs):
            networks = _networks_for_point(
                errors, slugs=network_slugs, point=resolved.point if resolved else None, kind=member.kind
            )
        _raise(errors)
        address = MemberAddress.objects.create(
            member=member,
            label=label,
            label_text=label_text,
            address_text=resolved.text,
            address=resolved.address,
            point=resolved.point,
            address_unverified=resolved.unverified,
            sms=sms,
            email=email,
            voice=voice,
        )
        held = set(member.memberships.filter(status__in=_ACTIVE).values_list("network_id", flat=True))
        requested = []
        for network in networks:
            if network.pk in held:
                continue
            membership = _membership_request(member, network, None)
            if member.email_confirmed_at is not None:
                membership.status = Membership.Status.PENDING
            membership.member_address = address
            membership.save(update_fields=["status", "member_address"])
            requested.append(membership)
    _coordinators_told([m for m in requested if m.status == Membership.Status.PENDING])
    return address, requested


def _own_address(*, member: Member, address_id: int) -> MemberAddress:
    address = MemberAddress.objects.filter(member=member, pk=address_id).first()
    if address is None:  # someone else's, or removed meanwhile: the same answer, nothing told
        raise ValidationError({"address": [_("This address is not one of yours.")]})
    return address


def member_address_channels(
    *, member: Member, address_id: int, sms: bool, email: bool, voice: bool
) -> MemberAddress:
    """Choose the channels an alert for this further address uses (all off: alerts for it reach nobody)."""
    address = _own_address(member=member, address_id=address_id)
    address.sms, address.email, address.voice = sms, email, voice
    address.save(update_fields=["sms", "email", "voice"])
    return address


def member_address_remove(*, member: Member, address_id: int) -> list[Membership]:
    """Remove a further address: the member leaves the memberships made for it (and is told, as when
    leaving), which then go with it (Membership.member_address): its coordinators no longer see the member
    at all. Alerts for it no longer reach them. Returns the memberships left."""
    with transaction.atomic():
        address = _own_address(member=member, address_id=address_id)
        left = [
            membership_leave(member=member, network=m.network)
            for m in address.memberships.filter(status__in=_ACTIVE).select_related("network")
        ]
        address.delete()
    return left
