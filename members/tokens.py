"""The signed links members act through: they have no account, the link in their e-mail is the key.

Each purpose has its own salt, so a self-service link cannot be replayed as a confirmation and back. Every
link names the member, the digest of an e-mail address and the member's link version:

- a self-service (MANAGE) or invitation (INVITE) link works only while the member's e-mail address is the
  one it was sent to: once the address changes, links sent to the old one stop working;
- a confirmation (CONFIRM) link confirms the address it was sent to (the current one, or the new one the
  member asked for);
- "sign out everywhere" and a change of e-mail address raise `Member.link_version`: every link made
  before stops working, whatever its age (links are valid for days, and cannot be recalled otherwise).

Links go in e-mails only (SMS carry the alerts' reaction links): about 150 characters.
"""

import uuid

from django.core import signing
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from . import conf
from .models import Member

__all__ = ["CONFIRM", "INVITE", "MANAGE", "LinkError", "email_digest", "token_make", "token_read"]

CONFIRM = "members.confirm"
MANAGE = "members.manage"
INVITE = "members.invite"

# The purposes whose links are bound to the member's current e-mail address.
_BOUND_TO_EMAIL = (MANAGE, INVITE)


class LinkError(Exception):
    """A link that cannot be used; `expired` tells the two cases apart, the message is for the reader."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def email_digest(email: str) -> str:
    return salted_hmac("members.email", email.strip().lower()).hexdigest()[:20]


def _max_age(purpose: str) -> int:
    return conf.manage_max_age() if purpose == MANAGE else conf.confirm_max_age()


def token_make(
    *, member: Member, purpose: str, email: str | None = None, network_id: int | None = None
) -> str:
    """A signed, timestamped token for `member`, for the address `email` (default: theirs) and, for an
    INVITE, the network `network_id`."""
    payload = {
        "m": member.public_id.hex,
        "e": email_digest(email if email is not None else member.email),
        "v": member.link_version,
    }
    if purpose == INVITE:
        payload["n"] = network_id
    return signing.dumps(payload, salt=purpose, compress=True)


def _invalid() -> LinkError:
    return LinkError(_("This link is not valid. Copy the whole link from the e-mail, or ask for a new one."))


def _payload(token: str, purpose: str) -> dict:
    days = _max_age(purpose) // 86400
    try:
        payload = signing.loads(token, salt=purpose, max_age=_max_age(purpose))
    except signing.SignatureExpired as exc:
        raise LinkError(
            _("This link has expired: links are valid for %(days)s days. Ask for a new one below.")
            % {"days": days},
            expired=True,
        ) from exc
    except signing.BadSignature as exc:
        raise _invalid() from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("m"), str):
        raise _invalid()
    return payload


def token_read(*, token: str, purpose: str) -> tuple[Member, dict]:
    """The member a token names and its payload, or LinkError (expired, forged, cancelled, sent to an
    address the member no longer uses, or member gone)."""
    payload = _payload(token, purpose)
    try:
        member = Member.objects.filter(public_id=uuid.UUID(payload["m"])).first()
    except ValueError:
        member = None
    if member is None:
        raise LinkError(_("This link no longer works: the registration it belongs to was erased."))
    if purpose in _BOUND_TO_EMAIL and payload.get("e") != email_digest(member.email):
        raise LinkError(
            _("This link was sent to an e-mail address this registration no longer uses."), expired=True
        )
    # Links made before link versions existed carry none: a confirmation link was bound to its address
    # already and counts as version 0; a self-service link was not (it has no "e" either, see above).
    if payload.get("v", 0) != member.link_version:
        raise LinkError(
            _(
                "This link was cancelled: a newer one replaced it (after “sign out everywhere” or a change "
                "of e-mail address). Ask for a new one below."
            ),
            expired=True,
        )
    return member, payload
