"""Networks handed out as GIS files: GeoJSON written here, GeoPackage, zipped Shapefile and KML written from
it by GDAL's ogr2ogr (gdal-bin, installed by the Dockerfile), in EPSG:4326 or Lambert 72 (EPSG:31370).

A file carries what the public may know of a network and nothing about people: no coordinators, no
contact person, no members (GDPR). Which networks go in is the caller's choice (areas.selectors
.networks_visible decides what a user may see).
"""

import json
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import QuerySet

from .models import Network

__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_SRIDS",
    "ExportFile",
    "OgrError",
    "feature_collection_json",
    "feature_json",
    "geojson_crs_member",
    "network_properties",
    "networks_export_file",
    "networks_geojson",
]

EXPORT_SRIDS = (4326, 31370)
# format -> (ogr2ogr driver, file extension, content type); geojson is written without GDAL.
EXPORT_FORMATS = {
    "geojson": (None, "geojson", "application/geo+json"),
    "gpkg": ("GPKG", "gpkg", "application/geopackage+sqlite3"),
    "shp": ("ESRI Shapefile", "zip", "application/zip"),
    "kml": ("KML", "kml", "application/vnd.google-earth.kml+xml"),
}
# Decimals of the coordinates: 8 in degrees is 1 mm on the ground, 3 in metres the same; the stored
# boundary comes out again within 1 cm after any transform back (tests/areas/test_exports.py).
DECIMALS = {4326: 8, 31370: 3}
# Shapefile attribute names have at most 10 characters: these fit, and every format uses the same.
PROPERTY_NAMES = (
    "name",
    "slug",
    "kind",
    "status",
    "muni_nis",
    "muni_name",
    "zone_nr",
    "zone_name",
    "published",
    "updated",
    "url",
)
LAYER = "networks"
OGR2OGR_TIMEOUT_S = 120


class OgrError(RuntimeError):
    """ogr2ogr failed or is missing; the message is GDAL's."""


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def network_properties(network: Network, *, url: str) -> dict:
    """The attributes of a network in every file and in the OGC API: public facts only, never people.
    `url` is where the network answers in the API. The network comes with municipality and police zone."""
    municipality = network.municipality
    zone = network.police_zone or municipality.police_zone
    return {
        "name": network.name,
        "slug": network.slug,
        "kind": network.kind,
        "status": network.status,
        "muni_nis": municipality.nis_code,
        "muni_name": municipality.name,
        "zone_nr": zone.number if zone else None,
        "zone_name": zone.name if zone else None,
        "published": network.published,
        "updated": network.updated.isoformat().replace("+00:00", "Z"),
        "url": url,
    }


def geojson_crs_member(srid: int) -> dict:
    """The GeoJSON 2008 "crs" member that names a CRS other than RFC 7946's lon/lat; GDAL and QGIS read it."""
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}


def feature_json(*, feature_id: str, geometry: str | None, properties: dict, extra: str = "") -> str:
    """One GeoJSON Feature as text, the geometry as PostGIS wrote it (ST_AsGeoJSON): parsing it and
    writing it again made the GeoJSON of 200 BINs of 400 vertices take 1.1 s instead of 0.23 s
    (scripts/bench_downloads.py). `extra`: more members, as text starting with a comma."""
    head = json.dumps({"type": "Feature", "id": feature_id}, ensure_ascii=False)[:-1]
    body = json.dumps(properties, ensure_ascii=False)
    return f'{head},"geometry":{geometry or "null"},"properties":{body}{extra}}}'


def feature_collection_json(*, members: dict, features: list[str]) -> str:
    """A FeatureCollection as text: `members` (type, links, counts…) and the features' texts."""
    head = json.dumps(members, ensure_ascii=False)[:-1]
    return f'{head},"features":[{",".join(features)}]}}'


def networks_geojson(*, networks: QuerySet[Network], srid: int, url_of: Callable[[Network], str]) -> str:
    """The networks as a GeoJSON FeatureCollection (text) in EPSG:`srid` (x/y order: lon/lat or
    east/north).

    In EPSG:4326 it is RFC 7946 GeoJSON; in another CRS it names it in a "crs" member, as GeoJSON did
    before RFC 7946 (which allows lon/lat only): GDAL, QGIS and ArcGIS read it, and the Lambert 72 file is
    what the municipalities' GIS asked for.
    """
    if srid not in EXPORT_SRIDS:
        raise ValueError(f"EPSG:{srid} is not an export CRS")
    rows = (
        networks.select_related("municipality__police_zone", "police_zone")
        .annotate(shape=AsGeoJSON(Transform("boundary", srid), precision=DECIMALS[srid]))
        .defer("boundary", "description")
        .order_by("municipality__nis_code", "name", "pk")
    )
    features = [
        feature_json(feature_id=n.slug, geometry=n.shape, properties=network_properties(n, url=url_of(n)))
        for n in rows
    ]
    members = {"type": "FeatureCollection", "name": LAYER}
    if srid != 4326:
        members["crs"] = geojson_crs_member(srid)
    return feature_collection_json(members=members, features=features)


def networks_export_file(*, geojson: str, fmt: str, srid: int, basename: str) -> ExportFile:
    """`geojson` (networks_geojson) as a file of `fmt` named `basename`.<extension>."""
    driver, extension, content_type = EXPORT_FORMATS[fmt]
    filename = f"{basename}.{extension}"
    if driver is None:
        return ExportFile(geojson.encode(), content_type, filename)
    if fmt == "kml" and srid != 4326:
        raise ValueError("KML is lon/lat (EPSG:4326) only")
    # Everything is written in a directory of its own, which is removed whatever happens.
    with tempfile.TemporaryDirectory(prefix="bin-export-") as tmp:
        source = Path(tmp, "in.geojson")
        source.write_text(geojson, encoding="utf-8")
        if fmt == "shp":
            out = Path(tmp, "shp")
            out.mkdir()
            _ogr2ogr(driver, out / f"{basename}.shp", source, srid, ["-lco", "ENCODING=UTF-8"])
            return ExportFile(_zipped(out), content_type, filename)
        out = Path(tmp, filename)
        options = ["-dsco", "NameField=name", "-dsco", "DescriptionField=url"] if fmt == "kml" else []
        _ogr2ogr(driver, out, source, srid, options)
        return ExportFile(out.read_bytes(), content_type, filename)


def _ogr2ogr(driver: str, out: Path, source: Path, srid: int, options: list[str]) -> None:
    # -nlt keeps the geometry type when there are no features (a Shapefile needs one); -a_srs says the CRS
    # even then, and in the EPSG form, so that the file names the code and not only its parameters.
    command = [
        "ogr2ogr",
        "-f",
        driver,
        str(out),
        str(source),
        "-nln",
        out.stem if driver == "ESRI Shapefile" else LAYER,
        "-nlt",
        "MULTIPOLYGON",
        "-a_srs",
        f"EPSG:{srid}",
        *options,
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=OGR2OGR_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OgrError(f"ogr2ogr did not run: {exc}") from exc
    if result.returncode != 0:
        raise OgrError(result.stderr.strip() or f"ogr2ogr exited with {result.returncode}")


def _zipped(directory: Path) -> bytes:
    """The files of a Shapefile (.shp .shx .dbf .prj .cpg) in one zip, without a folder."""
    with tempfile.SpooledTemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(directory.iterdir()):
                archive.write(path, arcname=path.name)
        buffer.seek(0)
        return buffer.read()
