"""The signed links members act through: they have no account, the link in their e-mail is the key.

Each purpose has its own salt, so a self-service link cannot be replayed as a confirmation and back. A
confirmation link also carries a digest of the e-mail address it confirms: once the member changes the
address, links sent to the old one stop working.
"""

import uuid

from django.core import signing
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from . import conf
from .models import Member

__all__ = ["CONFIRM", "MANAGE", "LinkError", "email_digest", "token_make", "token_read"]

CONFIRM = "members.confirm"
MANAGE = "members.manage"


class LinkError(Exception):
    """A link that cannot be used; `expired` tells the two cases apart, the message is for the reader."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def email_digest(email: str) -> str:
    return salted_hmac("members.email", email.strip().lower()).hexdigest()[:20]


def _max_age(purpose: str) -> int:
    return conf.confirm_max_age() if purpose == CONFIRM else conf.manage_max_age()


def token_make(*, member: Member, purpose: str, email: str | None = None) -> str:
    """A signed, timestamped token for `member` (for CONFIRM: for the address `email`, default theirs)."""
    payload = {"m": member.public_id.hex}
    if purpose == CONFIRM:
        payload["e"] = email_digest(email if email is not None else member.email)
    return signing.dumps(payload, salt=purpose, compress=True)


def token_read(*, token: str, purpose: str) -> tuple[Member, dict]:
    """The member a token names and its payload, or LinkError (expired, forged, or member gone)."""
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
        raise LinkError(
            _("This link is not valid. Copy the whole link from the e-mail, or ask for a new one.")
        ) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("m"), str):
        raise LinkError(
            _("This link is not valid. Copy the whole link from the e-mail, or ask for a new one.")
        )
    try:
        member = Member.objects.filter(public_id=uuid.UUID(payload["m"])).first()
    except ValueError:
        member = None
    if member is None:
        raise LinkError(_("This link no longer works: the registration it belongs to was erased."))
    return member, payload
