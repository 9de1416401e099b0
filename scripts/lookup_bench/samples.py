"""The timed calls' inputs, drawn from the data with the run's seed: address texts as residents type them,
points in and around the BINs, and what people type into the street box."""

import random
from dataclasses import dataclass

from .country import SRID, X_MAX, X_MIN, Y_MAX, Y_MIN, Plan


@dataclass
class TextSample:
    text: str
    street: str  # the street name as typed
    municipality: str  # "" when the text has none
    postcode: str
    house_number: str
    address_id: int
    street_id: int


@dataclass
class PointSample:
    x: float
    y: float
    lon: float
    lat: float


def typo(name: str, rng: random.Random) -> str:
    """One slip of the keyboard somewhere after the first letter: a swap, a drop, a double or a wrong key."""
    positions = [i for i in range(1, len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    if not positions:
        return name
    i = rng.choice(positions)
    kind = rng.choice(["swap", "drop", "double", "wrong"])
    if kind == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == "drop":
        return name[:i] + name[i + 1 :]
    if kind == "double":
        return name[: i + 1] + name[i] + name[i + 1 :]
    neighbours = {"a": "s", "e": "r", "i": "o", "o": "p", "r": "t", "s": "d", "t": "r", "n": "m", "l": "k"}
    return name[:i] + neighbours.get(name[i].lower(), "e") + name[i + 1 :]


def text_samples(cur, plan: Plan, count: int, rng: random.Random) -> list[TextSample]:
    """Addresses drawn from the data, written as residents type them; about a quarter without municipality."""
    ids = rng.sample(range(1, plan.addresses + 1), count)
    cur.execute(
        """
        SELECT a.id, a.house_number, a.box_number, a.postcode, s.id, s.name_nl, s.name_fr,
               m.name_nl, m.name_fr
        FROM streets_address a JOIN streets_street s ON s.id = a.street_id
        JOIN areas_municipality m ON m.id = s.municipality_id
        WHERE a.id = ANY(%s) ORDER BY a.id
        """,
        (ids,),
    )
    rows = {row[0]: row for row in cur.fetchall()}
    out = []
    for aid in ids:
        _, house, box, postcode, sid, s_nl, s_fr, m_nl, m_fr = rows[aid]
        french = not s_nl or (s_fr and rng.random() < 0.5)
        street = s_fr if french else s_nl
        muni = (m_fr if french else m_nl) or m_nl or m_fr
        form = rng.random()
        if form < 0.55:
            out.append(TextSample(f"{street} {house}, {muni}", street, muni, "", house, aid, sid))
        elif form < 0.75:
            box_text = f" {'boîte' if french else 'bus'} {box}" if box else ""
            text = f"{street} {house}{box_text}, {postcode} {muni}"
            out.append(TextSample(text, street, muni, postcode, house, aid, sid))
        else:
            out.append(TextSample(f"{street} {house}", street, "", "", house, aid, sid))
    return out


def words_sample(name: str, rng: random.Random) -> str:
    """Two words of a name, the second cut short, skipping what lies between: "Rue Lou" for Rue de Louvain."""
    words = name.replace("-", " ").split()
    if len(words) < 2:
        return name[: rng.randint(3, 8)].strip()
    i = rng.randrange(len(words) - 1)
    j = rng.randrange(i + 1, len(words))
    return f"{words[i]} {words[j][: rng.randint(2, 6)]}"


def autocomplete_samples(cur, plan: Plan, count: int, rng: random.Random) -> list[str]:
    """What people type into the street box: 3-8 letter prefixes (55 %), two words of the name with the last
    cut short (15 %), and whole names with a typo (30 %)."""
    ids = rng.sample(range(1, plan.streets + 1), count)
    cur.execute("SELECT id, name_nl, name_fr FROM streets_street WHERE id = ANY(%s)", (ids,))
    rows = {row[0]: row for row in cur.fetchall()}
    out = []
    for sid in ids:
        _, nl, fr = rows[sid]
        name = rng.choice([n for n in (nl, fr) if n])
        form = rng.random()
        if form < 0.55:
            out.append(name[: rng.randint(3, 8)].strip())
        elif form < 0.7:
            out.append(words_sample(name, rng))
        else:
            out.append(typo(name, rng).lower() if rng.random() < 0.5 else typo(name, rng))
    return out


def point_samples(cur, plan: Plan, count: int, rng: random.Random, bbox) -> list[PointSample]:
    """Random points, 80 % inside a BIN, the rest anywhere in the country; all inside the service bbox."""
    inside = round(count * 0.8)
    networks = [rng.randint(1, plan.networks) for _ in range(inside)]
    seeds = [rng.randint(1, 2**30) for _ in range(inside)]
    cur.execute(
        """
        SELECT ST_X(p), ST_Y(p)
        FROM unnest(%s::bigint[], %s::int[]) WITH ORDINALITY AS u(nid, s, ord)
        JOIN areas_network n ON n.id = u.nid
        CROSS JOIN LATERAL ST_GeometryN(ST_GeneratePoints(n.boundary, 1, u.s), 1) AS p
        ORDER BY u.ord
        """,
        (networks, seeds),
    )
    xy = cur.fetchall()
    xy += [(rng.uniform(X_MIN, X_MAX), rng.uniform(Y_MIN, Y_MAX)) for _ in range(2 * (count - inside))]
    cur.execute(
        f"""
        SELECT ST_X(q), ST_Y(q) FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS u(x, y, ord)
        CROSS JOIN LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(u.x, u.y), {SRID}), 4326) AS q ORDER BY u.ord
        """,
        ([x for x, _ in xy], [y for _, y in xy]),
    )
    west, south, east, north = bbox
    points = [
        (i < inside, PointSample(x, y, lon, lat))
        for i, ((x, y), (lon, lat)) in enumerate(zip(xy, cur.fetchall(), strict=True))
        if west <= lon <= east and south <= lat <= north
    ]
    in_bin = [p for is_in, p in points if is_in]
    anywhere = [p for is_in, p in points if not is_in]
    points = in_bin + anywhere[: count - len(in_bin)]
    rng.shuffle(points)
    return points
