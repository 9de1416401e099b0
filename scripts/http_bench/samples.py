"""The requests of the benchmark, from the loaded data: every address's position (point lookups), its text as
a resident types it (address lookups), street-name prefixes (autocomplete) and the map pages of the places
the addresses lie in. Fixed order (a hash of the id), so two runs send the same requests."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse

__all__ = ["Samples", "build"]

POINTS_SQL = """
SELECT round(ST_Y(ST_Transform(a.point, 4326))::numeric, 6),
       round(ST_X(ST_Transform(a.point, 4326))::numeric, 6),
       coalesce(nullif(s.name_nl, ''), s.name_fr) || ' ' || a.house_number || ', ' || a.postcode
FROM streets_address a JOIN streets_street s ON s.id = a.street_id
ORDER BY md5(a.id::text)
"""
STREETS_SQL = """
SELECT DISTINCT coalesce(nullif(name_nl, ''), name_fr) AS name FROM streets_street ORDER BY 1
"""
# The municipalities and police zones with an address: the maps a resident of these places opens.
MAPS_SQL = """
SELECT DISTINCT m.nis_code, z.number FROM streets_street s
JOIN areas_municipality m ON m.id = s.municipality_id LEFT JOIN areas_policezone z ON z.id = m.police_zone_id
"""


@dataclass
class Samples:
    networks: int
    points: list[str]
    addresses: list[str]
    streets: list[str]
    maps: list[str]
    bare: list[tuple[float, float]]  # (lat, lon) of the points, for the bare SQL


def build() -> Samples:
    lookup = reverse("api:lookup")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM areas_network")
        (networks,) = cur.fetchone()
        cur.execute(POINTS_SQL)
        rows = cur.fetchall()
        cur.execute(STREETS_SQL)
        names = [name for (name,) in cur.fetchall()]
        cur.execute(MAPS_SQL)
        places = cur.fetchall()
    points = [f"{lookup}?{urlencode({'lat': lat, 'lon': lon})}" for lat, lon, _text in rows]
    addresses = [f"{lookup}?{urlencode({'address': text})}" for _lat, _lon, text in rows]
    search = reverse("api:street-search")
    # Prefixes of 3 to 8 letters, as a resident types them.
    streets = [f"{search}?{urlencode({'q': name[: 3 + i % 6]})}" for i, name in enumerate(names)]
    maps = []
    for nis, zone in places:
        maps.append(reverse("maps:municipality", args=[nis]))
        if zone is not None:
            maps.append(reverse("maps:police-zone", args=[zone]))
    return Samples(
        networks=networks,
        points=points,
        addresses=addresses,
        streets=streets,
        maps=sorted(set(maps)),
        bare=[(float(lat), float(lon)) for lat, lon, _text in rows],
    )


def mixed(samples: Samples, n: int = 20_000) -> list[str]:
    """n requests in the proportions of the mixed load, interleaved: of every 10, 4 point lookups, 4 address
    lookups, 1 autocomplete, 1 map page."""
    out = []
    for i in range(n // 10):
        out += [samples.points[(4 * i + k) % len(samples.points)] for k in range(4)]
        out += [samples.addresses[(4 * i + k) % len(samples.addresses)] for k in range(4)]
        out.append(samples.streets[i % len(samples.streets)])
        out.append(samples.maps[i % len(samples.maps)])
    return out
