"""The languages an alert's message may be written in, and which one a member receives.

The officer writes the message in one language (the alert's main language) and may add the others. Each
member gets the version in the language they read best among those written, in this order:

1. the member's own language (members.Member.language), when the officer wrote it;
2. for a German-speaking member, French when written: the German-speaking Community lies in Wallonia, and
   French is the language its residents share with the rest of the province; Dutch is not;
3. the alert's main language: the version the officer wrote first and checked most, and the one the police
   zone works in.

English is never a fallback for a member who asked for Dutch, French or German: a Belgian resident reads
the zone's language better than English. A leaf module (no models), so that alerts.models can use it.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .texts import text_checked

__all__ = ["ALERT_LANGUAGES", "LANGUAGE_NAMES", "language_chosen", "translations_checked"]

# The languages of Belgium's communities, and English for the residents who asked for it.
ALERT_LANGUAGES = ("nl", "fr", "de", "en")
LANGUAGE_NAMES = {
    "nl": gettext_lazy("Dutch"),
    "fr": gettext_lazy("French"),
    "de": gettext_lazy("German"),
    "en": gettext_lazy("English"),
}
_SECOND_CHOICE = {"de": "fr"}


def language_chosen(member_language: str | None, *, main: str, written: Iterable[str]) -> str:
    """The language of the version a member of `member_language` gets: see the module docstring.
    `written` are the translations' languages (the main one may be among them or not)."""
    available = {main, *written}
    if member_language in available:
        return member_language
    second = _SECOND_CHOICE.get(member_language or "")
    if second in available:
        return second
    return main


def translations_checked(*, language: str, translations) -> dict[str, str]:
    """The translations of a message as given ({"fr": "…"}), each checked as a message is
    (texts.text_checked); ValidationError under "language" or "translations" with what is wrong. Empty
    versions are dropped (a language added and left blank), as is one in the main language (the message
    itself is that)."""
    if language not in ALERT_LANGUAGES:
        raise ValidationError({"language": _unknown(language)})
    if translations in (None, ""):
        return {}
    if not isinstance(translations, dict):
        raise ValidationError({"translations": _('The translations are an object: {"fr": "…", "de": "…"}.')})
    checked = {}
    for key, text in translations.items():
        if key not in ALERT_LANGUAGES:
            raise ValidationError({"translations": _unknown(key)})
        if not isinstance(text, str):
            raise ValidationError(
                {
                    "translations": _("The version in %(language)s is not a text.")
                    % {"language": LANGUAGE_NAMES[key]}
                }
            )
        if key == language:
            continue
        try:
            text = text_checked(text, field=key, required=False)
        except ValidationError as exc:
            messages = exc.message_dict[key]
            raise ValidationError(
                {"translations": [f"{LANGUAGE_NAMES[key]}: {m}" for m in messages]}
            ) from None
        if text:
            checked[key] = text
    return checked


def _unknown(language) -> str:
    return _("Unknown language %(language)s; choose one of %(all)s.") % {
        "language": repr(language)[:20],
        "all": ", ".join(ALERT_LANGUAGES),
    }
