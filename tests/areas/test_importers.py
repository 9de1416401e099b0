"""Area importers: every importer on every format and CRS, re-imports, dry runs, and each way a file fails."""

import json
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
import shapely
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import GEOSGeometry
from django.core.management import call_command
from django.core.management.base import CommandError

from areas.importers import import_municipalities, import_networks, import_police_zones, link_police_zones
from areas.models import Municipality, Network, PoliceZone
from core.importing import ImportAborted
from tests.factories import X0, Y0, MunicipalityFactory, NetworkFactory, PoliceZoneFactory, square

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="needs GDAL's ogr2ogr (Debian: gdal-bin)"),
]

DATA = Path(__file__).parent / "data"
WIJKEN = DATA / "halle_wijken.shp"  # the 9 neighbourhoods of Halle, EPSG:31370
WIJKEN_WGS84 = DATA / "halle_wijken_wgs84.geojson"  # the same, EPSG:4326 with 9 decimals
GEMEENTE = DATA / "halle_gemeente.shp"
POLITIEZONE = DATA / "zennevallei_politiezone.shp"
GEMEENTE_POLITIEZONE = DATA / "gemeente_politiezone_zennevallei.csv"
POLITIEZONE_NAMES = DATA / "politiezone_names_zennevallei.csv"
CM = 0.01

# importer, file, its arguments, model, the model field the file's key goes to, the file's key field
CASES = {
    "police_zones": (
        import_police_zones,
        POLITIEZONE,
        {"code_field": "politiezon", "names_table": POLITIEZONE_NAMES},
        PoliceZone,
        "code",
        "politiezon",
    ),
    "municipalities": (
        import_municipalities,
        GEMEENTE,
        {"nis_field": "geoitem", "name_nl_field": "naam"},
        Municipality,
        "nis_code",
        "geoitem",
    ),
    "networks": (
        import_networks,
        WIJKEN,
        {"name_field": "naam", "id_field": "geoitem"},
        Network,
        "source_id",
        "geoitem",
    ),
}


# --- helpers -----------------------------------------------------------------------------------------


def ogr2ogr(src: Path, dst: Path, *options: str) -> Path:
    """Convert with GDAL's command line tool, as a user would make the file."""
    driver = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".shp": "ESRI Shapefile"}[dst.suffix]
    subprocess.run(["ogr2ogr", "-f", driver, str(dst), str(src), *options], check=True, capture_output=True)
    return dst


def variant(src: Path, fmt: str, tmp_path: Path) -> Path:
    """`src` as a Shapefile, a GeoPackage, a GeoJSON in EPSG:31370 (with "crs") or a GeoJSON in 4326."""
    if fmt == "shp":
        return src
    if fmt == "gpkg":
        return ogr2ogr(src, tmp_path / f"{src.stem}.gpkg")
    if fmt == "geojson":
        return ogr2ogr(src, tmp_path / f"{src.stem}.geojson")
    # RFC 7946 rounds to 7 decimals (up to 6 mm) unless told otherwise: keep 9 (0.1 mm).
    return ogr2ogr(
        src,
        tmp_path / f"{src.stem}.geojson",
        *("-t_srs", "EPSG:4326", "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=9"),
    )


def write_geojson(path: Path, features: list[tuple[dict, str | None]], srid: int | None = 31370) -> Path:
    """A GeoJSON file of (properties, WKT) pairs; its coordinates are in EPSG:`srid`, said in "crs"."""
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": properties,
                "geometry": json.loads(GEOSGeometry(wkt).json) if wkt else None,
            }
            for properties, wkt in features
        ],
    }
    if srid:
        data["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{srid}"}}
    path.write_text(json.dumps(data))
    return path


def hausdorff(a: GEOSGeometry, b: GEOSGeometry) -> float:
    return shapely.hausdorff_distance(
        shapely.from_wkb(bytes(a.wkb)), shapely.from_wkb(bytes(b.wkb)), densify=0.25
    )


