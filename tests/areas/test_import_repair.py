"""Networks from real data (issue 15): invalid polygons repaired (make_valid) and overlaps clipped, as the
command, the core function and the admin upload run them, on a synthetic Schaerbeek-like file."""

import shutil
import subprocess
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from areas.importers import import_networks
from areas.importers.repair import geos_notices
from areas.models import Network
from areas.rules import exclusive_sql
from areas.selectors import networks_covering_points
from core.importing import ImportAborted
from tests.factories import X0, Y0, MunicipalityFactory, NetworkFactory, square

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
# Six quartiers of 500 m x 400 m tiling 1500 m x 800 m at (X0 + 2000, Y0 + 2000), EPSG:31370:
#   Colignon [0, 500] x [400, 800]    Brabant [499.9, 1000] x ..   Dailly [1000, 1500] x [399.99, 800]
#   Helmet   [0, 500] x [0, 400]      Parc Josaphat [499.2925, 1000]  Terdelt [1000, 1500] x [0, 400]
# Terdelt's east edge crosses itself (a 2 m bow tie at x = 1501), Colignon gives its hole ring twice;
# Parc Josaphat overlaps Helmet by 283 m², Brabant Colignon by 40 m², Dailly Terdelt by 5 m².
QUARTIERS = DATA / "quartiers_schaerbeek_like.geojson"
BX, BY = X0 + 2000, Y0 + 2000
# A point well inside each quartier, and points in the overlaps, which belong to the first one drawn.
INSIDE = {
    "Helmet": (250, 200),
    "Parc Josaphat": (750, 200),
    "Terdelt": (1250, 200),
    "Colignon": (250, 600),
    "Brabant": (750, 600),
    "Dailly": (1250, 600),
}
IN_OVERLAPS = {"Helmet": (499.6, 200), "Colignon": (499.95, 600), "Terdelt": (1250, 399.995)}
REPAIRED = {"make_valid": True, "overlaps": "clip", "defaults": {"published": True}}


@pytest.fixture
def schaerbeek(db):
    return MunicipalityFactory(nis_code="21015", name_nl="Schaarbeek", name_fr="Schaerbeek")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_networks", str(QUARTIERS), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def largest_overlap_m2() -> float:
    """The largest overlap between two residential BINs of one municipality (m²), as PostGIS measures it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT coalesce(max(ST_Area(ST_Intersection(a.boundary, b.boundary))), 0)
            FROM areas_network a JOIN areas_network b
              ON a.id < b.id AND a.municipality_id = b.municipality_id AND a.boundary && b.boundary
            WHERE {exclusive_sql("a")} AND {exclusive_sql("b")}
            """
        )
        return cursor.fetchone()[0]


def owner_at(x: float, y: float) -> list[str]:
    """The networks the lookup answers for the point (BX + x, BY + y) (published ones: import them so)."""
    [found] = networks_covering_points(points=[Point(BX + x, BY + y, srid=31370)])
    return [c.network.name for c in found if not c.on_border]


# --- the command --------------------------------------------------------------------------------------


def test_make_valid_and_clip_import_every_quartier_without_overlaps(schaerbeek):
    out, err = run("--make-valid", "--overlaps=clip", "--published")
    assert out.strip().endswith("6 were created, 0 were updated, 0 unchanged, 0 skipped"), out
    assert err == ""
    assert Network.objects.filter(municipality=schaerbeek).count() == 6
    assert largest_overlap_m2() <= 1.0
    # Each repair and each clipped pair, on the feature's line.
    lines = {line.split(" (", 1)[0].strip(): line for line in out.splitlines() if line.startswith("  create")}
    assert "repaired Self-intersection[148501 162201]" in lines["create Terdelt"]
    assert (
        "repaired Self-intersection[147200 162570]; ring 3 of polygon 1 repeats ring 2:"
        in lines["create Colignon"]
    )
    # Colignon's hole counted twice before: 200000 - 2 x 400 m²; once after.
    assert "area 199200.0 m² → 199600.0 m² (+400.0 m², 0.20 %)" in lines["create Colignon"]
    assert "283.0 m² left to Helmet" in lines["create Parc Josaphat"]
    assert "40.0 m² left to Colignon" in lines["create Brabant"]
    assert "5.0 m² left to Terdelt" in lines["create Dailly"]
    assert "repaired" not in lines["create Helmet"] and "left to" not in lines["create Helmet"]
    # The point lookup answers one network inside each quartier, and the first drawn in each overlap.
    for name, (x, y) in {**INSIDE, **IN_OVERLAPS}.items():
        assert owner_at(x, y) == [name], (name, x, y)
    josaphat = Network.objects.get(name="Parc Josaphat")
    assert round(josaphat.boundary.area, 1) == 200283.0 - 283.0


