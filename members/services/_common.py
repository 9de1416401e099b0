"""Helpers shared by the membership services: channel and preference checks."""

from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ..models import Member
from ..phones import phone_normalise

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