def source_polygons(path: Path, key_field: str) -> dict[str, GEOSGeometry]:
    """The polygons of a file in EPSG:31370 as they are, by key: what the importers must store."""
    return {feature.get(key_field): feature.geom.geos for feature in DataSource(str(path))[0]}


def square_wkt(x: float, y: float, size: float) -> str:
    return square(x, y, size).wkt


@pytest.fixture
def zennevallei():
    import_police_zones(path=POLITIEZONE, code_field="politiezon", names_table=POLITIEZONE_NAMES)
    return PoliceZone.objects.get(code="ipz32")


@pytest.fixture
def halle(zennevallei):
    import_municipalities(
        path=GEMEENTE, nis_field="geoitem", name_nl_field="naam", police_zone_table=GEMEENTE_POLITIEZONE
    )
    return Municipality.objects.get(nis_code="23027")


@pytest.fixture
def area(db):
    """A municipality (a 20 km square around Lembeek) for the hand-made files."""
    return MunicipalityFactory(nis_code="23027", name_nl="Halle")


# --- every importer, every format, every CRS -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["shp", "gpkg", "geojson", "geojson-4326"])
@pytest.mark.parametrize("case", list(CASES))
def test_each_importer_reads_each_format_to_the_same_polygons(request, tmp_path, case, fmt):
    importer, src, kwargs, model, key, key_field = CASES[case]
    if case == "networks":
        request.getfixturevalue("halle")
    path = variant(src, fmt, tmp_path)

    report = importer(path=path, **kwargs)

    expected = source_polygons(src, key_field)
    assert (report.created, report.updated, report.skipped) == (len(expected), 0, 0), report.errors
    stored = {getattr(obj, key): obj.boundary for obj in model.objects.all()}
    assert stored.keys() == expected.keys()
    for k, boundary in stored.items():
        assert boundary.srid == 31370
        assert boundary.geom_type == "MultiPolygon"
        # Shapefile, GeoPackage and GeoJSON in Lambert 72 give the very same polygons; the round trip
        # through EPSG:4326 (BD72 → WGS 84 by a Helmert transformation, and back) stays within 1 cm.
        assert hausdorff(boundary, expected[k]) < (CM if fmt == "geojson-4326" else 1e-6), k


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_areas_in_4326_after_31370_are_unchanged(request, tmp_path, case):
    importer, src, kwargs, model, _key, _key_field = CASES[case]
    if case == "networks":
        request.getfixturevalue("halle")
    first = importer(path=src, **kwargs)
    second = importer(path=variant(src, "geojson-4326", tmp_path), **kwargs)
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert model.objects.count() == first.created


# --- networks ------------------------------------------------------------------------------------------


def test_networks_get_municipality_police_zone_slug_and_source_id(halle):
    report = import_networks(path=WIJKEN, name_field="naam", id_field="geoitem")
    assert report.summary().endswith("9 were created, 0 were updated, 0 unchanged, 0 skipped")
    lembeek = Network.objects.get(source_id="23027W05")
    assert lembeek.name == "Lembeek-Centrum (Halle)"
    assert lembeek.slug == "lembeek-centrum-halle"
    # Found by location: the municipality whose boundary contains the area; its police zone follows.
    assert lembeek.municipality == halle
    assert lembeek.police_zone.name == "PZ Zennevallei"
    assert (lembeek.kind, lembeek.status, lembeek.published) == ("BIN", "proposed", False)


def test_the_4326_file_of_halle_matches_the_shapefile(halle):
    import_networks(path=WIJKEN, name_field="naam", id_field="geoitem")
    report = import_networks(path=WIJKEN_WGS84, name_field="naam", id_field="geoitem")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 9)


