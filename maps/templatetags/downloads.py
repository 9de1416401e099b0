"""The download list of a map page (maps/_downloads.html):
`{% area_downloads municipality police_zone as d %}` (after `{% load downloads %}`) gives the GIS files of
the area's networks (areas.api.downloads), the street lists of its municipalities and the OGC API's
address, so the page's view needs no change."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from areas.api.downloads import street_list_url

register = template.Library()

# (format, label, CRSs): KML is longitude/latitude only.
FILES = [
    ("geojson", "GeoJSON", (4326, 31370)),
    ("gpkg", "GeoPackage", (4326, 31370)),
    ("shp", gettext_lazy("Shapefile (zip)"), (4326, 31370)),
    ("kml", "KML", (4326,)),
]


def _crs_label(srid: int) -> str:
    return _("WGS 84 (longitude/latitude)") if srid == 4326 else _("Belgian Lambert 72")


@register.simple_tag
def area_downloads(municipality=None, police_zone=None) -> dict:
    """{"files": [{"label", "url"}], "street_lists": [{"label", "url"}], "ogc": url} of a municipality or a
    police zone (the first given)."""
    # A variable the page lacks arrives as "" (the template engine's string_if_invalid).
    if municipality:
        name, args, municipalities = "api:municipality-networks-file", [municipality.nis_code], [municipality]
    else:
        name, args = "api:police-zone-networks-file", [police_zone.number]
        municipalities = list(police_zone.municipalities.order_by("name_nl", "name_fr"))
    files = [
        {
            "label": f"{label} · {_crs_label(srid)}",
            "url": reverse(name, args=[*args, fmt]) + ("" if srid == 4326 else f"?crs={srid}"),
        }
        for fmt, label, srids in FILES
        for srid in srids
    ]
    street_lists = [
        {"label": m.name, "url": url}
        for m in municipalities
        if (url := street_list_url("municipality", m.nis_code)) is not None
    ]
    return {"files": files, "street_lists": street_lists, "ogc": reverse("ogc:landing")}
