"""The lookup API: which networks cover an address or a point; street autocomplete; networks per street."""

import datetime as dt
import functools

from django.conf import settings
from django.contrib.gis.geos import Point
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from areas.api.serializers import network_brief
from areas.models import Network
from areas.selectors import (
    CoveringNetwork,
    networks_covering_points,
    networks_near_point,
    networks_visible,
)
from areas.version_selectors import day_end, networks_covering_points_at
from core.api import CSVRenderer
from core.geometry import position_to_storage, to_wgs84
from core.metrics import lookup_counted
from streets.coverage import network_streets, streets_coverage
from streets.models import Street
from streets.postal import postcodes_named
from streets.selectors import address_lookup, municipality_ids_matching, streets_search

from .serializers import LookupQueryInput, StreetOutput, StreetSearchInput, lookup_position
from .street_lists import street_list_response

__all__ = [
    "LookupView",
    "NetworkStreetsView",
    "StreetNetworksView",
    "StreetSearchView",
    "point_answer",
    "point_answer_at",
]

JSON_RENDERER = JSONRenderer()
ALLOWED = "GET, HEAD, OPTIONS"


def point_geojson(point: Point) -> dict:
    p = to_wgs84(point)
    return {"type": "Point", "coordinates": [round(p.x, 7), round(p.y, 7)]}


def covering_json(covering: list[CoveringNetwork]) -> list[dict]:
    out = []
    for c in covering:
        item = network_brief(c.network)
        item["role"] = "residential" if c.network.kind in Network.EXCLUSIVE_KINDS else "business"
        item["on_border"] = c.on_border
        item["border_with"] = [n.slug for n in c.border_with]
        out.append(item)
    return out


def uncovered_json(near: list[Network]) -> dict:
    """What to say when no BIN covers a point: the nearest BINs and how to start one."""
    return {
        "message": _("No BIN covers this address."),
        "nearest_networks": [{**network_brief(n), "distance_m": round(n.distance.m)} for n in near],
        "start_url": reverse("members:network-start"),
    }


def point_answer(*, lat: float, lon: float, user) -> dict:
    """The body of a point lookup: the networks covering the position, or the nearest and how to start one."""
    point = Point(*position_to_storage(lon, lat), srid=settings.BIN_STORAGE_SRID)
    (covering,) = networks_covering_points(points=[point], user=user, cached=True)
    body = {"point": {"type": "Point", "coordinates": [lon, lat]}, "networks": covering_json(covering)}
    covered = any(c.network.kind in Network.EXCLUSIVE_KINDS for c in covering)
    if not covered:
        body.update(uncovered_json(networks_near_point(point=point, user=user, cached=True)))
    lookup_counted(kind="point", match="covered" if covered else "uncovered")
    return body


def point_answer_at(*, lat: float, lon: float, at: dt.date, user) -> dict:
    """The body of a point lookup for the end of the past day `at` (areas.versions): the networks whose
    boundary covered the position then, by the same border rule; no nearest networks or invitation."""
    point = Point(*position_to_storage(lon, lat), srid=settings.BIN_STORAGE_SRID)
    (covering,) = networks_covering_points_at(points=[point], until=day_end(at), user=user)
    body = {
        "point": {"type": "Point", "coordinates": [lon, lat]},
        "at": at.isoformat(),
        "networks": covering_json(covering),
    }
    if not any(c.network.kind in Network.EXCLUSIVE_KINDS for c in covering):
        body["message"] = _("No BIN covered this place at the end of %(date)s.") % {"date": at.isoformat()}
    return body


