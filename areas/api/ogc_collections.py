"""The collections of the OGC API - Features (areas.api.ogc): networks (what the user may see, with the
attributes of the GIS downloads, areas.exports), municipalities and police zones; and the query that
pages through one of them as GeoJSON features in the CRS asked for."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.aggregates import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Func, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from areas.exports import feature_json, network_properties
from areas.models import Municipality, PoliceZone
from areas.selectors import networks_visible

from .ogc_params import Crs, ItemsQuery

__all__ = ["COLLECTIONS", "Collection", "FeaturePage", "collection_extent", "feature_one", "features_page"]


@dataclass(frozen=True)
class Collection:
    """One collection: its id, title and description; its rows as `user` may see them; the field that is
    a feature's id; the properties of a row (given a function that makes a URL absolute); the field that
    datetime= filters on (None: the collection has no time)."""

    id: str
    title: str
    description: str
    rows: Callable[[object], QuerySet]
    id_field: str
    properties: Callable[[object, Callable[[str], str]], dict]
    temporal_field: str | None = None
    defer: tuple[str, ...] = ("boundary",)


def _network_properties(network, absolute: Callable[[str], str]) -> dict:
    return network_properties(network, url=absolute(reverse("api:network-detail", args=[network.slug])))


def _municipality_properties(m, absolute) -> dict:
    zone = m.police_zone
    return {
        "nis_code": m.nis_code,
        "name": m.name,
        "name_nl": m.name_nl,
        "name_fr": m.name_fr,
        "name_de": m.name_de,
        "zone_nr": zone.number if zone else None,
        "zone_name": zone.name if zone else None,
    }


def _zone_properties(zone, absolute) -> dict:
    return {"number": zone.number, "code": zone.code, "name": zone.name}


COLLECTIONS = {
    c.id: c
    for c in (
        Collection(
            "networks",
            _("Neighbourhood information networks"),
            _("BIN, BIN-Z and other networks: their areas, kind, status, municipality and police zone."),
            rows=lambda user: networks_visible(user=user).select_related("municipality__police_zone"),
            id_field="slug",
            properties=_network_properties,
            temporal_field="updated",
            defer=("boundary", "description"),
        ),
        Collection(
            "municipalities",
            _("Municipalities"),
            _("The municipalities of the service by NIS code, with their police zone."),
            rows=lambda user: Municipality.objects.select_related("police_zone"),
            id_field="nis_code",
            properties=_municipality_properties,
        ),
        Collection(
            "police-zones",
            _("Police zones"),
            _("The local police zones of the service, by number."),
            rows=lambda user: PoliceZone.objects.all(),
            id_field="code",
            properties=_zone_properties,
        ),
    )
}


@dataclass
class FeaturePage:
    features: list[str]  # GeoJSON text of each (areas.exports.feature_json)
    matched: int


def _geometry(crs: Crs):
    geometry = Transform("boundary", crs.srid)
    if crs.lat_first:
        geometry = Func(geometry, function="ST_FlipCoordinates", output_field=GeometryField(srid=crs.srid))
    return AsGeoJSON(geometry, precision=crs.decimals)


def _feature(collection: Collection, row, absolute, links: Callable[[str], list[dict]]) -> str:
    feature_id = getattr(row, collection.id_field)
    return feature_json(
        feature_id=feature_id,
        geometry=row.shape,
        properties=collection.properties(row, absolute),
        extra=',"links":' + json.dumps(links(feature_id), ensure_ascii=False),
    )


def features_page(
    *, collection: Collection, user, query: ItemsQuery, absolute, links: Callable[[str], list[dict]]
) -> FeaturePage:
    """One page of a collection's features by `query`: bbox (features that meet the box), datetime, in
    the CRS asked for; in the order of their ids, so that pages neither skip nor repeat."""
    rows = collection.rows(user)
    if query.bbox is not None:
        # The box is in its own CRS; Django transforms it to the storage CRS in the statement.
        rows = rows.filter(boundary__intersects=query.bbox)
    if query.period is not None:
        start, end = query.period
        if start is not None:
            rows = rows.filter(**{f"{collection.temporal_field}__gte": start})
        if end is not None:
            rows = rows.filter(**{f"{collection.temporal_field}__lte": end})
    matched = rows.count()
    page = (
        rows.annotate(shape=_geometry(query.crs))
        .defer(*collection.defer)
        .order_by("pk")[query.offset : query.offset + query.limit]
    )
    return FeaturePage([_feature(collection, row, absolute, links) for row in page], matched)


def feature_one(
    *, collection: Collection, user, feature_id: str, crs: Crs, absolute, links: Callable[[str], list[dict]]
) -> str | None:
    """One feature (GeoJSON text) by its id, or None when there is none the user may see."""
    row = (
        collection.rows(user)
        .filter(**{collection.id_field: feature_id})
        .annotate(shape=_geometry(crs))
        .defer(*collection.defer)
        .first()
    )
    return None if row is None else _feature(collection, row, absolute, links)


def collection_extent(*, collection: Collection, user) -> list[float]:
    """The lon/lat box of what `user` sees of the collection; the service area when it is empty."""
    extent = collection.rows(user).aggregate(box=Extent(Transform("boundary", 4326)))["box"]
    return [round(v, 6) for v in extent] if extent else list(settings.BIN_SERVICE_BBOX)
