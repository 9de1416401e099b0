"""Downloads of networks as GIS files (areas.api.downloads, areas.exports): every format opens in GDAL
(ogrinfo, the real reader) in both CRSs where the format allows it, with the right CRS, feature count and
geometry; no personal data; unpublished networks for staff only; bad input is a 400."""

import json
import re
import subprocess
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.urls import reverse

from areas.api.downloads import street_list_url
from areas.exports import PROPERTY_NAMES
from tests.factories import login

CASES = [
    ("geojson", 4326),
    ("geojson", 31370),
    ("gpkg", 4326),
    ("gpkg", 31370),
    ("shp", 4326),
    ("shp", 31370),
    ("kml", 4326),
]


def municipality_file(client, fmt, **params):
    return client.get(reverse("api:municipality-networks-file", args=["99001", fmt]), params)


def ogrinfo(path) -> tuple[int, int, str]:
    """(feature count, EPSG code of the layer's CRS, the whole output) as GDAL reads the file."""
    run = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    count = int(re.search(r"Feature Count: (\d+)", run.stdout).group(1))
    # The CRS's own ID is the last one of its WKT (the ones before belong to its parts).
    epsg = int(re.findall(r'ID\["EPSG",(\d+)\]', run.stdout)[-1])
    return count, epsg, run.stdout


def saved(response, tmp_path, fmt):
    """The downloaded file on disk, unzipped for a Shapefile; the path GDAL opens."""
    path = tmp_path / response["Content-Disposition"].split('filename="')[1].rstrip('"')
    path.write_bytes(response.content)
    if fmt != "shp":
        return path
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "shp")
    stem = path.stem
    assert sorted(names) == sorted(f"{stem}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg"))
    return tmp_path / "shp" / f"{stem}.shp"


@pytest.mark.parametrize(("fmt", "srid"), CASES)
def test_every_format_opens_in_gdal_with_its_crs_and_features(client, town, tmp_path, fmt, srid):
    params = {"crs": str(srid)} if srid != 4326 else {}
    response = municipality_file(client, fmt, **params)
    assert response.status_code == 200, response.content[:500]
    suffix = "" if srid == 4326 else f"-{srid}"
    extension = {"shp": "zip"}.get(fmt, fmt)
    expected = f'attachment; filename="bin-99001-{date.today():%Y-%m-%d}{suffix}.{extension}"'
    assert response["Content-Disposition"] == expected
    count, epsg, text = ogrinfo(saved(response, tmp_path, fmt))
    # Anyone sees Teststad's published networks: Alfa, Beta and the BIN-Z.
    assert (count, epsg) == (3, srid)
    for name in PROPERTY_NAMES if fmt != "kml" else ():
        assert re.search(rf"^{name}: ", text, re.M), (name, text)
    assert "@" not in text  # no e-mail address, no coordinator


