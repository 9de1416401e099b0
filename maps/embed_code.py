"""The iframe code that a municipality or police zone page offers to other sites, in each of the site's
languages: the embed's address carries the language (/fr/maps/<key>/embed/), so a French municipal site
shows the French map whatever its visitors' browsers say."""

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

__all__ = ["EMBED_LANGUAGE_PARAM", "embed_choices"]

# ?embed_language=fr on the page shows the code for the French embed (the form works without JavaScript).
EMBED_LANGUAGE_PARAM = "embed_language"


def _snippet(src: str, title: str) -> str:
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" height="500" '
        'style="border:0" loading="lazy"></iframe>'
    )


def embed_choices(request, *, url_name: str, args: list, title: Callable[[], str]) -> dict:
    """The page's context for the embed code: embed_url and embed_snippet of the chosen language (the
    request's ?embed_language=, else the page's), and embed_languages: per language its code, name, url,
    snippet and whether it is the chosen one. `title` makes the iframe's title in the active language."""
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = request.GET.get(EMBED_LANGUAGE_PARAM)
    if chosen not in codes:
        chosen = translation.get_language() if translation.get_language() in codes else settings.LANGUAGE_CODE
    options = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            url = reverse(url_name, args=args)
            snippet = _snippet(request.build_absolute_uri(url), title())
        options.append({"code": code, "name": name, "url": url, "snippet": snippet, "chosen": code == chosen})
    current = next(o for o in options if o["chosen"])
    return {
        "embed_url": current["url"],
        "embed_snippet": current["snippet"],
        "embed_languages": options,
        "embed_language_param": EMBED_LANGUAGE_PARAM,
    }
