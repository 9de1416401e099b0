"""Downloads of a municipality's or a police zone's networks as GIS files (areas.exports): GeoJSON,
GeoPackage, zipped Shapefile and KML, in EPSG:4326 or Lambert 72 (`?crs=31370`); `networks.csv` is the
street list, which the streets app writes (its URL, reached by name: streets sits above areas)."""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from access.permissions import sees_unpublished_networks
from areas.exports import EXPORT_FORMATS, EXPORT_SRIDS, networks_export_file, networks_geojson
from areas.models import PoliceZone
from areas.selectors import municipality_by_key, networks_visible
from core.api import ascii_int

__all__ = [
    "DOWNLOAD_FORMATS",
    "AnyAcceptView",
    "MunicipalityNetworksDownload",
    "PoliceZoneNetworksDownload",
    "parse_crs",
    "street_list_url",
]

DOWNLOAD_FORMATS = [*EXPORT_FORMATS, "csv"]
# The street list of a municipality, written by the streets app (streets.api.street_lists), by URL name. A
# police zone has none of its own: its page links its municipalities' lists.
STREET_LIST_URLS = {"municipality": "api:municipality-street-lists"}


class AnyAcceptView(APIView):
    """An API view that writes its own responses (files, GeoJSON): any Accept header reaches it (DRF would
    answer 406 to `Accept: application/geopackage+sqlite3`), and its errors are JSON."""

    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        return (self.renderer_classes[0](), "application/json")


def parse_crs(text: str | None) -> int:
    """The EPSG code of `?crs=`: 4326 (the default) or 31370, written `31370` or `EPSG:31370`."""
    if text is None or text == "":
        return 4326
    code = ascii_int(text.upper().removeprefix("EPSG:"))
    if code not in EXPORT_SRIDS:
        raise ValidationError({"crs": [_("Use crs=4326 (longitude/latitude) or crs=31370 (Lambert 72).")]})
    return code


def _check_format(fmt: str, srid: int) -> None:
    if fmt not in DOWNLOAD_FORMATS:
        raise ValidationError(
            {
                "format": [
                    _("Choose one of these formats: %(formats)s.") % {"formats": ", ".join(DOWNLOAD_FORMATS)}
                ]
            }
        )
    if fmt == "kml" and srid != 4326:
        raise ValidationError(
            {"crs": [_("KML is in longitude/latitude only: leave out crs or use crs=4326.")]}
        )


_PARAMETERS = [
    OpenApiParameter(
        "fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=DOWNLOAD_FORMATS, description="the file format"
    ),
    OpenApiParameter(
        "crs",
        OpenApiTypes.STR,
        enum=["4326", "31370"],
        description="EPSG code: 4326 (default) or 31370 (Lambert 72; not for KML)",
    ),
]
_RESPONSES = {
    (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="the file"),
    302: OpenApiResponse(description="csv: to the street list"),
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="an unknown format or CRS"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="no such area"),
}


class _NetworksDownload(AnyAcceptView):
    def respond(
        self, request, *, networks, fmt: str, basename: str, street_list: tuple[str, str]
    ) -> HttpResponse:
        srid = parse_crs(request.query_params.get("crs"))
        _check_format(fmt, srid)
        if fmt == "csv":
            url = street_list_url(*street_list)
            if url is None:
                raise Http404(_("Street lists are per municipality: see each municipality's page."))
            return HttpResponseRedirect(url)
        if srid != 4326:
            basename = f"{basename}-{srid}"
        geojson = networks_geojson(
            networks=networks,
            srid=srid,
            url_of=lambda n: request.build_absolute_uri(reverse("api:network-detail", args=[n.slug])),
        )
        file = networks_export_file(geojson=geojson, fmt=fmt, srid=srid, basename=basename)
        response = HttpResponse(file.content, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        if sees_unpublished_networks(request.user):
            # Unpublished networks are in it: no shared cache may keep it for the next visitor.
            patch_cache_control(response, private=True, no_store=True)
        return response


def street_list_url(area: str, key: str) -> str | None:
    """The URL of the street list (CSV) of a municipality or police zone, where the streets app serves one."""
    try:
        return reverse(STREET_LIST_URLS[area], args=[key])
    except (KeyError, NoReverseMatch):
        return None


def _dated(name: str) -> str:
    return f"bin-{name}-{timezone.localdate():%Y-%m-%d}"


class MunicipalityNetworksDownload(_NetworksDownload):
    """A municipality's networks as a file (what the user may see: published ones for the public)."""

    @extend_schema(
        operation_id="municipality_networks_file",
        parameters=_PARAMETERS,
        responses=_RESPONSES,
        summary="A municipality's networks as a GIS file",
    )
    def get(self, request, key: str, fmt: str):
        municipality = municipality_by_key(key)
        if municipality is None:
            raise Http404(_("No municipality “%(key)s”.") % {"key": key})
        return self.respond(
            request,
            networks=networks_visible(user=request.user).filter(municipality=municipality),
            fmt=fmt,
            basename=_dated(municipality.nis_code),
            street_list=("municipality", municipality.nis_code),
        )


class PoliceZoneNetworksDownload(_NetworksDownload):
    """A police zone's networks as a file: its own and those of its municipalities'."""

    @extend_schema(
        operation_id="police_zone_networks_file",
        parameters=_PARAMETERS,
        responses=_RESPONSES,
        summary="A police zone's networks as a GIS file",
    )
    def get(self, request, number: int, fmt: str):
        zone = get_object_or_404(PoliceZone, number=number)
        return self.respond(
            request,
            networks=networks_visible(user=request.user).in_police_zones([zone.pk]),
            fmt=fmt,
            basename=_dated(f"zone-{zone.number}"),
            street_list=("zone", str(zone.number)),
        )
