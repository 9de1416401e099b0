"""The network admin's "Import networks from a file" (areas.admin_import): the same import as the command,
for administrators everywhere and for municipality staff in their own municipalities."""

import json
import shutil
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from areas.models import Network
from tests.factories import X0, Y0, login

pytestmark = pytest.mark.django_db

URL = reverse("admin:areas_network_import")


def ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [
        [X0 + x0, Y0 + y0],
        [X0 + x1, Y0 + y0],
        [X0 + x1, Y0 + y1],
        [X0 + x0, Y0 + y1],
        [X0 + x0, Y0 + y0],
    ]


# In the town (tests/town.py): two new BINs in Teststad, one of them with its hole given twice and one
# reaching 5 cm into BIN Alfa over 500 m (25 m²), and one in Buurdorp, north of BIN Gamma.
FEATURES = [
    (
        "BIN Zuidwest",
        [ring(-900, -900, -400, -400), ring(-700, -700, -680, -680), ring(-700, -700, -680, -680)],
    ),
    ("BIN Rand <b>", [ring(-500, 100, 0.05, 600)]),
    ("BIN Buur", [ring(7000, 2000, 7500, 2500)]),
]


def geojson_bytes() -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": name},
                    "geometry": {"type": "Polygon", "coordinates": rings},
                }
                for name, rings in FEATURES
            ],
        }
    ).encode()


def upload(client, *, name="wijken.geojson", content=None, **options):
    data = {
        "file": SimpleUploadedFile(name, content if content is not None else geojson_bytes()),
        "name_field": "name",
        "max_repair_change": "1",
        "overlaps": "refuse",
        "max_clip_m2": "1000",
        **options,
    }
    return client.post(URL, data)


def staff(town):
    town.municipality.is_staff = True
    town.municipality.save()
    return login(town.municipality)


def test_the_list_links_to_the_page_and_the_page_opens(town):
    client = login(town.superuser)
    assert URL in client.get(reverse("admin:areas_network_changelist")).content.decode()
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["form"].fields["dry_run"].initial is True


def test_a_dry_run_reports_and_writes_nothing(town):
    before = Network.objects.count()
    page = upload(login(town.superuser), dry_run="on", make_valid="on", overlaps="clip")
    html = page.content.decode()
    assert "What the import would do (nothing was written)" in html
    assert "wijken.geojson (layer wijken): 3 would be created" in html
    assert "bin-import-" not in html  # where the server kept the upload is not shown
    assert Network.objects.count() == before


def test_an_administrator_imports_with_repair_and_clip(town):
    page = upload(login(town.superuser), make_valid="on", overlaps="clip")
    report = page.context["report"]
    assert (report.created, report.skipped) == (3, 0), report.errors
    lines = {line.split(" (", 1)[0]: line for line in report.changes}
    assert "repaired Self-intersection" in lines["create BIN Zuidwest"]
    assert "25.0 m² left to BIN Alfa" in lines["create BIN Rand <b>"]
    html = page.content.decode()
    assert "BIN Rand &lt;b&gt;" in html and "BIN Rand <b>" not in html  # names from the file are text
    rand = Network.objects.get(name="BIN Rand <b>")
    assert not rand.boundary.overlaps(town.alfa.boundary)


def test_without_the_options_the_page_lists_the_refusals_and_the_options(town):
    report = upload(login(town.superuser)).context["report"]
    assert report.created == 1
    reasons = " ".join(str(e) for e in report.errors)
    assert "--make-valid" in reasons and "--overlaps clip" in reasons


def test_municipality_staff_import_into_their_municipality_only(town):
    client = staff(town)
    page = client.get(URL)
    assert list(page.context["form"].fields["municipality"].queryset) == [town.muni]
    report = upload(client, make_valid="on", overlaps="clip").context["report"]
    assert report.created == 2
    [error] = report.errors
    assert error.position == "feature 3 (layer wijken)"
    assert "municipality you do not manage" in error.reason
    assert not Network.objects.filter(name="BIN Buur").exists()


def test_people_who_do_not_manage_networks_do_not_get_the_page(town, client):
    assert client.get(URL).status_code == 302  # to the admin's login
    coordinator = login(town.coord_a)
    assert coordinator.get(URL).status_code == 302


def test_a_file_that_is_not_a_vector_file(town):
    page = upload(login(town.superuser), name="wijken.txt", content=b"hello")
    assert "upload a GeoJSON (.geojson)" in page.content.decode()
    page = upload(login(town.superuser), name="wijken.geojson", content=b"hello")
    assert "wijken.geojson: GDAL cannot read this file" in page.content.decode()
    assert "bin-import-" not in page.content.decode()


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs GDAL's ogr2ogr (Debian: gdal-bin)")
def test_a_zipped_shapefile(town, tmp_path):
    (tmp_path / "in.geojson").write_bytes(geojson_bytes())
    subprocess.run(
        ["ogr2ogr", "-f", "ESRI Shapefile", str(tmp_path / "wijken.shp"), str(tmp_path / "in.geojson")],
        check=True,
        capture_output=True,
    )
    archive = tmp_path / "wijken.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            zf.write(tmp_path / f"wijken{suffix}", f"wijken{suffix}")
    report = upload(
        login(town.superuser),
        name="wijken.zip",
        content=archive.read_bytes(),
        make_valid="on",
        overlaps="clip",
    ).context["report"]
    assert (report.created, report.skipped) == (3, 0), report.errors
    assert report.source == "wijken.zip (layer wijken)"
