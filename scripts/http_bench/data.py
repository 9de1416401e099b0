"""The benchmark's country: the 2,767 real Flemish and Brussels neighbourhoods as published, active BINs, the
municipalities and police zones they lie in, and the 11,879 real BeST addresses of the demo (Haren, Lembeek,
Malmedy), loaded through the project's own importers.

The areas come from the shared data folder (`--data`, default ../shared/data: flanders-areas/derived_wgs84);
the addresses and Malmedy's boundary from fixtures/demo. A marker in the database comment says the load is
complete, so a second run only checks it.
"""

from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

MARKER = "bench_http: ggw7 2767 + BeST demo addresses v1"


def database_name() -> str:
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to load benchmark data into {name!r}: the name must contain 'bench'")
    return name


def loaded() -> bool:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database_name()],
        )
        (comment,) = cur.fetchone()
    return comment == MARKER


def load(data: Path, log=print) -> None:
    from areas.importers import import_municipalities, import_networks, import_police_zones, link_police_zones
    from areas.models import Municipality, Network, PoliceZone
    from streets.importers import import_best_flat, import_postal_names

    areas = data / "flanders-areas"
    wgs84 = areas / "derived_wgs84"
    if not (wgs84 / "ggw7_wijken_2025.geojson").exists():
        raise SystemExit(f"{wgs84}/ggw7_wijken_2025.geojson not found: give --data the shared data folder")
    demo = Path(settings.BASE_DIR) / "fixtures" / "demo"
    name = database_name()
    with transaction.atomic():
        Network.objects.all().delete()
        steps = [
            (import_police_zones, {"path": wgs84 / "politiezone_2025.geojson", "code_field": "pz_code",
                                   "name_field": "pz_name"}),
            (import_police_zones, {"path": demo / "police_zones.geojson", "code_field": "code",
                                   "name_field": "name", "number_field": "number"}),
            (import_municipalities, {"path": wgs84 / "gemeente_2025.geojson", "nis_field": "geoitem",
                                     "name_nl_field": "naam"}),
            (import_municipalities, {"path": demo / "municipalities.geojson", "nis_field": "nis",
                                     "name_nl_field": "name_nl", "name_fr_field": "name_fr",
                                     "name_de_field": "name_de"}),
            (link_police_zones, {"csv_path": areas / "tables" / "gemeente_politiezone.csv"}),
            (link_police_zones, {"csv_path": demo / "municipality_police_zones.csv"}),
            (import_best_flat, {"path": demo / "best_addresses.csv"}),
            (import_postal_names, {"path": demo / "postal_names.csv"}),
            (import_networks, {"path": wgs84 / "ggw7_wijken_2025.geojson", "name_field": "naam",
                               "id_field": "geoitem", "id_prefix": "ggw7:",
                               "defaults": {"kind": "BIN", "status": "active", "published": True}}),
        ]  # fmt: skip
        for importer, options in steps:
            log(importer(**options).summary().splitlines()[0])
        log(
            f"{Network.objects.count()} networks, {Municipality.objects.count()} municipalities, "
            f"{PoliceZone.objects.count()} police zones"
        )
        with connection.cursor() as cur:
            cur.execute(f'COMMENT ON DATABASE "{name}" IS %s', [MARKER])
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
