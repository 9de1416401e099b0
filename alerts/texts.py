"""The one check every text the police send goes through: an alert's message, an update, a cancel, the
feedback and its outcome, and the tips of the library (alert_prepare, alert_follow_up, the tip API).

A message travels by SMS, by e-mail and as CAP XML. Control characters have no place in any of them, and
XML 1.0 cannot even carry most of them (a CAP document with U+0001 in it is not well-formed), so they are
refused where the text comes in, with a message that says where. Line breaks and tabs are text; a Windows
line break (CR LF) or a lone CR becomes LF. Exports of texts stored before this check strip what XML
cannot carry (cap.py: xml_safe).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = ["CONTROL_CHARACTERS", "text_checked", "xml_safe"]

# C0 controls but tab and line feed (CR is normalised away first), DEL and the C1 controls; lone
# surrogates (JSON can carry "\ud800", a Python str holds it, no encoder writes it) and the two
# non-characters XML 1.0 excludes.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def text_checked(
    text: str | None, *, field: str = "message", max_chars: int | None = None, required: bool = True
) -> str:
    """`text` without surrounding blanks and with LF line breaks; ValidationError under `field` when it is
    empty (and `required`), longer than `max_chars` (default BIN_ALERT_MAX_MESSAGE_CHARS) or holds a
    control character."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if required:
            raise ValidationError({field: _("The message is empty.")})
        return ""
    limit = settings.BIN_ALERT_MAX_MESSAGE_CHARS if max_chars is None else max_chars
    if len(text) > limit:
        raise ValidationError(
            {
                field: _("The message has %(n)s characters; the limit is %(limit)s.")
                % {"n": len(text), "limit": limit}
            }
        )
    found = CONTROL_CHARACTERS.search(text)
    if found:
        n = len(CONTROL_CHARACTERS.findall(text))
        raise ValidationError(
            {
                field: ngettext(
                    "The text holds %(n)s control character (the first, U+%(code)04X, at position "
                    "%(position)s); remove it.",
                    "The text holds %(n)s control characters (the first, U+%(code)04X, at position "
                    "%(position)s); remove them.",
                    n,
                )
                % {"n": n, "code": ord(found.group()), "position": found.start() + 1}
            }
        )
    return text


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (for texts stored before text_checked)."""
    return CONTROL_CHARACTERS.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