def test_reimport_updates_what_changed_and_keeps_what_staff_set(halle, tmp_path):
    import_networks(path=WIJKEN, name_field="naam", id_field="geoitem")
    Network.objects.filter(source_id="23027W01").update(status=Network.Status.ACTIVE, published=True)
    # A new edition: one neighbourhood renamed, one shrunk by 5 m (shrinking cannot overlap a neighbour).
    data = json.loads(ogr2ogr(WIJKEN, tmp_path / "edition2.geojson").read_text())
    for feature in data["features"]:
        if feature["properties"]["geoitem"] == "23027W05":
            feature["properties"]["naam"] = "Lembeek (Halle)"
        if feature["properties"]["geoitem"] == "23027W03":
            shrunk = GEOSGeometry(json.dumps(feature["geometry"])).buffer(-5)
            feature["geometry"] = json.loads(shrunk.json)
    edition2 = tmp_path / "edition2.geojson"
    edition2.write_text(json.dumps(data))

    report = import_networks(path=edition2, name_field="naam", id_field="geoitem")

    assert (report.created, report.updated, report.unchanged, report.skipped) == (0, 2, 7, 0)
    assert sorted(report.changes) == [
        "update Halle-Centrum (Halle): boundary",
        "update Lembeek (Halle): name",
    ]
    assert Network.objects.count() == 9
    renamed = Network.objects.get(source_id="23027W05")
    assert (renamed.name, renamed.slug) == ("Lembeek (Halle)", "lembeek-centrum-halle")
    kept = Network.objects.get(source_id="23027W01")
    assert (kept.status, kept.published) == ("active", True)


def test_dry_run_writes_nothing_and_says_what_it_would_do(halle):
    report = import_networks(path=WIJKEN, name_field="naam", id_field="geoitem", dry_run=True)
    assert report.dry_run and report.created == 9
    assert "create Lembeek-Centrum (Halle)" in report.changes
    assert "9 would be created" in report.summary()
    assert not Network.objects.exists()

    import_networks(path=WIJKEN, name_field="naam", id_field="geoitem")
    report = import_networks(
        path=WIJKEN, name_field="naam", id_field="geoitem", defaults={"status": "active"}, dry_run=True
    )
    assert report.updated == 9
    assert "update Halle-Centrum (Halle): status" in report.changes
    assert not Network.objects.filter(status="active").exists()


def test_without_id_field_networks_are_matched_on_name_and_municipality(halle):
    first = import_networks(path=WIJKEN, name_field="naam")
    second = import_networks(path=WIJKEN_WGS84, name_field="naam")
    assert (first.created, second.created, second.unchanged) == (9, 0, 9)
    assert not Network.objects.filter(source_id__isnull=False).exists()


def test_mapped_fields_and_defaults(tmp_path, area):
    other_zone = PoliceZoneFactory(code="ipz99", number=5999)
    path = write_geojson(
        tmp_path / "bins.geojson",
        [
            ({"name": "BIN-Z Markt", "kind": "bin-z", "nis": "23027"}, square_wkt(0, 0, 500)),
            ({"name": "BIN Molenborre", "kind": None, "nis": None}, square_wkt(600, 0, 500)),
        ],
    )
    report = import_networks(
        path=path,
        kind_field="kind",
        municipality_field="nis",
        defaults={"status": "active", "published": "yes", "police_zone": "5999"},
    )
    assert report.created == 2, report.errors
    markt, molenborre = Network.objects.get(name="BIN-Z Markt"), Network.objects.get(name="BIN Molenborre")
    assert (markt.kind, molenborre.kind) == ("BIN-Z", "BIN")
    assert markt.municipality == molenborre.municipality == area
    assert markt.status == "active" and markt.published and markt.police_zone == other_zone


def test_unknown_default_is_refused(area):
    with pytest.raises(ImportAborted, match="Default kind: “BIN-X” is not known"):
        import_networks(path=WIJKEN, name_field="naam", defaults={"kind": "BIN-X"})
    with pytest.raises(ImportAborted, match="Unknown defaults: colour"):
        import_networks(path=WIJKEN, name_field="naam", defaults={"colour": "red"})


# --- what can be wrong with a file -------------------------------------------------------------------


def test_missing_file():
    with pytest.raises(ImportAborted, match="no such file"):
        import_networks(path="/nonexistent/wijken.shp")


