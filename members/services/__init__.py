"""Writes on members: join, confirm, decide, change, leave, export, erase; and proposing a new BIN.

The web pages, the API and the demo command all go through these functions. Each raises Django's
ValidationError (a dict of field -> messages, for the form or the API to show) or PermissionDenied, and
changes nothing when it does.

Rules decided here (see also the module docstrings of tokens.py and emails.py):

- A resident joins online with an e-mail address: the double opt-in link and the self-service link travel by
  e-mail, and without it anyone could sign up somebody else's mobile for SMS alerts. A resident without
  e-mail asks the coordinator, who registers them after a phone call (`registered_by`): then a mobile or a
  landline is enough, the membership is approved at once and the coordinator's name is recorded. A
  coordinator who gives an e-mail address invites instead (invitations.py): the owner of the address
  accepts or not, and nobody is enrolled, re-approved or taken over by a coordinator.
- One e-mail address is one member (a household sharing an address is one member). Signing up again with
  the same address never creates a second member: an unconfirmed registration is replaced by the newer form
  (nobody proved they own the address yet), a confirmed one keeps its data (changes go through the
  self-service link), and the link is sent again.
- Only an exact match in the address register (a house number that exists, with or without its box) is a
  register address. Otherwise a position given by the resident, or else the lookup's estimate between the
  neighbouring numbers, is stored with `address_unverified` for the coordinator to check.
"""

from .addresses import member_address_add, member_address_channels, member_address_remove
from .invitations import invitation_accept, invitation_decline, invitation_read, invitations_send
from .joining import JoinResult, ResolvedAddress, member_confirm_email, member_join, member_request_link
from .membership import (
    member_erase,
    member_export,
    member_links_revoke,
    member_update_preferences,
    members_purge_unconfirmed,
    membership_decide,
    membership_leave,
)
from .proposals import network_propose
from .push import (
    push_subscription_delete,
    push_subscription_save,
    push_subscriptions_delivered,
    push_subscriptions_drop_if_gone,
    push_subscriptions_expire,
)

__all__ = [
    "JoinResult",
    "ResolvedAddress",
    "invitation_accept",
    "invitation_decline",
    "invitation_read",
    "invitations_send",
    "member_address_add",
    "member_address_channels",
    "member_address_remove",
    "member_confirm_email",
    "member_erase",
    "member_export",
    "member_join",
    "member_links_revoke",
    "member_request_link",
    "member_update_preferences",
    "members_purge_unconfirmed",
    "membership_decide",
    "membership_leave",
    "network_propose",
    "push_subscription_delete",
    "push_subscription_save",
    "push_subscriptions_delivered",
    "push_subscriptions_drop_if_gone",
    "push_subscriptions_expire",
]