def _plain_point_query(request) -> tuple[float, float] | None:
    """The position of a point lookup that DRF would answer exactly as point_answer's JSON: a GET with only
    lat and lon (valid: streets.api.serializers.lookup_position), no Authorization header (DRF's Basic
    authentication could make it another user than the session's) and no wish for the browsable API."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return None
    if "text/html" in request.META.get("HTTP_ACCEPT", ""):
        return None
    return lookup_position(request.GET)


class LookupView(APIView):
    """Which networks cover an address (free text) or a position (lat/lon)."""

    @classmethod
    def as_view(cls, **initkwargs):
        """DRF's view, with the point lookup answered before DRF's request cycle (authentication,
        negotiation, the input serializer, the renderer: 0.3 of 1 ms a lookup; the point lookup is the
        service's hottest request). Everything else, errors included, goes through DRF as before. The
        wrapper carries DRF's attributes (cls, initkwargs, csrf_exempt), so the schema and the URL
        resolver see the APIView."""
        view = super().as_view(**initkwargs)

        def lookup(request, *args, **kwargs):
            position = _plain_point_query(request)
            if position is None:
                return view(request, *args, **kwargs)
            body = point_answer(lat=position[0], lon=position[1], user=request.user)
            response = HttpResponse(JSON_RENDERER.render(body), content_type="application/json")
            # As DRF's response would carry them.
            response["Allow"] = ALLOWED
            patch_vary_headers(response, ["Accept"])
            return response

        functools.update_wrapper(lookup, view)
        return lookup

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "address", OpenApiTypes.STR, description="e.g. 'Kerkstraat 12 bus 3, 3920 Lommel'"
            ),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, description="latitude, EPSG:4326"),
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, description="longitude, EPSG:4326"),
            OpenApiParameter(
                "at",
                OpenApiTypes.DATE,
                description="YYYY-MM-DD, today or earlier: the networks as their boundaries were at the end "
                "of that day (the service's time zone); without it, now",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = LookupQueryInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        at = data.get("at")
        if "address" in data:
            return self.by_address(request, data["address"], at)
        if at is not None:
            return Response(point_answer_at(lat=data["lat"], lon=data["lon"], at=at, user=request.user))
        return Response(point_answer(lat=data["lat"], lon=data["lon"], user=request.user))

    def by_address(self, request, text, at: dt.date | None = None):
        result = address_lookup(text=text, user=request.user, cached=True)
        # With `at`, the same addresses with the networks that covered them at the end of that day.
        past = None
        if at is not None:
            points = [m.point for m in result.matches]
            past = networks_covering_points_at(points=points, until=day_end(at), user=request.user)
        lookup_counted(kind="address", match=result.matches[0].match if result.matches else "none")
        if not result.matches:
            return Response(
                {
                    "detail": _("No address matches “%(text)s”.") % {"text": text},
                    "warnings": result.warnings,
                    "suggestions": StreetOutput(result.suggestions, many=True).data,
                },
                status=404,
            )
        results = []
        for i, m in enumerate(result.matches):
            item = {
                "label": m.label,
                "score": m.score,
                "match": m.match,
                "street": StreetOutput(m.street).data if m.street else None,
                "house_number": m.house_number,
                "box": m.box,
                "postcode": m.postcode,
                "address_id": m.address.pk if m.address else None,
                "point": point_geojson(m.point),
                "networks": covering_json(m.networks if past is None else past[i]),
            }
            if past is not None:
                item["at"] = at.isoformat()
            elif m.match != "postcode" and not m.covered:
                item.update(uncovered_json(m.nearest))
            results.append(item)
        parsed = result.parsed
        return Response(
            {
                "query": text,
                "parsed": {
                    "street": parsed.street,
                    "house_number": parsed.house_number,
                    "box": parsed.box,
                    "postcode": parsed.postcode,
                    "municipality": parsed.municipality,
                },
                "warnings": result.warnings,
                "ambiguous": len(results) > 1,
                "results": results,
            }
        )


class StreetSearchView(APIView):
    """Street autocomplete: accent- and case-insensitive, typo-tolerant, in every language of the street."""

    @extend_schema(parameters=[StreetSearchInput], responses={200: StreetOutput(many=True)})
    def get(self, request):
        params = StreetSearchInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        municipality_ids, postcodes = None, None
        if data.get("municipality"):
            municipality_ids = municipality_ids_matching(text=data["municipality"])
            if not municipality_ids:
                # A village the municipality merged (Lembeek) narrows the search to its postcodes.
                postcodes = postcodes_named(name=data["municipality"])
            if not municipality_ids and not postcodes:
                return Response(
                    {"municipality": [_("Unknown municipality: %(m)s") % {"m": data["municipality"]}]},
                    status=400,
                )
        streets = streets_search(
            q=data["q"], municipality_ids=municipality_ids, postcodes=postcodes, limit=data["limit"]
        )
        lookup_counted(kind="street", match="found" if streets else "none")
        return Response({"count": len(streets), "results": StreetOutput(streets, many=True).data})


class StreetNetworksView(APIView):
    """Which networks cover a street: the whole street, or split with house-number ranges per side."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        street = get_object_or_404(Street.objects.select_related("municipality"), pk=pk)
        networks = {
            n.pk: n for n in networks_visible(user=request.user).filter(municipality=street.municipality)
        }
        coverage = streets_coverage(street_ids=[street.pk], network_ids=list(networks)).get(street.pk)
        items, uncovered = [], []
        if coverage:
            for nid, ranges in coverage.ranges.items():
                rows = [{"side": r.side, "from": r.first, "to": r.last, "count": r.count} for r in ranges]
                if nid is None:
                    uncovered = rows
                    continue
                items.append({**network_brief(networks[nid]), "coverage": coverage.kind(nid), "ranges": rows})
        if not items:
            status = "none"
        elif len(items) == 1 and not uncovered and items[0]["coverage"] == "whole":
            status = "whole"
        else:
            status = "split"
        return Response(
            {
                "street": StreetOutput(street).data,
                "addresses": coverage.total if coverage else 0,
                "coverage": status,
                "networks": items,
                "uncovered": uncovered,
            }
        )


class NetworkStreetsView(APIView):
    """The streets of a network, with the house-number ranges it covers on each side (JSON, or CSV)."""

    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description="csv: the street list, in the format import_street_lists reads",
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
        summary="The streets of a network, with the house-number ranges it covers on each side",
    )
    def get(self, request, slug):
        networks = networks_visible(user=request.user)
        network = get_object_or_404(networks, slug=slug)
        if request.accepted_renderer.format == "csv":
            # The street-list format that import_street_lists reads (streets.streetlists).
            return street_list_response(
                networks=[network],
                context=networks.filter(municipality_id=network.municipality_id),
                filename=f"{network.slug}-streets.csv",
                user=request.user,
            )
        rows = network_streets(network=network, networks=networks)
        return Response({"network": network.slug, "name": network.name, "count": len(rows), "streets": rows})
