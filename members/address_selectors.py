"""Reads of members' further addresses (MemberAddress): what a coordinator may see of them, and their part
of the member's own download. The `*_read` selectors of members.selectors log the reading itself."""

from access.permissions import can_see_member_address
from core.geometry import to_wgs84

from .models import Member, MemberAddress, Membership

__all__ = ["member_addresses_export", "member_addresses_visible", "own_address_visible"]


def member_addresses_visible(*, user, member: Member) -> list[MemberAddress]:
    """The further addresses of `member` that `user` may see: those with a membership made for them in a
    network `user` coordinates that shares the member's data (confirmed, not an open invitation)."""
    addresses = list(member.addresses.prefetch_related("memberships"))
    return [
        a
        for a in addresses
        if can_see_member_address(user, [m.network_id for m in a.memberships.all() if m.shares_data])
    ]


def own_address_visible(*, user, memberships: list[Membership]) -> bool:
    """Whether `user` sees the member's own address through `memberships` (those member_read gave them): not
    when each of them was made for a further address (the shop's BIN sees the shop, not the home)."""
    return any(m.member_address_id is None for m in memberships) or can_see_member_address(user, [])


def member_addresses_export(*, member: Member) -> list[dict]:
    """The member's further addresses for their own download (the GDPR right of access and portability)."""
    rows = []
    for a in member.addresses.select_related("address").prefetch_related("memberships__network"):
        point = to_wgs84(a.point)
        rows.append(
            {
                "label": a.label,
                "name": a.label_text,
                "address": a.address_text,
                "register_address_id": a.address.source_id if a.address_id else None,
                "position": {"type": "Point", "coordinates": [round(point.x, 7), round(point.y, 7)]},
                "address_unverified": a.address_unverified,
                "channels": {"sms": a.sms, "email": a.email, "voice": a.voice},
                "networks": [m.network.slug for m in a.memberships.all()],
                "created": a.created.isoformat(),
            }
        )
    return rows