def test_not_a_geo_file(tmp_path):
    text = tmp_path / "wijken.geojson"
    text.write_text("Dit is geen kaart.\n")
    with pytest.raises(ImportAborted, match="GDAL cannot read this file"):
        import_networks(path=text)
    table = tmp_path / "wijken.csv"
    table.write_text("name,nis\nCentrum,23027\n")
    with pytest.raises(ImportAborted, match="has no geometries"):
        import_networks(path=table)


def test_unknown_field_lists_the_fields_there_are(area):
    with pytest.raises(ImportAborted) as exc:
        import_networks(path=WIJKEN, name_field="naam", id_field="wijkcode")
    assert "no field “wijkcode” (id field)" in str(exc.value)
    assert "its fields are: geoitem, naam" in str(exc.value)


def test_field_names_are_matched_without_case(halle):
    assert import_networks(path=WIJKEN, name_field="NAAM", id_field="GeoItem").created == 9


def test_layer_by_name_or_index(tmp_path, zennevallei):
    gpkg = ogr2ogr(GEMEENTE, tmp_path / "areas.gpkg")
    ogr2ogr(POLITIEZONE, gpkg, "-update")
    report = import_police_zones(path=gpkg, layer="zennevallei_politiezone", code_field="politiezon")
    assert report.unchanged == 1
    assert import_municipalities(path=gpkg, layer=0, nis_field="geoitem").created == 1
    assert import_municipalities(path=gpkg, layer="0", nis_field="geoitem").unchanged == 1
    with pytest.raises(ImportAborted, match="no layer “wijken”; its layers are: halle_gemeente"):
        import_municipalities(path=gpkg, layer="wijken", nis_field="geoitem")


def test_a_crs_without_epsg_code(tmp_path, halle):
    # A transverse Mercator on Halle, on ETRS89: GDAL knows it only by its definition, no EPSG code.
    local = "+proj=tmerc +lat_0=50.7 +lon_0=4.2 +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    path = ogr2ogr(WIJKEN, tmp_path / "local.gpkg", "-t_srs", local)
    assert DataSource(str(path))[0].srs.srid is None
    assert import_networks(path=path, name_field="naam", id_field="geoitem").created == 9
    expected = source_polygons(WIJKEN, "geoitem")
    for network in Network.objects.all():
        assert hausdorff(network.boundary, expected[network.source_id]) < CM


def test_a_file_without_crs_needs_source_srid(tmp_path, halle):
    for suffix in (".shp", ".shx", ".dbf", ".cpg"):
        shutil.copy(WIJKEN.with_suffix(suffix), tmp_path / f"noprj{suffix}")
    with pytest.raises(ImportAborted, match=r"does not say its coordinate reference system.*--srid"):
        import_networks(path=tmp_path / "noprj.shp", name_field="naam")
    report = import_networks(path=tmp_path / "noprj.shp", name_field="naam", source_srid=31370)
    assert report.created == 9


def test_geojson_without_crs_in_lambert_coordinates(tmp_path, area):
    # Without a "crs" member GDAL reads GeoJSON as WGS 84 (RFC 7946), whatever its numbers.
    path = write_geojson(
        tmp_path / "lambert.geojson", [({"name": "BIN A"}, square_wkt(0, 0, 100))], srid=None
    )
    with pytest.raises(ImportAborted, match="not longitude/latitude"):
        import_networks(path=path)
    assert import_networks(path=path, source_srid=31370).created == 1


def test_bow_tie_is_reported_with_its_position_and_the_geos_reason(tmp_path, area):
    x, y = X0 + 2000, Y0 + 2000
    bow_tie = f"POLYGON(({x} {y}, {x + 100} {y + 100}, {x + 100} {y}, {x} {y + 100}, {x} {y}))"
    path = write_geojson(
        tmp_path / "bins.geojson",
        [({"name": "BIN Goed"}, square_wkt(0, 0, 100)), ({"name": "BIN Strik"}, bow_tie)],
    )
    report = import_networks(path=path)
    assert (report.created, report.skipped) == (1, 1)
    [error] = report.errors
    assert error.position == "feature 2 (layer bins)"
    # GEOS says where: the crossing in the middle of the bow tie, in the file's coordinates.
    assert f"Self-intersection[{x + 50:.0f} {y + 50:.0f}]" in error.reason
    assert str(error).startswith("feature 2 (layer bins): The polygon is not valid")