def test_geos_notices_are_said_once_in_the_message_and_not_on_stderr(schaerbeek, caplog, capfd):
    # GEOS notices go through the django.contrib.gis logger to the root handler (stderr), not to the
    # command's stderr: look at both, and at the log records.
    caplog.set_level("INFO")
    out, err = run()
    assert err == "" and "GEOS" not in capfd.readouterr().err
    assert not [r for r in caplog.records if r.name.startswith("django.contrib.gis")]
    terdelt = next(line for line in out.splitlines() if "feature 3 (layer quartiers)" in line)
    assert terdelt.count("Self-intersection") == 1, terdelt
    assert "GEOS_NOTICE" not in out


def test_without_the_options_refusals_name_the_problem_and_the_option(schaerbeek):
    out, err = run()
    assert err == ""
    errors = {
        line.split(":", 1)[0].strip(): line for line in out.splitlines() if line.startswith("  feature")
    }
    assert set(errors) == {
        "feature 2 (layer quartiers)",
        "feature 3 (layer quartiers)",
        "feature 4 (layer quartiers)",
    }, out
    assert "overlaps the residential BIN “Helmet” (helmet) by 283 m²" in errors["feature 2 (layer quartiers)"]
    assert "--overlaps clip" in errors["feature 2 (layer quartiers)"]
    for invalid in ("feature 3 (layer quartiers)", "feature 4 (layer quartiers)"):
        assert "The polygon is not valid" in errors[invalid] and "--make-valid" in errors[invalid]
    assert "Cause: ring 3 of polygon 1 repeats ring 2." in errors["feature 4 (layer quartiers)"]
    # Brabant and Dailly overlap only quartiers that were refused.
    assert "3 were created" in out


def test_without_the_options_and_on_error_stop_nothing_is_written(schaerbeek):
    with pytest.raises(
        CommandError, match=r"feature 2 \(layer quartiers\).*--overlaps clip.*nothing was written"
    ):
        run("--on-error=stop")
    assert not Network.objects.exists()


def test_dry_run_reports_the_same_and_writes_nothing(schaerbeek):
    dry, _err = run("--make-valid", "--overlaps=clip", "--dry-run")
    assert not Network.objects.exists()
    real, _err = run("--make-valid", "--overlaps=clip")
    assert dry.replace("would be", "were") == real
    assert "283.0 m² left to Helmet" in dry


def test_a_repair_that_changes_the_area_too_much_is_refused(schaerbeek):
    # Colignon's repair changes its area by 0.20 %.
    out, _err = run("--make-valid", "--overlaps=clip", "--max-repair-change=0.1")
    colignon = next(line for line in out.splitlines() if "feature 4 (layer quartiers)" in line)
    assert "from 199200.0 m² to 199600.0 m² (+400.0 m², 0.20 %), more than the limit of 0.1 %" in colignon
    assert not Network.objects.filter(name="Colignon").exists()
    assert Network.objects.filter(name="Terdelt").exists()  # 0.00 %


def test_an_overlap_larger_than_max_clip_is_refused(schaerbeek):
    out, _err = run("--make-valid", "--overlaps=clip", "--max-clip-m2=100")
    josaphat = next(line for line in out.splitlines() if "feature 2 (layer quartiers)" in line)
    assert "overlaps the residential BIN “Helmet” (helmet) by 283.0 m², more than the 100 m²" in josaphat
    assert "5 were created" in out and "1 skipped" in out


def test_the_tolerance_is_per_import(schaerbeek):
    # Overlaps up to 50 m² are accepted as they are: Brabant and Dailly keep theirs, Parc Josaphat is clipped.
    out, _err = run("--make-valid", "--overlaps=clip", "--overlap-tolerance-m2=50")
    assert "6 were created" in out
    assert "left to Colignon" not in out and "left to Terdelt" not in out
    assert 39 < largest_overlap_m2() <= 50
    # The same tolerance with "refuse": only Parc Josaphat is refused.
    Network.objects.all().delete()
    out, _err = run("--make-valid", "--overlap-tolerance-m2=50")
    assert "5 were created" in out and "feature 2 (layer quartiers)" in out


# --- the core function ------------------------------------------------------------------------------------


