"""The current page in each of the site's languages (base.html): the language switcher's targets and the
<link rel="alternate" hreflang> links, so that search engines offer the French page to French readers.

The switcher posts to Django's set_language with `next` already in the chosen language: set_language's
own translate_url resolves `next` in the language of the /i18n/ request (cookie or Accept-Language), which
fails for a page under another language's prefix and would leave the reader on the old language.
"""

from django import template
from django.conf import settings
from django.urls import translate_url

__all__ = ["language_alternates", "language_switch"]

register = template.Library()


@register.simple_tag(takes_context=True)
def language_switch(context) -> list[dict]:
    """Per language of the site: code, name and `next`, this page (query string included) in it."""
    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    return [
        {"code": code, "name": name, "next": translate_url(here, code)} for code, name in settings.LANGUAGES
    ]


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """(language, absolute URL) of this page in every language; none for a page without a language prefix
    (the API's, the admin's) or one that does not resolve (translate_url leaves the path as it was)."""
    request = context.get("request")
    if request is None or request.resolver_match is None:
        return []
    out = []
    for code, _name in settings.LANGUAGES:
        translated = translate_url(request.path, code)
        if not translated.startswith(f"/{code}/"):
            return []
        out.append((code, request.build_absolute_uri(translated)))
    return out