def test_overlap_with_an_existing_bin_names_it_and_the_area(tmp_path):
    existing = NetworkFactory(name="BIN Lembeek-Centrum", boundary=square(0, 0, 1000))
    path = write_geojson(tmp_path / "bins.geojson", [({"name": "BIN Nieuw"}, square_wkt(800, 0, 1000))])
    report = import_networks(path=path)
    [error] = report.errors
    assert error.position == "feature 1 (layer bins)"
    assert "BIN Lembeek-Centrum" in error.reason and existing.slug in error.reason
    assert "200000 m²" in error.reason  # 200 m x 1000 m
    assert not Network.objects.filter(name="BIN Nieuw").exists()


def test_overlap_between_two_features_of_the_same_file(tmp_path, area):
    path = write_geojson(
        tmp_path / "bins.geojson",
        [
            ({"name": "BIN Noord"}, square_wkt(0, 0, 1000)),
            ({"name": "BIN Buur"}, square_wkt(1000, 0, 500)),  # touches Noord: fine
            ({"name": "BIN Zuid"}, square_wkt(0, 900, 1000)),  # 1000 m x 100 m into Noord
        ],
    )
    report = import_networks(path=path)
    assert report.created == 2
    [error] = report.errors
    assert error.position == "feature 3 (layer bins)"
    assert "BIN Noord" in error.reason and "100000 m²" in error.reason


def test_a_bin_z_may_overlap_a_bin_of_the_same_file(tmp_path, area):
    path = write_geojson(
        tmp_path / "bins.geojson",
        [
            ({"name": "BIN Centrum", "kind": "BIN"}, square_wkt(0, 0, 1000)),
            ({"name": "BIN-Z Markt", "kind": "BIN-Z"}, square_wkt(200, 200, 300)),
        ],
    )
    assert import_networks(path=path, kind_field="kind").created == 2


GOOD = {"name": "BIN Goed", "kind": None, "nis": None}


@pytest.mark.parametrize(
    "properties, wkt, reason",
    [
        ({"name": "BIN Leeg"}, None, "The feature has no geometry."),
        ({"name": "BIN Lijn"}, "LINESTRING(145000 160000, 146000 160000)", "got a LineString"),
        ({"name": "BIN Punt"}, "POINT(145000 160000)", "got a Point"),
        ({"name": "  "}, "POLYGON((145000 160000, 145100 160000, 145100 160100, 145000 160000))", "name"),
        ({"name": "BIN X", "nis": "99999"}, square(0, 0, 10).wkt, "Unknown municipality NIS code “99999”"),
        ({"name": "BIN Ver"}, square(50000, 0, 10).wkt, "No municipality contains this area"),
        ({"name": "BIN Y", "kind": "BIN-Q"}, square(0, 0, 10).wkt, "Unknown kind “BIN-Q”"),
        # Longitude and latitude swapped: lands in the Indian Ocean, far outside the service area.
        (
            {"name": "BIN Omgekeerd"},
            "POLYGON((50.7 4.2, 50.8 4.2, 50.8 4.3, 50.7 4.2))",
            "outside the service",
        ),
    ],
)
def test_bad_records_are_skipped_with_their_position(tmp_path, area, properties, wkt, reason):
    srid = 4326 if "Omgekeerd" in properties["name"] else 31370
    good = square(0, 0, 10).transform(srid, clone=True).wkt
    srid = None if srid == 4326 else srid  # GeoJSON without "crs" is in EPSG:4326
    path = write_geojson(tmp_path / "bins.geojson", [(GOOD, good), (properties, wkt)], srid)
    report = import_networks(path=path, kind_field="kind", municipality_field="nis")
    assert (report.created, report.skipped) == (1, 1)
    assert report.errors[0].position == "feature 2 (layer bins)"
    assert reason in report.errors[0].reason