def test_the_core_function_takes_the_same_options(schaerbeek):
    report = import_networks(path=QUARTIERS, **REPAIRED)
    assert (report.created, report.skipped) == (6, 0)
    assert any("283.0 m² left to Helmet" in line for line in report.changes)
    # A re-import of the same file finds the same clipped and repaired polygons: nothing to change.
    again = import_networks(path=QUARTIERS, **REPAIRED)
    assert (again.unchanged, again.updated, again.skipped) == (6, 0, 0), again.changes


def test_an_existing_network_keeps_its_area_and_a_bin_z_is_not_clipped(schaerbeek):
    # Stored before the file: Helmet's neighbour to the west reaches 10 m² into Helmet.
    NetworkFactory(
        name="Voisin",
        municipality=schaerbeek,
        boundary=MultiPolygon(Polygon.from_bbox((BX - 100, BY, BX + 0.1, BY + 100)), srid=31370),
    )
    bin_z = NetworkFactory(
        name="BIN-Z Josaphat",
        kind=Network.Kind.BIN_Z,
        municipality=schaerbeek,
        boundary=square(2600, 2100, 100),
    )
    report = import_networks(path=QUARTIERS, **REPAIRED)
    assert report.created == 6
    helmet = next(line for line in report.changes if line.startswith("create Helmet"))
    assert "10.0 m² left to Voisin" in helmet
    assert largest_overlap_m2() <= 1.0
    bin_z.refresh_from_db()
    assert bin_z.boundary.area == pytest.approx(10000)
    assert owner_at(650, 150) == ["Parc Josaphat", "BIN-Z Josaphat"]


def test_a_wrong_overlaps_mode_is_the_callers_mistake(schaerbeek):
    with pytest.raises(ValueError, match="overlaps must be one of"):
        import_networks(path=QUARTIERS, overlaps="merge")


def test_municipality_ids_refuse_features_elsewhere(schaerbeek):
    other = MunicipalityFactory(boundary=square(50000, 50000, 1000))
    report = import_networks(path=QUARTIERS, municipality_ids={other.pk}, **REPAIRED)
    assert (report.created, report.skipped) == (0, 6)
    assert "municipality you do not manage" in report.errors[0].reason
    assert import_networks(path=QUARTIERS, municipality_ids={schaerbeek.pk}, **REPAIRED).created == 6


def test_the_stop_mode_aborts_before_writing(schaerbeek):
    with pytest.raises(ImportAborted, match="Stopped at the first bad record"):
        import_networks(path=QUARTIERS, on_error="stop")
    assert not Network.objects.exists()


@pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs GDAL's ogr2ogr (Debian: gdal-bin)")
def test_areas_are_measured_in_metres_whatever_the_files_crs(schaerbeek, tmp_path):
    wgs84 = tmp_path / "quartiers.geojson"
    subprocess.run(
        [
            *("ogr2ogr", "-f", "GeoJSON", str(wgs84), str(QUARTIERS), "-t_srs", "EPSG:4326"),
            *("-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=9"),
        ],
        check=True,
        capture_output=True,
    )
    report = import_networks(path=wgs84, **REPAIRED)
    assert (report.created, report.skipped) == (6, 0), report.errors
    changes = " ".join(report.changes)
    assert "283.0 m² left to Helmet" in changes and "(+400.0 m², 0.20 %)" in changes
    assert largest_overlap_m2() <= 1.0


def test_geos_notices_takes_this_threads_notices_only(caplog):
    bow_tie = GEOSGeometry("POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))")
    caplog.set_level("WARNING")
    with geos_notices() as notices:
        assert not bow_tie.valid
        # A web request in another thread keeps its notices in its log.
        other = threading.Thread(target=lambda: bow_tie.clone().valid)
        other.start()
        other.join()
    assert notices == ["Self-intersection at or near point 5 5"]
    assert [r.thread for r in caplog.records if "GEOS_NOTICE" in r.getMessage()] == [other.ident]


def test_municipality_ids_refuse_moving_a_network_from_elsewhere(schaerbeek):
    elsewhere = MunicipalityFactory(boundary=square(50000, 50000, 1000))
    NetworkFactory(name="Helmet", source_id="Q1", municipality=elsewhere, boundary=square(50000, 50000, 100))
    report = import_networks(path=QUARTIERS, id_field="id", municipality_ids={schaerbeek.pk}, **REPAIRED)
    assert report.created == 5
    [error] = report.errors
    assert error.position == "feature 1 (layer quartiers)"
    assert f"municipality you do not manage ({elsewhere})" in error.reason
