"""The network form's upload (areas.boundary_upload), issue 15: the polygons of a GeoJSON, GeoPackage or
zipped Shapefile, in the CRS the file states, replace the network's area; files that cannot be one
network's area are refused saying why. The GeoPackage and Shapefile are made by ogr2ogr in the test."""

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from areas.models import Network
from tests.factories import login, lonlat_square, square
from tests.test_admin import post_data

pytestmark = pytest.mark.django_db


def feature_collection(*features: tuple[str, dict]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": n}, "geometry": g} for n, g in features],
    }


def write_geojson(folder: Path, data: dict, name: str = "area.geojson") -> Path:
    path = folder / name
    path.write_text(json.dumps(data))
    return path


def ogr2ogr(*args: str) -> None:
    subprocess.run(["ogr2ogr", *args], check=True, capture_output=True)


def upload(client, network, path: Path, name: str | None = None):
    url = reverse("admin:areas_network_change", args=[network.pk])
    data = post_data(network)
    data["boundary_file"] = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(url, data)


def errors(response) -> str:
    return response.content.decode()


# Inside BIN Alfa [0, 1000]², away from its neighbours: [100, 600]².
INNER = lonlat_square(100, 100, 500)


def test_a_geojson_in_lon_lat_replaces_the_area(town, tmp_path):
    path = write_geojson(tmp_path, feature_collection(("BIN Alfa", INNER)))
    response = upload(login(town.superuser), town.alfa, path)
    assert response.status_code == 302, errors(response)[:3000]
    town.alfa.refresh_from_db()
    assert abs(town.alfa.boundary.area - 500 * 500) < 1
    assert town.alfa.boundary.srid == 31370


def test_a_geopackage_replaces_the_area(town, tmp_path):
    source = write_geojson(tmp_path, feature_collection(("BIN Alfa", INNER)))
    ogr2ogr("-f", "GPKG", str(tmp_path / "alfa.gpkg"), str(source))
    response = upload(login(town.superuser), town.alfa, tmp_path / "alfa.gpkg")
    assert response.status_code == 302, errors(response)[:3000]
    town.alfa.refresh_from_db()
    assert abs(town.alfa.boundary.area - 500 * 500) < 1


def test_a_zipped_shapefile_in_lambert_72_replaces_the_area(town, tmp_path):
    # Two polygons of one network: both parts become its area (one multipolygon).
    source = write_geojson(
        tmp_path,
        feature_collection(
            ("BIN Alfa", lonlat_square(100, 100, 300)), ("BIN Alfa", lonlat_square(500, 500, 300))
        ),
    )
    shp = tmp_path / "shp"
    shp.mkdir()
    ogr2ogr("-f", "ESRI Shapefile", "-t_srs", "EPSG:31370", str(shp / "alfa.shp"), str(source))
    assert "Belge" in (shp / "alfa.prj").read_text() or "Lambert" in (shp / "alfa.prj").read_text()
    archive = tmp_path / "alfa.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.iterdir():
            zf.write(part, f"alfa/{part.name}")
    response = upload(login(town.superuser), town.alfa, archive)
    assert response.status_code == 302, errors(response)[:3000]
    town.alfa.refresh_from_db()
    assert len(town.alfa.boundary) == 2
    assert abs(town.alfa.boundary.area - 2 * 300 * 300) < 1


def test_a_file_of_points_is_refused(town, tmp_path):
    path = write_geojson(
        tmp_path,
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Point", "coordinates": [4.2, 50.7]},
                }
            ],
        },
    )
    response = upload(login(town.superuser), town.alfa, path)
    assert response.status_code == 200
    assert "Expected a polygon or multipolygon, got a Point" in errors(response)
    town.alfa.refresh_from_db()
    assert town.alfa.boundary.equals_exact(square(0, 0, 1000), 1e-6)


def test_an_empty_file_has_no_polygon(town, tmp_path):
    path = write_geojson(tmp_path, {"type": "FeatureCollection", "features": []})
    response = upload(login(town.superuser), town.alfa, path)
    assert response.status_code == 200
    assert "area.geojson holds no polygon" in errors(response)


def test_an_unreadable_file_is_refused(town, tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_bytes(b"\x00\x01 not json at all")
    response = upload(login(town.superuser), town.alfa, path)
    assert response.status_code == 200
    page = errors(response)
    assert "broken.geojson: GDAL cannot read this file" in page
    assert "bin-upload-" not in page  # no server paths


def test_a_zip_without_a_shapefile_is_refused(town, tmp_path):
    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    response = upload(login(town.superuser), town.alfa, archive)
    assert response.status_code == 200
    assert "The zip file must hold exactly one Shapefile" in errors(response)


def test_several_areas_with_different_names_are_refused_naming_them(town, tmp_path):
    path = write_geojson(
        tmp_path,
        feature_collection(
            ("BIN Alfa", lonlat_square(100, 100, 300)), ("BIN <Noord>", lonlat_square(500, 500, 300))
        ),
    )
    response = upload(login(town.superuser), town.alfa, path)
    assert response.status_code == 200
    page = errors(response)
    assert "holds several areas" in page
    assert "“BIN Alfa” (feature 1" in page and "“BIN &lt;Noord&gt;” (feature 2" in page


def test_an_uploaded_area_is_checked_like_a_drawn_one(town, tmp_path):
    # Into BIN Beta: refused by the same overlap rule, naming Beta.
    path = write_geojson(tmp_path, feature_collection(("BIN Alfa", lonlat_square(500, 0, 1000))))
    response = upload(login(town.superuser), town.alfa, path)
    assert response.status_code == 200
    assert "BIN Beta" in errors(response)


def test_a_new_network_takes_its_area_from_a_file_alone(town, tmp_path):
    path = write_geojson(tmp_path, feature_collection(("BIN Veldweg", lonlat_square(0, 2800, 400))))
    data = post_data(town.alfa, name="BIN Veldweg", slug="bin-veldweg", boundary="", contact_email="")
    data["boundary_file"] = SimpleUploadedFile("veldweg.geojson", path.read_bytes())
    response = login(town.superuser).post(reverse("admin:areas_network_add"), data)
    assert response.status_code == 302, errors(response)[:3000]
    network = Network.objects.get(slug="bin-veldweg")
    assert abs(network.boundary.area - 400 * 400) < 1 and network.municipality_id == town.muni.pk
