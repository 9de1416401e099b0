"""Helpers shared by the membership services: channel and preference checks, the result of a join, and
what follows once a member proved they own their e-mail address."""

from dataclasses import dataclass, field
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Network

from ..emails import email_staff
from ..models import Member, Membership
from ..phones import phone_normalise


@dataclass
class JoinResult:
    member: Member
    memberships: list[Membership]
    created: bool  # a new member; False: an existing one (same e-mail) asked again
    email_sent: str = ""  # the template of the e-mail sent, "" when none was
    networks_refused: list[Network] = field(default_factory=list)


def _requests_confirmed(member: Member) -> list[Membership]:
    """The member proved their address: their requests waiting for that go to the coordinators (inside
    the caller's transaction; `_coordinators_told` after it)."""
    waiting = list(
        member.memberships.select_for_update()
        .filter(status=Membership.Status.UNCONFIRMED)
        .select_related("network")
    )
    for m in waiting:
        m.status = Membership.Status.PENDING
        m.requested_at = timezone.now()
        m.save(update_fields=["status", "requested_at"])
    return waiting


def _coordinators_told(memberships: list[Membership]) -> None:
    """E-mail the coordinators of these requests that one waits for them (no member data in it)."""
    for m in memberships:
        email_staff(
            users=m.network.coordinators.all(), template="coordinator_pending", context={"network": m.network}
        )


# --- validation shared by join and self-service ------------------------------------------------------


def _clean_channels(errors, *, mobile: str, email: str, landline: str) -> tuple[str, str, str]:
    try:
        mobile = phone_normalise(raw=mobile, mobile=True)
    except ValidationError as exc:
        errors["mobile"] += exc.messages
    try:
        landline = phone_normalise(raw=landline, mobile=False)
    except ValidationError as exc:
        errors["landline"] += exc.messages
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"].append(_("“%(email)s” is not a valid e-mail address.") % {"email": email})
    return mobile, email, landline


def _clean_preferences(
    errors, *, language: str, quiet_hours_start: time | None, quiet_hours_end: time | None
):
    if language not in Member.Language.values:
        errors["language"].append(_("Choose one of the languages offered."))
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        errors["quiet_hours_end"].append(
            _("Give both the start and the end of your quiet hours, or neither.")
        )
    elif quiet_hours_start is not None and quiet_hours_start == quiet_hours_end:
        errors["quiet_hours_end"].append(_("Quiet hours cannot start and end at the same time."))


def _raise(errors) -> None:
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)