def test_heights_are_dropped(tmp_path, area):
    wkt = "POLYGON Z ((145000 160000 31, 145100 160000 32, 145100 160100 33, 145000 160000 31))"
    assert (
        import_networks(path=write_geojson(tmp_path / "3d.geojson", [({"name": "BIN Z"}, wkt)])).created == 1
    )
    assert not Network.objects.get().boundary.hasz


def test_the_same_identifier_twice_in_a_file(tmp_path, area):
    path = write_geojson(
        tmp_path / "bins.geojson",
        [
            ({"id": "7", "name": "BIN A"}, square_wkt(0, 0, 10)),
            ({"id": "7", "name": "BIN B"}, square_wkt(20, 0, 10)),
        ],
    )
    report = import_networks(path=path, id_field="id", id_prefix="test:")
    assert report.errors[0].reason == "Same identifier “7” as feature 1 (layer bins)."
    assert Network.objects.get().source_id == "test:7"


def test_on_error_stop_writes_nothing(tmp_path, area):
    path = write_geojson(
        tmp_path / "bins.geojson",
        [
            ({"name": "BIN A"}, square_wkt(0, 0, 100)),
            ({"name": "BIN B"}, square_wkt(200, 0, 100)),
            ({"name": "BIN Lijn"}, "LINESTRING(145000 160000, 146000 160000)"),
            ({"name": "BIN C"}, square_wkt(400, 0, 100)),
        ],
    )
    with pytest.raises(ImportAborted) as exc:
        import_networks(path=path, on_error="stop")
    assert str(exc.value).startswith("feature 3 (layer bins): Expected a polygon")
    assert "nothing was written" in str(exc.value)
    assert exc.value.report.errors[0].position == "feature 3 (layer bins)"
    assert not Network.objects.exists()


# --- municipalities and police zones -----------------------------------------------------------------


