"""Phone numbers as members type them, checked and stored in E.164 with `phonenumbers`."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["phone_normalise"]

DEFAULT_REGION = "BE"
_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def phone_normalise(*, raw: str, mobile: bool, region: str = DEFAULT_REGION) -> str:
    """`raw` in E.164 (+32470123456), or "" for blank input; ValidationError saying what is wrong.

    National notation (0470 12 34 56) is read in `region`; international notation (+31 6…, 0031 6…) in any
    country. A mobile number must be able to receive SMS: a Belgian landline is refused there.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(raw)s” is not a phone number. Write it like 0470 12 34 56 or +32 470 12 34 56.")
            % {"raw": raw},
            code="invalid_phone",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(raw)s” is not a valid phone number: check the number of digits.") % {"raw": raw},
            code="invalid_phone",
        )
    if mobile and phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValidationError(
            _("“%(raw)s” is not a mobile number; SMS messages need a mobile (e.g. 0470 12 34 56).")
            % {"raw": raw},
            code="not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
