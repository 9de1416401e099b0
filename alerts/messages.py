"""What members receive: the SMS and the e-mail of an alert in their language, with a signed reaction link.

The reaction link is short on purpose (it travels in an SMS): the delivery id in base 62 and the first 16
characters (96 bits) of its django.core.signing signature with the salt "alerts.react". It needs no login;
it lets whoever holds it react to that one message, nothing else.
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.translation import gettext as _

from core.country import profile

from .models import Alert, Category

__all__ = [
    "EXERCISE_MARKERS",
    "MessageCache",
    "email_subject_body",
    "exercise_marker",
    "reaction_token",
    "reaction_token_delivery_id",
    "reaction_url",
    "sms_text",
]

SALT = "alerts.react"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SIGNATURE_CHARS = 16
_mac: tuple[str, hmac.HMAC] | None = None


def _signature(value: str) -> str:
    """signing.Signer(salt=SALT, algorithm="sha256").signature(value), cut to 16 characters.

    Computed here with the derived key kept between calls: Signer derives it again for every value, which
    was a third of a worker's time per message (the tests check both agree).
    """
    global _mac
    if _mac is None or _mac[0] != settings.SECRET_KEY:
        key = hashlib.sha256(force_bytes(SALT + "signer") + force_bytes(settings.SECRET_KEY)).digest()
        _mac = (settings.SECRET_KEY, hmac.new(key, digestmod=hashlib.sha256))
    mac = _mac[1].copy()
    mac.update(value.encode())
    return signing.b64_encode(mac.digest()).decode()[:_SIGNATURE_CHARS]


def _base62(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 62)
        out = _ALPHABET[r] + out
        if not n:
            return out


def reaction_token(delivery_id: int) -> str:
    value = _base62(delivery_id)
    return f"{value}-{_signature(value)}"


def reaction_token_delivery_id(token: str) -> int | None:
    """The delivery id a token was made for, or None when it is not ours."""
    value, _sep, signature = token.partition("-")
    if not value or len(signature) != _SIGNATURE_CHARS or any(c not in _ALPHABET for c in value):
        return None
    if not constant_time_compare(signature, _signature(value)):
        return None
    n = 0
    for c in value:
        n = n * 62 + _ALPHABET.index(c)
    return n


def _react_url(token: str, language: str | None) -> str:
    """The reaction page's link under the language prefix of the message's words (/fr/r/… for a French
    member): the page opens in the language the message was read in, whichever language sends it."""
    with translation.override(member_language(language or "")):
        return settings.BIN_PUBLIC_URL.rstrip("/") + reverse("alerts:react", args=[token])


def reaction_url(delivery_id: int, language: str | None = None) -> str:
    return _react_url(reaction_token(delivery_id), language)


class MessageCache:
    """Compose each (alert, language, channel) text once per batch; only the link differs per delivery."""

    _MARK = "\x00LINK\x00"

    def __init__(self):
        self._texts: dict[tuple, tuple[str, str]] = {}
        self._urls: dict[str, str] = {}

    def link(self, delivery_id: int, language: str | None = None) -> str:
        language = member_language(language or "")
        if language not in self._urls:
            self._urls[language] = _react_url("TOKEN", language)
        return self._urls[language].replace("TOKEN", reaction_token(delivery_id))

    def sms(self, alert: Alert, language: str, delivery_id: int) -> str:
        key = (alert.pk, language, "sms")
        if key not in self._texts:
            self._texts[key] = ("", sms_text(alert, language, self._MARK))
        return self._texts[key][1].replace(self._MARK, self.link(delivery_id, language))

    def email(self, alert: Alert, language: str, delivery_id: int) -> tuple[str, str]:
        key = (alert.pk, language, "email")
        if key not in self._texts:
            self._texts[key] = email_subject_body(alert, language, self._MARK)
        subject, body = self._texts[key]
        return subject, body.replace(self._MARK, self.link(delivery_id, language))


def member_language(language: str) -> str:
    """The language of the words around the officer's message (prefix, category, tip, link): the member's,
    Dutch for an unknown one. English is the source language of these texts; the tips fall back to Dutch."""
    return language if language in ("nl", "fr", "de", "en") else "nl"


# The exercise marker that starts every message of an exercise (Alert.exercise), in the member's language.
# Written here, not taken from a translation catalogue: a missing or fuzzy translation must never leave
# an exercise unmarked. ASCII and GSM-7 only (Ü is in GSM-7), so the marker never turns an SMS into UCS-2.
EXERCISE_MARKERS = {"nl": "OEFENING", "fr": "EXERCICE", "de": "ÜBUNG", "en": "EXERCISE"}


def exercise_marker(language: str) -> str:
    """The exercise marker in `language` (nl, fr, de, en; Dutch for any other)."""
    return EXERCISE_MARKERS[member_language(language)]


def _marked(alert: Alert, language: str, text: str) -> str:
    """`text` with the exercise marker in front when `alert` is an exercise."""
    return f"{exercise_marker(language)} - {text}" if alert.exercise else text


def _prefix(alert: Alert) -> str:
    return {
        Alert.MsgType.ALERT: _("BIN alert"),
        Alert.MsgType.UPDATE: _("BIN update"),
        Alert.MsgType.CANCEL: _("BIN cancelled"),
        Alert.MsgType.FEEDBACK: _("BIN feedback"),
    }[alert.msg_type]


def sms_text(alert: Alert, language: str, link: str) -> str:
    """The SMS a member gets: prefix, category, message (the version for their language), tip, link."""
    message = alert.message_for(language)
    language = member_language(language)
    with translation.override(language):
        first = f"{_prefix(alert)} ({Category(alert.category).label}): {message.strip()}"
        parts = [_marked(alert, language, first)]
        if alert.has_tip:  # the copy the alert keeps, not the tip as it reads now
            parts.append(_("Tip: %(tip)s") % {"tip": alert.tip_text_for(language)})
        parts.append(_("React: %(link)s") % {"link": link})
    return "\n".join(parts)


def email_subject_body(alert: Alert, language: str, link: str) -> tuple[str, str]:
    """Subject and plain-text body of the e-mail a member gets."""
    message = alert.message_for(language)
    language = member_language(language)
    with translation.override(language):
        category = Category(alert.category).label
        subject = _marked(alert, language, f"{_prefix(alert)}: {category}")
        lines = [message.strip(), ""]
        if alert.exercise:
            explained = _("This is an exercise of the police: nothing happened, there is nothing to do.")
            lines = [_marked(alert, language, explained), "", *lines]
        if alert.has_tip:
            lines += [_("Tip: %(tip)s") % {"tip": alert.tip_text_for(language)}, ""]
        if alert.msg_type == Alert.MsgType.FEEDBACK and alert.outcome:
            lines += [_("Outcome: %(outcome)s") % {"outcome": alert.outcome}, ""]
        lines += [
            _("Did you see something? Let the police know, or tell them you read this message:"),
            link,
            "",
            profile().emergency_text(),  # 112 and 101, or 112 and 0900-8844: core/country.py
            _("You receive this message as a member of a neighbourhood information network (BIN)."),
        ]
    return subject, "\n".join(lines)


# A stand-in link of the real length for previews (the delivery id is not known yet).
def sample_link() -> str:
    return _react_url("1a2B3c-" + "x" * 16, None)