def test_municipalities_get_names_and_police_zones_from_the_table(zennevallei):
    report = import_municipalities(
        path=GEMEENTE, nis_field="geoitem", name_nl_field="naam", police_zone_table=GEMEENTE_POLITIEZONE
    )
    assert report.changes == ["create 23027 Halle"]
    halle = Municipality.objects.get()
    assert (halle.nis_code, halle.name_nl, halle.police_zone) == ("23027", "Halle", zennevallei)

    again = import_municipalities(
        path=GEMEENTE, nis_field="geoitem", name_nl_field="naam", police_zone_table=GEMEENTE_POLITIEZONE
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_municipality_police_zone_field_and_unknown_zone(tmp_path, zennevallei):
    path = write_geojson(
        tmp_path / "gemeenten.geojson",
        [
            ({"nis": 23027, "naam": "Halle", "pz": "ipz32"}, square_wkt(0, 0, 1000)),
            ({"nis": 23003, "naam": "Beersel", "pz": "ipz404"}, square_wkt(1000, 0, 1000)),
        ],
    )
    report = import_municipalities(path=path, nis_field="nis", name_nl_field="naam", police_zone_field="pz")
    assert Municipality.objects.get(nis_code="23027").police_zone == zennevallei
    assert report.errors[0].position == "feature 2 (layer gemeenten)"
    assert "Unknown police zone “ipz404”" in report.errors[0].reason


def test_municipality_dry_run_and_update(tmp_path, zennevallei):
    MunicipalityFactory(nis_code="23027", name_nl="Halle (oud)", police_zone=None)
    report = import_municipalities(
        path=GEMEENTE,
        nis_field="geoitem",
        name_nl_field="naam",
        police_zone_table=GEMEENTE_POLITIEZONE,
        dry_run=True,
    )
    assert report.changes == ["update 23027 Halle: name_nl, police_zone, boundary"]
    assert Municipality.objects.get().name_nl == "Halle (oud)"


def test_link_police_zones_from_the_table(zennevallei):
    MunicipalityFactory(nis_code="23027", police_zone=None)
    report = link_police_zones(csv_path=GEMEENTE_POLITIEZONE)
    assert (report.updated, report.unchanged) == (1, 0)
    assert Municipality.objects.get().police_zone == zennevallei
    # Beersel and Sint-Pieters-Leeuw were not imported: reported by line, not fatal.
    assert [e.position for e in report.errors] == [
        "line 2 (gemeente_politiezone_zennevallei.csv)",
        "line 4 (gemeente_politiezone_zennevallei.csv)",
    ]
    assert "Unknown municipality NIS code “23003”" in report.errors[0].reason
    assert link_police_zones(csv_path=GEMEENTE_POLITIEZONE).unchanged == 1


def test_link_police_zones_table_without_the_columns(tmp_path):
    path = tmp_path / "pz.csv"
    path.write_text("nis,zone\n23027,ipz32\n")
    with pytest.raises(
        ImportAborted, match="no column “gemeente”, “politiezone”; its columns are: nis, zone"
    ):
        link_police_zones(csv_path=path)


def test_police_zone_names_numbers_and_updates(tmp_path):
    report = import_police_zones(path=POLITIEZONE, code_field="politiezon")
    assert PoliceZone.objects.get().name == "ipz32"  # no name anywhere: the code stands in
    path = ogr2ogr(
        POLITIEZONE, tmp_path / "pz.geojson", "-sql", "SELECT *, 5412 AS nr FROM zennevallei_politiezone"
    )
    report = import_police_zones(
        path=path, code_field="politiezon", number_field="nr", names_table=POLITIEZONE_NAMES
    )
    assert report.changes == ["update ipz32 PZ Zennevallei: name, number"]
    zone = PoliceZone.objects.get()
    assert (zone.code, zone.name, zone.number) == ("ipz32", "PZ Zennevallei", 5412)
    # A later file without names keeps the name the table gave.
    assert import_police_zones(path=POLITIEZONE, code_field="politiezon").unchanged == 1


# --- the management commands -------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_commands_import_police_zones_municipalities_and_networks():
    out, _err = run(
        "import_police_zones",
        str(POLITIEZONE),
        "--code-field",
        "politiezon",
        "--names-table",
        str(POLITIEZONE_NAMES),
    )
    assert "1 were created" in out
    out, _err = run(
        "import_municipalities",
        str(GEMEENTE),
        "--nis-field=geoitem",
        "--name-nl-field=naam",
        f"--police-zone-table={GEMEENTE_POLITIEZONE}",
    )
    assert "1 were created" in out
    out, err = run(
        "import_networks",
        str(WIJKEN_WGS84),
        "--name-field=naam",
        "--id-field=geoitem",
        "--kind=BIN",
        "--status=active",
        "--published",
    )
    assert out.strip().endswith("9 were created, 0 were updated, 0 unchanged, 0 skipped")
    assert err == ""
    lembeek = Network.objects.get(source_id="23027W05")
    assert (lembeek.status, lembeek.published, lembeek.police_zone.code) == ("active", True, "ipz32")


def test_command_dry_run_lists_the_changes(halle):
    out, _err = run("import_networks", str(WIJKEN), "--name-field=naam", "--dry-run")
    assert "create Lembeek-Centrum (Halle)" in out
    assert "9 would be created" in out
    assert not Network.objects.exists()


def test_area_commands_take_the_options_every_import_command_has(halle):
    # The street commands' spelling of the progress switch, and its opposite.
    for option in ("--no-progress", "--progress"):
        out, _err = run("import_networks", str(WIJKEN), "--name-field=naam", "--dry-run", option)
        assert "9 would be created" in out
    assert not Network.objects.exists()


def test_command_prints_each_bad_record(tmp_path, area):
    path = write_geojson(
        tmp_path / "bins.geojson",
        [
            ({"name": "BIN A"}, square_wkt(0, 0, 100)),
            ({"name": "BIN Lijn"}, "LINESTRING(145000 160000, 146000 160000)"),
        ],
    )
    out, err = run("import_networks", str(path))
    assert "1 were created" in out and "1 skipped" in out
    # The bad records are part of the report, on stdout with the rest of it (core.importing.ImportCommand).
    assert "feature 2 (layer bins): Expected a polygon or multipolygon, got a LineString." in out
    assert err == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["/nonexistent/wijken.shp"], "no such file"),
        ([str(POLITIEZONE_NAMES)], "has no geometries"),
        ([str(WIJKEN), "--name-field=wijknaam"], "no field “wijknaam”"),
        ([str(WIJKEN), "--layer=wijken"], "no layer “wijken”"),
        ([str(WIJKEN), "--srid=999999"], "EPSG:999999 is not a known CRS"),
        (
            [str(WIJKEN), "--name-field=naam", "--municipality=99999"],
            "Default municipality: “99999” is not known",
        ),
        (
            [str(WIJKEN), "--name-field=naam", "--on-error=stop"],
            "feature 1 (layer halle_wijken): No municipality",
        ),
    ],
)
def test_command_failures_are_command_errors(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("import_networks", *args)


def test_command_without_srid_for_a_file_without_crs(tmp_path):
    for suffix in (".shp", ".shx", ".dbf"):
        shutil.copy(GEMEENTE.with_suffix(suffix), tmp_path / f"noprj{suffix}")
    with pytest.raises(CommandError, match="--srid"):
        run("import_municipalities", str(tmp_path / "noprj.shp"), "--nis-field=geoitem")
    out, _err = run(
        "import_municipalities", str(tmp_path / "noprj.shp"), "--nis-field=geoitem", "--srid=31370"
    )
    assert "1 were created" in out


def _two_touching_bins(tmp_path, border: float, *, broken_b: bool = False) -> Path:
    """A | B, 1000 m tall, touching at x = border (metres from X0), as GeoJSON in Lambert 72."""

    def feature(fid, x0, x1, broken=False):
        ring = [[X0 + x0, Y0], [X0 + x1, Y0], [X0 + x1, Y0 + 1000], [X0 + x0, Y0 + 1000], [X0 + x0, Y0]]
        if broken:  # a bow tie: crosses itself
            ring = [[X0 + x0, Y0], [X0 + x1, Y0 + 1000], [X0 + x1, Y0], [X0 + x0, Y0 + 1000], [X0 + x0, Y0]]
        return {
            "type": "Feature",
            "properties": {"id": fid, "name": f"BIN {fid}"},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    path = tmp_path / f"bins-{border}-{broken_b}.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::31370"}},
                "features": [feature("A", 0, border), feature("B", border, 2000, broken_b)],
            }
        )
    )
    return path


