"""The OpenAPI 3.0 description of the OGC API - Features paths (areas.api.ogc), its "service-desc": written
by hand, since drf-spectacular describes the REST API under /api/ and these paths are not in it."""

from .ogc_params import LIMIT_DEFAULT, LIMIT_MAX

__all__ = ["openapi_document"]

_JSON = {"application/json": {"schema": {"type": "object"}}}
_GEOJSON = {"application/geo+json": {"schema": {"type": "object"}}}
_ERRORS = {
    "400": {"description": "A parameter is wrong; the description says which.", "content": _JSON},
    "404": {"description": "No such collection or feature.", "content": _JSON},
}


def _parameter(name: str, where: str, schema: dict, description: str, *, required: bool = False) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
        **({"style": "form", "explode": False} if schema.get("type") == "array" else {}),
    }


def _operation(operation_id: str, summary: str, content: dict, parameters: list) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": {"description": summary, "content": content}, **_ERRORS},
        }
    }


def openapi_document(*, server: str, collections: list[str], crss: list[str]) -> dict:
    """The document, for the server at `server` (the landing page's URL without its final slash)."""
    f = _parameter("f", "query", {"type": "string", "enum": ["json"]}, "The format: JSON (the default).")
    collection = _parameter(
        "collectionId", "path", {"type": "string", "enum": collections}, "The collection."
    )
    crs = _parameter(
        "crs", "query", {"type": "string", "format": "uri", "enum": crss}, "The CRS of the output."
    )
    items = [
        collection,
        _parameter(
            "bbox",
            "query",
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            "Features that meet this box: minx,miny,maxx,maxy in the axis order of bbox-crs.",
        ),
        _parameter(
            "bbox-crs", "query", {"type": "string", "format": "uri", "enum": crss}, "The CRS of bbox (CRS84)."
        ),
        _parameter(
            "limit",
            "query",
            {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": LIMIT_DEFAULT},
            f"Features per page (at most {LIMIT_MAX}; more means {LIMIT_MAX}).",
        ),
        _parameter("offset", "query", {"type": "integer", "minimum": 0, "default": 0}, "Features skipped."),
        crs,
        _parameter(
            "datetime",
            "query",
            {"type": "string"},
            "Networks updated at this instant or in this interval (RFC 3339, start/end, '..' open).",
        ),
        f,
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": "BIN GIS: OGC API - Features", "version": "1.0.0"},
        "servers": [{"url": server}],
        "paths": {
            "/": _operation("getLandingPage", "The landing page", _JSON, [f]),
            "/api": _operation("getApiDefinition", "This document", _JSON, [f]),
            "/conformance": _operation("getConformance", "The conformance classes", _JSON, [f]),
            "/collections": _operation("getCollections", "The collections", _JSON, [f]),
            "/collections/{collectionId}": _operation(
                "describeCollection", "One collection", _JSON, [collection, f]
            ),
            "/collections/{collectionId}/items": _operation("getFeatures", "Features", _GEOJSON, items),
            "/collections/{collectionId}/items/{featureId}": _operation(
                "getFeature",
                "One feature",
                _GEOJSON,
                [
                    collection,
                    _parameter("featureId", "path", {"type": "string"}, "The feature's id."),
                    crs,
                    f,
                ],
            ),
        },
    }
