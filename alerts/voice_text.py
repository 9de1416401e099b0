"""What a voice call reads: the alert in the member's language, numbers digit by digit, the keypad options.

The gateway gets the same words twice: as SSML (numbers in <say-as interpret-as="digits">, the officer's
text escaped: it is user text and must never become markup) and as plain text for a gateway without SSML
(the digits then spaced out, which text-to-speech engines read one by one).
"""

import re
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.country import profile

from .backends.base import OutgoingMessage
from .messages import exercise_marker, member_language
from .models import Alert, Category, Reaction

__all__ = ["KEYPAD", "VOICE_LANGUAGES", "voice_message", "voice_parts", "voice_ssml_plain"]

# The keys a member may press during the call, and the reaction each records (alerts.voice_calls).
KEYPAD = {"1": Reaction.Kind.SEEN, "2": Reaction.Kind.OBSERVATION}
# The voice the gateway reads with: Belgian Dutch, French and German; English as in Britain.
VOICE_LANGUAGES = {"nl": "nl-BE", "fr": "fr-BE", "de": "de-BE", "en": "en-GB"}

# A run of digits, possibly grouped by spaces, dots, slashes or dashes (0470 12 34 56, +32 2 123.45.67).
_NUMBER = re.compile(r"(?<![\w+])\+?\d(?:[\d./-]|\s(?=\d))*\d(?!\w)|(?<![\w+])\d(?!\w)")
# A Belgian number plate (1-ABC-234): read character by character.
_PLATE = re.compile(r"(?<!\w)\d-[A-Z]{3}-\d{3}(?!\w)")
_EMERGENCY = ("112", "101")


def _digit_by_digit(number: str) -> bool:
    """Phone numbers (a leading 0 or +), the emergency numbers and anything of five digits or more are read
    one digit at a time; times (14:05 is two numbers here), years and house numbers as numbers."""
    digits = re.sub(r"\D", "", number)
    if digits in _EMERGENCY:
        return True
    return (number.startswith(("0", "+")) and len(digits) >= 3) or len(digits) >= 5


def voice_ssml_plain(text: str) -> tuple[str, str]:
    """`text` as an SSML fragment (escaped, numbers marked up) and as plain text (digits spaced out)."""
    ssml, plain, at = [], [], 0
    spans = sorted(
        [(m.start(), m.end(), "characters") for m in _PLATE.finditer(text)]
        + [(m.start(), m.end(), "digits") for m in _NUMBER.finditer(text) if _digit_by_digit(m.group())]
    )
    for start, end, how in spans:
        if start < at:  # a number inside a plate already taken
            continue
        ssml.append(escape(text[at:start]))
        plain.append(text[at:start])
        token = text[start:end]
        chars = [c for c in token if c.isalnum() or c == "+"]
        ssml.append(f'<say-as interpret-as="{how}">{escape("".join(chars))}</say-as>')
        plain.append(" ".join(chars))
        at = end
    ssml.append(escape(text[at:]))
    plain.append(text[at:])
    return "".join(ssml), "".join(plain)


def voice_parts(alert: Alert, language: str, *, keypad: bool = True) -> list[str]:
    """The sentences of the call, in order, in the member's language (the alert's text for it)."""
    message = alert.message_for(language).strip()
    language = member_language(language)
    with translation.override(language):
        category = Category(alert.category).label
        parts = []
        if alert.exercise:
            parts.append(
                f"{exercise_marker(language)}. "
                + _("This is an exercise of the police: nothing happened, there is nothing to do.")
            )
        parts.append(
            _("Message from your neighbourhood information network: %(category)s.") % {"category": category}
        )
        parts.append(message)
        if alert.has_tip:
            parts.append(_("Tip: %(tip)s") % {"tip": alert.tip_text_for(language)})
        if keypad:
            parts.append(_("Press 1 if you heard this message."))
            parts.append(_("Press 2 if you saw something that can help the police."))
        parts.append(profile().emergency_text())
    return parts


def voice_message(alert: Alert, language: str, delivery_id: int, to: str) -> OutgoingMessage:
    """The call of delivery `delivery_id` to the landline `to`, as the voice backends take it."""
    keypad = bool(settings.BIN_VOICE_KEYPAD)
    pieces = [voice_ssml_plain(p) for p in voice_parts(alert, language, keypad=keypad)]
    ssml = "<speak>" + "".join(f"<s>{s}</s>" for s, _plain in pieces) + "</speak>"
    plain = "\n".join(p for _ssml, p in pieces)
    extra = {
        "language": VOICE_LANGUAGES[member_language(language)],
        "ssml": ssml,
        "keypad": {key: str(kind) for key, kind in KEYPAD.items()} if keypad else {},
        "callback_url": settings.BIN_PUBLIC_URL.rstrip("/") + reverse("api:voice-callback"),
    }
    urgent = alert.urgency == Alert.Urgency.URGENT
    return OutgoingMessage(key=str(delivery_id), to=to, text=plain, urgent=urgent, extra=extra)