def test_a_new_edition_that_moves_a_shared_border_imports(tmp_path):
    municipality = MunicipalityFactory(boundary=square(-5000, -5000, 20000))
    options = {"name_field": "name", "id_field": "id", "defaults": {"municipality": municipality.nis_code}}
    first = import_networks(path=_two_touching_bins(tmp_path, 1000), **options)
    assert (first.created, first.skipped) == (2, 0)
    # A grows 10 m into B, B shrinks by the same: A's new boundary overlaps B's old one by 10,000 m².
    second = import_networks(path=_two_touching_bins(tmp_path, 1010), **options)
    assert (second.updated, second.skipped) == (2, 0), second.errors
    a, b = Network.objects.get(source_id="A"), Network.objects.get(source_id="B")
    assert round(a.boundary.area) == 1_010_000 and round(b.boundary.area) == 990_000
    assert a.boundary.touches(b.boundary)


def test_a_new_edition_that_would_leave_an_overlap_writes_nothing(tmp_path):
    municipality = MunicipalityFactory(boundary=square(-5000, -5000, 20000))
    options = {"name_field": "name", "id_field": "id", "defaults": {"municipality": municipality.nis_code}}
    import_networks(path=_two_touching_bins(tmp_path, 1000), **options)
    before = {n.source_id: n.boundary.wkt for n in Network.objects.all()}
    # A grows, but B's new edition is refused (it crosses itself) and B would keep its old boundary.
    with pytest.raises(ImportAborted, match=r"BIN A: The area overlaps the residential BIN “BIN B”.*Nothing"):
        import_networks(path=_two_touching_bins(tmp_path, 1010, broken_b=True), **options)
    assert {n.source_id: n.boundary.wkt for n in Network.objects.all()} == before
