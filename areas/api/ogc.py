"""OGC API - Features for GIS clients (QGIS, ArcGIS, GDAL's OAPIF driver), under /ogc/: Part 1 Core with
GeoJSON, and Part 2, CRS by reference (CRS84, EPSG:4326 with latitude first, Lambert 72).

The landing page links the conformance classes, the collections (areas.api.ogc_collections: networks,
municipalities, police zones) and an OpenAPI description of these paths (areas.api.ogc_openapi). Anonymous
clients see the published networks, staff all (areas.selectors.networks_visible), as in the rest of the API;
logged-in browsers and HTTP Basic authenticate as in the REST API. Errors are OGC exception JSON.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema

from access.permissions import sees_unpublished_networks
from areas.exports import feature_collection_json

from .downloads import AnyAcceptView
from .ogc_collections import COLLECTIONS, Collection, collection_extent, feature_one, features_page
from .ogc_openapi import openapi_document
from .ogc_params import CRS84, CRSS, ITEM_PARAMETERS, OgcError, crs_of, items_query

__all__ = [
    "CONFORMANCE",
    "ApiDefinitionView",
    "CollectionView",
    "CollectionsView",
    "ConformanceView",
    "ItemView",
    "ItemsView",
    "LandingView",
]

JSON, GEOJSON = "application/json", "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]


def _json(request, data: dict, *, content_type: str = JSON, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )
    return _private_for_staff(request, response)


def _private_for_staff(request, response):
    if sees_unpublished_networks(request.user):
        # Unpublished networks may be in it: no shared cache may keep it for the next client.
        patch_cache_control(response, private=True, no_store=True)
    return response


def _link(request, href: str, rel: str, type_: str = JSON, title: str | None = None) -> dict:
    link = {"href": request.build_absolute_uri(href), "rel": rel, "type": type_}
    if title:
        link["title"] = title
    return link


def _collection_or_404(collection_id: str) -> Collection:
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        raise OgcError(404, "NotFound", _("No collection “%(id)s”.") % {"id": collection_id})
    return collection


@extend_schema(exclude=True)
class _OgcView(AnyAcceptView):
    def handle_exception(self, exc):
        if isinstance(exc, OgcError):
            return _json(self.request, {"code": exc.code, "description": exc.description}, status=exc.status)
        return super().handle_exception(exc)

    def check_plain(self, request) -> None:
        """The metadata paths take f=json and nothing else."""
        items_query(request.query_params, allowed=frozenset({"f"}))


@extend_schema(exclude=True)
class LandingView(_OgcView):
    def get(self, request):
        self.check_plain(request)
        links = [
            _link(request, reverse("ogc:landing"), "self", title=_("This document")),
            _link(
                request, reverse("ogc:api"), "service-desc", OPENAPI, _("The API definition (OpenAPI 3.0)")
            ),
            _link(request, reverse("ogc:conformance"), "conformance", title=_("Conformance classes")),
            _link(request, reverse("ogc:collections"), "data", title=_("Collections")),
        ]
        return _json(
            request,
            {
                "title": _("Neighbourhood information networks (BIN)"),
                "description": _(
                    "The areas of the neighbourhood information networks of Belgian municipalities, "
                    "with the municipalities and police zones, as OGC API - Features."
                ),
                "links": links,
            },
        )


@extend_schema(exclude=True)
class ApiDefinitionView(_OgcView):
    def get(self, request):
        self.check_plain(request)
        document = openapi_document(
            server=request.build_absolute_uri(reverse("ogc:landing")).rstrip("/"),
            collections=list(COLLECTIONS),
            crss=list(CRSS),
        )
        return _json(request, document, content_type=OPENAPI)


@extend_schema(exclude=True)
class ConformanceView(_OgcView):
    def get(self, request):
        self.check_plain(request)
        return _json(request, {"conformsTo": CONFORMANCE})


def _collection_json(request, collection: Collection) -> dict:
    url = reverse("ogc:collection", args=[collection.id])
    items = reverse("ogc:items", args=[collection.id])
    return {
        "id": collection.id,
        "title": str(collection.title),
        "description": str(collection.description),
        "itemType": "feature",
        "links": [
            _link(request, url, "self", title=str(collection.title)),
            _link(request, items, "items", GEOJSON, _("The features")),
        ],
        "extent": {
            "spatial": {
                "bbox": [collection_extent(collection=collection, user=request.user)],
                "crs": CRS84.uri,
            }
        },
        "crs": list(CRSS),
        **_storage_crs(),
    }


def _storage_crs() -> dict:
    """storageCrs (Part 2), when the storage CRS is one the API speaks (it is 31370 unless configured)."""
    uri = f"http://www.opengis.net/def/crs/EPSG/0/{settings.BIN_STORAGE_SRID}"
    return {"storageCrs": uri} if uri in CRSS else {}


@extend_schema(exclude=True)
class CollectionsView(_OgcView):
    def get(self, request):
        self.check_plain(request)
        return _json(
            request,
            {
                "links": [_link(request, reverse("ogc:collections"), "self", title=_("Collections"))],
                "collections": [_collection_json(request, c) for c in COLLECTIONS.values()],
                "crs": list(CRSS),
            },
        )


@extend_schema(exclude=True)
class CollectionView(_OgcView):
    def get(self, request, collection_id: str):
        collection = _collection_or_404(collection_id)
        self.check_plain(request)
        return _json(request, _collection_json(request, collection))


def _feature_links(request, collection: Collection):
    """The links of each feature: itself and its collection."""
    collection_url = request.build_absolute_uri(reverse("ogc:collection", args=[collection.id]))

    def links(feature_id) -> list[dict]:
        url = request.build_absolute_uri(reverse("ogc:item", args=[collection.id, feature_id]))
        return [
            {"href": url, "rel": "self", "type": GEOJSON},
            {"href": collection_url, "rel": "collection", "type": JSON},
        ]

    return links


def _geojson(request, text: str, crs) -> HttpResponse:
    response = HttpResponse(text.encode(), content_type=GEOJSON)
    response["Content-Crs"] = f"<{crs.uri}>"
    return _private_for_staff(request, response)


@extend_schema(exclude=True)
class ItemsView(_OgcView):
    def get(self, request, collection_id: str):
        collection = _collection_or_404(collection_id)
        query = items_query(request.query_params)
        if query.period is not None and collection.temporal_field is None:
            raise OgcError(
                400, "InvalidParameterValue", _("datetime: this collection has no time; leave it out.")
            )
        page = features_page(
            collection=collection,
            user=request.user,
            query=query,
            absolute=request.build_absolute_uri,
            links=_feature_links(request, collection),
        )
        here = reverse("ogc:items", args=[collection.id])
        links = [
            _link(request, _with(request, {}, here), "self", GEOJSON, _("This page")),
            _link(request, reverse("ogc:collection", args=[collection.id]), "collection"),
        ]
        if query.offset + len(page.features) < page.matched:
            offset = query.offset + query.limit
            links.append(
                _link(request, _with(request, {"offset": offset}, here), "next", GEOJSON, _("Next page"))
            )
        if query.offset > 0:
            offset = max(query.offset - query.limit, 0)
            links.append(
                _link(request, _with(request, {"offset": offset}, here), "prev", GEOJSON, _("Previous page"))
            )
        members = {
            "type": "FeatureCollection",
            "numberMatched": page.matched,
            "numberReturned": len(page.features),
            "timeStamp": timezone.now().isoformat(timespec="seconds").replace("+00:00", "Z"),
            "links": links,
        }
        return _geojson(request, feature_collection_json(members=members, features=page.features), query.crs)


def _with(request, changes: dict, path: str) -> str:
    """`path` with the request's query and `changes` to it."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = str(value)
    query = params.urlencode(safe=",/:")
    return f"{path}?{query}" if query else path


@extend_schema(exclude=True)
class ItemView(_OgcView):
    def get(self, request, collection_id: str, feature_id: str):
        collection = _collection_or_404(collection_id)
        items_query(request.query_params, allowed=ITEM_PARAMETERS)
        crs = crs_of(request.query_params.get("crs"))
        feature = feature_one(
            collection=collection,
            user=request.user,
            feature_id=feature_id,
            crs=crs,
            absolute=request.build_absolute_uri,
            links=_feature_links(request, collection),
        )
        if feature is None:
            raise OgcError(404, "NotFound", _("No feature “%(id)s” in this collection.") % {"id": feature_id})
        return _geojson(request, feature, crs)
