"""The site on a phone's home screen (a PWA): the web app manifest and the service worker that shows the
alerts sent by Web Push (alerts/backends/push.py) as notifications.

Both live at the site root, outside the language prefix: a service worker controls only the paths under
its own URL, and the manifest's URL must not change when the member switches language (the language is a
query parameter instead; each language has its own short name: BIN in Dutch and German, PLP in French).
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

__all__ = ["THEME_COLOUR", "manifest", "service_worker", "urls"]

THEME_COLOUR = "#1f4e79"  # the header's blue (project/templates/base.html)


@require_GET
def manifest(request):
    """The web app manifest in the language asked for (?lang=), else the request's."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = request.GET.get("lang") if request.GET.get("lang") in codes else translation.get_language()
    with translation.override(language):
        data = {
            "id": "/",
            "name": _("Neighbourhood information networks"),
            "short_name": pgettext("app name on the home screen, at most 12 characters", "BIN"),
            "lang": language,
            "start_url": reverse("maps:lookup"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": "#f6f7f9",
            "icons": [
                {"src": static(f"core/pwa/icon-{s}.png"), "sizes": f"{s}x{s}", "type": "image/png"}
                for s in (192, 512)
            ]
            + [
                {
                    "src": static("core/pwa/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                }
            ],
        }
    response = JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request):
    """The service worker, for the whole site (scope /); never cached, so that a fix reaches every phone."""
    response = HttpResponse(
        render_to_string("core/sw.js", {}), content_type="application/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


urls = (
    [
        path("manifest.webmanifest", manifest, name="manifest"),
        path("sw.js", service_worker, name="service-worker"),
    ],
    "pwa",
)