def geojson(client, **params) -> dict:
    response = municipality_file(client, "geojson", **params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def within_a_centimetre(a, b) -> bool:
    """Every vertex of `a` within 1 cm of the same vertex of `b` (the Hausdorff distance of shapely)."""
    return shapely.hausdorff_distance(shapely.from_wkb(bytes(a.wkb)), shapely.from_wkb(bytes(b.wkb))) < 0.01


def test_geojson_geometry_is_the_stored_one_within_a_centimetre(client, town):
    stored = {n.slug: n.boundary for n in town.published}
    lambert = geojson(client, crs="31370")
    assert lambert["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::31370"
    wgs84 = geojson(client)
    assert "crs" not in wgs84  # RFC 7946: lon/lat, no crs member
    for collection, srid in ((lambert, 31370), (wgs84, 4326)):
        assert sorted(f["id"] for f in collection["features"]) == sorted(stored)
        for feature in collection["features"]:
            # GEOS takes GeoJSON as EPSG:4326: the Lambert file's CRS is said after reading.
            shape = GEOSGeometry(json.dumps(feature["geometry"]))
            shape.srid = srid
            shape.transform(31370)
            assert within_a_centimetre(shape, stored[feature["id"]]), feature["id"]
    # lon/lat order: Belgium's longitudes are below its latitudes.
    lon, lat = wgs84["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 2 < lon < 7 and 49 < lat < 52


def test_properties_are_public_facts_only(client, town):
    feature = next(f for f in geojson(client)["features"] if f["id"] == "bin-alfa")
    props = feature["properties"]
    assert list(props) == list(PROPERTY_NAMES)
    assert props["muni_nis"] == "99001" and props["muni_name"] == "Teststad"
    assert (props["zone_nr"], props["zone_name"]) == (5999, "PZ Testzone")
    assert props["kind"] == "BIN" and props["status"] == "active" and props["published"] is True
    assert props["url"] == "http://testserver" + reverse("api:network-detail", args=["bin-alfa"])
    assert props["updated"].endswith("Z")


def test_unpublished_networks_only_for_staff(client, town):
    anonymous = {f["id"] for f in geojson(client)["features"]}
    assert "bin-verborgen" not in anonymous and "bin-opgeheven" not in anonymous
    staff = login(town.superuser)
    response = municipality_file(staff, "geojson")
    everything = {f["id"] for f in json.loads(response.content)["features"]}
    assert {"bin-verborgen", "bin-opgeheven"} <= everything
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    coordinator = {
        f["id"] for f in json.loads(municipality_file(login(town.coord_a), "geojson").content)["features"]
    }
    assert coordinator == anonymous


def test_police_zone_file_has_the_zone_networks(client, town, tmp_path):
    response = client.get(
        reverse("api:police-zone-networks-file", args=[5999, "gpkg"]), {"crs": "EPSG:31370"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'bin-zone-5999-{date.today():%Y-%m-%d}-31370.gpkg"')
    count, epsg, _ = ogrinfo(saved(response, tmp_path, "gpkg"))
    # Alfa, Beta, the BIN-Z (Teststad) and Gamma (Buurdorp); Elders is the other zone's.
    assert (count, epsg) == (4, 31370)


def test_a_municipality_by_name_and_an_empty_one(client, town, tmp_path):
    response = client.get(reverse("api:municipality-networks-file", args=["teststad", "geojson"]))
    assert len(json.loads(response.content)["features"]) == 3
    town.gamma.delete()
    response = client.get(reverse("api:municipality-networks-file", args=["99003", "shp"]))
    count, epsg, _ = ogrinfo(saved(response, tmp_path, "shp"))
    assert (count, epsg) == (0, 4326)


@pytest.mark.parametrize(
    ("fmt", "params", "field"),
    [
        ("xls", {}, "format"),
        ("geojson", {"crs": "3857"}, "crs"),
        ("gpkg", {"crs": "31370x"}, "crs"),
        ("kml", {"crs": "31370"}, "crs"),
    ],
)
def test_bad_format_or_crs_is_a_400_that_says_why(client, town, fmt, params, field):
    response = municipality_file(client, fmt, **params)
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_areas_are_404(client, town):
    assert client.get(reverse("api:municipality-networks-file", args=["12345", "gpkg"])).status_code == 404
    assert client.get(reverse("api:police-zone-networks-file", args=[1, "gpkg"])).status_code == 404


def test_the_street_list_is_the_streets_apps_csv(client, town):
    response = municipality_file(client, "csv")
    url = street_list_url("municipality", "99001")
    if url is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 302 and response["Location"] == url


def test_any_accept_header_gets_the_file(client, town):
    url = reverse("api:municipality-networks-file", args=["99001", "gpkg"])
    response = client.get(url, HTTP_ACCEPT="application/geopackage+sqlite3")
    assert response.status_code == 200 and response.content.startswith(b"SQLite format 3")


def test_no_temporary_file_stays_behind(client, town):
    def leftovers():
        return sorted(Path(tempfile.gettempdir()).glob("bin-export-*"))

    before = leftovers()
    for fmt in ("gpkg", "shp", "kml"):
        assert municipality_file(client, fmt).status_code == 200
    assert leftovers() == before
