"""The OGC API - Features read by a real client: GDAL's OAPIF driver (ogrinfo, ogr2ogr) against the live
test server. GDAL 3.6 (Debian bookworm) has no CRS option for OAPIF: the crs parameter is tested over HTTP
(tests/areas/test_ogc.py)."""

import json
import os
import re
import subprocess

import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry

from areas.models import Network

# The live server needs committed rows; what the migrations put there is restored for the next tests.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC = ["bin-alfa", "bin-beta", "bin-elders", "bin-gamma", "bin-z-markt"]


def gdal(*command) -> str:
    # No proxy for the loopback server, whatever the machine's environment says.
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_ogrinfo_lists_the_collections_and_counts_the_networks(live_server, town):
    landing = f"OAPIF:{live_server.url}/ogc/"
    listing = gdal("ogrinfo", "-ro", "-q", landing)
    assert re.findall(r"^\d+: (\S+)", listing, re.M) == ["networks", "municipalities", "police-zones"]
    # Pages of two: GDAL follows the next links through three pages.
    summary = gdal("ogrinfo", "-ro", "-al", "-so", "-oo", "PAGE_SIZE=2", landing, "networks")
    assert "Feature Count: 5" in summary
    for field in ("name", "slug", "kind", "status", "muni_nis", "zone_nr", "published", "updated", "url"):
        assert re.search(rf"^{field}: ", summary, re.M), field


def test_ogr2ogr_copies_every_network_to_a_geopackage(live_server, town, tmp_path):
    out = tmp_path / "networks.gpkg"
    gdal("ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{live_server.url}/ogc/", "networks", "-oo", "PAGE_SIZE=2")
    # Read back in Lambert 72 and held against PostGIS: every vertex within 1 cm.
    copied = json.loads(gdal("ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:31370", "/vsistdout/", str(out)))
    features = {f["properties"]["slug"]: f["geometry"] for f in copied["features"]}
    assert sorted(features) == PUBLIC
    for slug, geometry in features.items():
        shape = GEOSGeometry(json.dumps(geometry))
        stored = Network.objects.get(slug=slug).boundary
        distance = shapely.hausdorff_distance(
            shapely.from_wkb(bytes(shape.wkb)), shapely.from_wkb(bytes(stored.wkb))
        )
        assert distance < 0.01, (slug, distance)


def test_gdal_with_staff_credentials_sees_the_unpublished(live_server, town):
    summary = gdal(
        "ogrinfo", "-ro", "-al", "-so", "-oo", "USERPWD=root:pw", f"OAPIF:{live_server.url}/ogc/", "networks"
    )
    assert "Feature Count: 7" in summary
