"""The e-mails of the membership flows, rendered in the reader's language from members/email/ templates.

Every e-mail to a member carries their self-service link. Mails to members are sent inside the service's
transaction: when the SMTP server refuses one, the request is not stored either and the page says so.
Mails to staff (coordinators, police, municipality) never carry member data; a failure to send one is
logged and does not undo the member's action.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import conf
from .models import Member
from .tokens import CONFIRM, INVITE, MANAGE, token_make

__all__ = ["confirm_url", "email_member", "email_staff", "email_to", "invitation_url", "manage_url"]

logger = logging.getLogger(__name__)


def _member_link(member: Member, name: str, token: str) -> str:
    """The absolute link to page `name` under the member's language prefix (/fr/… for a French member),
    whichever language the request or task that sends it speaks."""
    with translation.override(member.language or settings.LANGUAGE_CODE):
        return conf.public_url() + reverse(name, args=[token])


def manage_url(member: Member) -> str:
    return _member_link(member, "members:manage", token_make(member=member, purpose=MANAGE))


def confirm_url(member: Member, *, email: str | None = None) -> str:
    token = token_make(member=member, purpose=CONFIRM, email=email)
    return _member_link(member, "members:confirm", token)


def invitation_url(member: Member, network) -> str:
    """The link to accept or decline a coordinator's invitation to `network`."""
    token = token_make(member=member, purpose=INVITE, network_id=network.pk)
    return _member_link(member, "members:invitation", token)


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"members/email/{template}_subject.txt", context)
    body = render_to_string(f"members/email/{template}.txt", context)
    return " ".join(subject.split()), body


def email_member(
    *, member: Member, template: str, context: dict | None = None, to: str | None = None
) -> None:
    """Send `template` to the member (or to `to`), in their language, with their self-service link."""
    address = to or member.email
    if not address:
        return
    with translation.override(member.language):
        ctx = {
            "member": member,
            "manage_url": manage_url(member),
            "site_url": conf.public_url(),
            "manage_days": conf.manage_max_age() // 86400,
            "confirm_days": conf.confirm_max_age() // 86400,
            **(context or {}),
        }
        subject, body = _render(template, ctx)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()


def email_staff(*, users, template: str, context: dict | None = None) -> int:
    """Send `template` to each user with an e-mail address, in the site language; return how many went."""
    sent = 0
    addresses = sorted({u.email for u in users if u.email and u.is_active})
    if not addresses:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _render(template, {"site_url": conf.public_url(), **(context or {})})
    for address in addresses:
        try:
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
            sent += 1
        except OSError:  # smtplib.SMTPException is an OSError too
            logger.exception("could not send %s to a staff member", template)
    return sent


def email_to(*, address: str, template: str, context: dict | None = None) -> None:
    """Send `template` to someone who is not a member (an initiator of a BIN), in the current language."""
    subject, body = _render(template, {"site_url": conf.public_url(), **(context or {})})
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
