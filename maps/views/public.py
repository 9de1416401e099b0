"""The public map pages: a full page per municipality or police zone with the map, its BINs and an iframe
snippet, and a bare page of the map for other sites to embed."""

import re
from functools import partial

import folium
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from access.permissions import sees_unpublished_networks
from areas.models import Municipality, PoliceZone
from areas.selectors import municipality_by_key, networks_visible

from ..builders import municipality_map, municipality_name, police_zone_map
from ..cache import cached_map_parts, map_data_version
from ..embed_code import embed_choices
from ..selectors import POPUP_FIELDS

__all__ = [
    "map_parts",
    "municipality_embed",
    "municipality_page",
    "police_zone_embed",
    "police_zone_page",
]

PAGE_MAP_HEIGHT = "70vh"
# folium's header forbids zooming the page on phones; the page keeps its own viewport tag instead.
_VIEWPORT_META = re.compile(r"<meta name=\"viewport\"[^>]*>", re.S)
# folium's header sets two Leaflet switches in an inline script; Leaflet's defaults are the same (false),
# and the page's only inline script is the map's own, which carries the Content-Security-Policy nonce.
_GLOBAL_SWITCHES = re.compile(r"<script>\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*</script>", re.S)
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


def _municipality_or_404(key: str) -> Municipality:
    municipality = municipality_by_key(key)
    if municipality is None:
        raise Http404(_("No municipality “%(key)s”.") % {"key": key})
    return municipality


def _municipality_title(municipality: Municipality) -> str:
    return _("Neighbourhood information networks in %(name)s") % {"name": municipality_name(municipality)}


def _zone_title(zone: PoliceZone) -> str:
    return _("Neighbourhood information networks in police zone %(name)s") % {"name": zone.name}


def map_parts(m: folium.Map) -> dict:
    """The map split for a Django template: what goes in <head> (links and styles only), the map's <div>,
    and its script, which the template puts in `<script nonce="{{ request.csp_nonce }}">`."""
    figure = m.get_root()
    figure.render()
    header = _GLOBAL_SWITCHES.sub("", _VIEWPORT_META.sub("", figure.header.render()))
    if _INLINE_SCRIPT.search(header):
        raise ImproperlyConfigured(
            "a map element put an inline script into the page header: move it to the map's script"
        )
    # The script is the content of one <script> element: nothing in it may end that element early (the
    # builders put text in as JSON, which escapes "<"; this holds whatever a future element does).
    script = re.sub(r"(?i)</(script)", r"<\\/\1", figure.script.render())
    return {"map_header": header, "map_html": figure.html.render(), "map_script": script}


def _parts(request, *, page: str, area, networks, build) -> dict:
    """map_parts of the map `build()` makes; cached (maps.cache) when `request.user` sees only what anyone
    sees, the published networks (areas.rules through access.permissions), so never a staff variant."""
    if request is not None and sees_unpublished_networks(request.user):
        return map_parts(build())
    version = map_data_version(area=area, networks=networks)
    return cached_map_parts(page=page, version=version, build=lambda: map_parts(build()))


def _embed_response(request, parts: dict, title: str) -> HttpResponse:
    """The bare page of a map for an iframe: other sites may frame it (no X-Frame-Options, and the
    Content-Security-Policy's frame-ancestors from BIN_EMBED_FRAME_ANCESTORS)."""
    response = render(request, "maps/embed.html", {"title": title, **parts})
    response._csp_replace = {"frame-ancestors": settings.BIN_EMBED_FRAME_ANCESTORS or None}
    return response


def _page(request, *, parts, title, networks, embed: dict, extra=None):
    context = {
        "title": title,
        "networks": networks.select_related(None).only(*POPUP_FIELDS).order_by("kind", "name"),
        **embed,  # maps.embed_code: the iframe code per language
        **parts,
        **(extra or {}),
    }
    return render(request, "maps/area_page.html", context)


def municipality_page(request, key):
    municipality = _municipality_or_404(key)
    title = _municipality_title(municipality)
    networks = networks_visible(user=request.user).filter(municipality=municipality)
    build = partial(municipality_map, municipality=municipality, user=request.user, height=PAGE_MAP_HEIGHT)
    return _page(
        request,
        parts=_parts(
            request, page=f"municipality:{municipality.pk}", area=municipality, networks=networks, build=build
        ),
        title=title,
        networks=networks,
        embed=embed_choices(
            request,
            url_name="maps:municipality-embed",
            args=[municipality.nis_code],
            title=lambda: _municipality_title(municipality),
        ),
        extra={"municipality": municipality},
    )


@xframe_options_exempt
def municipality_embed(request, key):
    """The bare map for an iframe on another site: public networks only, whoever is logged in here."""
    municipality = _municipality_or_404(key)
    title = _municipality_title(municipality)
    parts = _parts(
        None,
        page=f"municipality-embed:{municipality.pk}",
        area=municipality,
        networks=networks_visible().filter(municipality=municipality),
        build=partial(municipality_map, municipality=municipality),
    )
    return _embed_response(request, parts, title)


def police_zone_page(request, number):
    zone = get_object_or_404(PoliceZone, number=number)
    title = _zone_title(zone)
    networks = networks_visible(user=request.user).in_police_zones([zone.pk])
    build = partial(police_zone_map, police_zone=zone, user=request.user, height=PAGE_MAP_HEIGHT)
    return _page(
        request,
        parts=_parts(request, page=f"zone:{zone.pk}", area=zone, networks=networks, build=build),
        title=title,
        networks=networks,
        embed=embed_choices(
            request, url_name="maps:police-zone-embed", args=[zone.number], title=lambda: _zone_title(zone)
        ),
        extra={"police_zone": zone},
    )


@xframe_options_exempt
def police_zone_embed(request, number):
    """The bare zone map for an iframe; public networks only."""
    zone = get_object_or_404(PoliceZone, number=number)
    title = _zone_title(zone)
    parts = _parts(
        None,
        page=f"zone-embed:{zone.pk}",
        area=zone,
        networks=networks_visible().in_police_zones([zone.pk]),
        build=partial(police_zone_map, police_zone=zone),
    )
    return _embed_response(request, parts, title)
