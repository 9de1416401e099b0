"""The synthetic country, generated inside PostGIS by set-based SQL (INSERT ... SELECT from generate_series).

Every random choice is a hash of the row's index and the seed (country.rnd), so one plan always gives the
same country.
"""

import math
import time
from dataclasses import dataclass
from functools import partial

from psycopg import sql

from .country import (
    BOX_GROUP,
    BOX_NUMBER,
    BUILDING_SIZES,
    SRID,
    TABLES,
    X_MAX,
    X_MIN,
    Y_MAX,
    Y_MIN,
    Plan,
    rnd,
)
from .names import (
    FIRST_NAMES,
    FR_BASES,
    FR_KINDS,
    KINDS,
    MUNI_A_FR,
    MUNI_A_NL,
    MUNI_B_FR,
    MUNI_B_NL,
    NL_BASES,
    NL_KINDS,
    SURNAMES,
    TOPICS,
)

# The arrays the statements draw names and box numbers from; each statement is sent only those it names.
PARAMS = {
    "nl_base": NL_BASES,
    "fr_base": FR_BASES,
    "nl_kind": NL_KINDS,
    "nl_topic": [nl for nl, _ in TOPICS],
    "fr_topic": [fr for _, fr in TOPICS],
    "first": FIRST_NAMES,
    "surname": SURNAMES,
    "fr_kind": FR_KINDS,
    "a_nl": MUNI_A_NL,
    "b_nl": MUNI_B_NL,
    "a_fr": MUNI_A_FR,
    "b_fr": MUNI_B_FR,
    "box_group": BOX_GROUP,
    "box_number": BOX_NUMBER,
}


@dataclass(frozen=True)
class Layout:
    """The numbers the statements are written with, derived from the plan."""

    m: int  # municipalities, on a grid of cols x rows cells of cw x ch metres
    cols: int
    rows: int
    cw: float
    ch: float
    k: int  # BIN slots per side of a cell
    half: float  # a BIN's radius stays below this: BINs never overlap, never leave their cell
    zone_cols: int  # police zones across the grid: a zone takes 7 x 6 municipalities
    n_base: int
    n_suffix: int
    n_box: int
    stride_suffix: float
    stride_box: float

    @classmethod
    def of(cls, plan: Plan) -> "Layout":
        cols, rows = plan.grid
        cw, ch = (X_MAX - X_MIN) / cols, (Y_MAX - Y_MIN) / rows
        k = plan.slots
        n_base, n_suffix, n_box = plan.base_rows, plan.suffix_rows, plan.box_rows
        return cls(
            m=plan.municipalities,
            cols=cols,
            rows=rows,
            cw=cw,
            ch=ch,
            k=k,
            half=min(cw, ch) / k / 2,
            zone_cols=math.ceil(cols / 7),
            n_base=n_base,
            n_suffix=n_suffix,
            n_box=n_box,
            # Each extra row picks its base address in its own stretch of ids, so no two pick the same one.
            stride_suffix=n_base / max(n_suffix, 1),
            stride_box=n_base / max(n_box // len(BOX_GROUP) * len(BUILDING_SIZES), 1),
        )


def drop_secondary(cur, tables: list[str]) -> list[str]:
    """Drop the indexes, unique and foreign keys of `tables` (not primary keys); return the SQL to restore.

    Bulk loads build indexes faster in one pass than row by row, and deferred foreign keys would queue one
    trigger event per row. All of it runs in the generation's transaction, so a failure restores everything.
    """
    restore_indexes, restore_constraints, restore_fks = [], [], []
    for table in tables:
        cur.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            (table,),
        )
        for name, kind, definition in cur.fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            target = restore_fks if kind == "f" else restore_constraints
            target.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p','u','x'))",
            (table,),
        )
        for name, definition in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
            restore_indexes.append(definition)
    return restore_indexes + restore_constraints + restore_fks


def area_steps(plan: Plan, g: Layout) -> list[tuple[str, str]]:
    """The municipalities on a grid, and police zones of 7 x 6 of them."""
    m, cols, cw, ch, zone_cols = g.m, g.cols, g.cw, g.ch, g.zone_cols
    r = partial(rnd, plan)
    return [
        (
            "municipality plan",
            f"""
            CREATE TEMP TABLE bench_m ON COMMIT DROP AS
            WITH g AS (
                SELECT i, mod(i - 1, {cols}) AS col, (i - 1) / {cols} AS row,
                       (20 + floor(300 * power({r(1, "i")}, 4)))::bigint AS w
                FROM generate_series(1, {m}) AS i
            ), c AS (
                SELECT *, {X_MIN} + col * {cw!r} AS x0, {Y_MIN} + row * {ch!r} AS y0,
                       (sum(w) OVER (ORDER BY i))::bigint AS wcum, (sum(w) OVER ())::bigint AS wtot,
                       mod((i - 1) * 7919, 600) AS p_nl, mod((i - 1) * 7877, 600) AS p_fr
                FROM g
            ), l AS (
                SELECT *, CASE
                    WHEN abs(x0 + {cw / 2!r} - 149000) < {cw!r} AND abs(y0 + {ch / 2!r} - 170000) < {ch!r}
                        THEN 'bi'
                    WHEN y0 + {ch / 2!r} >= 140000 THEN 'nl'
                    ELSE 'fr' END AS lang
                FROM c
            )
            SELECT i, col, row, x0, y0, lang,
                   CASE WHEN lang <> 'fr'
                        THEN (%(a_nl)s::text[])[1 + p_nl / 20] || (%(b_nl)s::text[])[1 + mod(p_nl, 20)]
                        ELSE '' END AS name_nl,
                   CASE WHEN lang <> 'nl'
                        THEN (%(a_fr)s::text[])[1 + p_fr / 20] || (%(b_fr)s::text[])[1 + mod(p_fr, 20)]
                        ELSE '' END AS name_fr,
                   1 + (row / 6) * {zone_cols} + col / 7 AS zone,
                   1000 + 14 * i AS pc0, 1 + floor(3 * {r(2, "i")})::int AS n_pc,
                   ({plan.streets}::bigint * (wcum - w)) / wtot AS street_before,
                   ({plan.streets}::bigint * wcum) / wtot - ({plan.streets}::bigint * (wcum - w)) / wtot
                       AS n_streets
            FROM l
            """,
        ),
        (
            "police zones",
            f"""
            INSERT INTO areas_policezone (id, number, code, name, boundary)
            SELECT zone, 9900 + zone, 'bench-pz-' || zone, 'PZ Bench ' || zone,
                   ST_Multi(ST_Union(ST_MakeEnvelope(x0, y0, x0 + {cw!r}, y0 + {ch!r}, {SRID})))
            FROM bench_m GROUP BY zone
            """,
        ),
        (
            "municipalities",
            f"""
            INSERT INTO areas_municipality (id, nis_code, name_nl, name_fr, name_de, boundary, police_zone_id)
            SELECT i, '0' || lpad(i::text, 4, '0'), name_nl, name_fr, '',
                   ST_Multi(ST_MakeEnvelope(x0, y0, x0 + {cw!r}, y0 + {ch!r}, {SRID})), zone
            FROM bench_m
            """,
        ),
    ]


def bin_steps(plan: Plan, g: Layout) -> list[tuple[str, str]]:
    """The BINs: at most one in each of a municipality's k x k slots, a polygon of 4 to 10 vertices."""
    cw, ch, k, half = g.cw, g.ch, g.k, g.half
    r = partial(rnd, plan)
    return [
        (
            "BIN plan",
            f"""
            CREATE TEMP TABLE bench_b ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY slot) AS id, t.*,
                   {half!r} * (0.30 + 0.58 * {r(4, "slot")}) AS radius,
                   4 + floor(7 * {r(5, "slot")})::int AS nv, 2 * pi() * {r(6, "slot")} AS rot
            FROM (
                SELECT m.i AS muni, m.zone, coalesce(nullif(m.name_nl, ''), m.name_fr) AS muni_name,
                       s AS sub, (m.i - 1) * {k * k} + s AS slot,
                       m.x0 + (mod(s, {k}) + 0.5) * {cw / k!r} AS cx,
                       m.y0 + (s / {k} + 0.5) * {ch / k!r} AS cy
                FROM bench_m m CROSS JOIN generate_series(0, {k * k - 1}) AS s
                ORDER BY {r(3, "(m.i - 1) * " + str(k * k) + " + s")}
                LIMIT {plan.networks}
            ) t
            """,
        ),
        (
            "BINs",
            f"""
            INSERT INTO areas_network (id, kind, name, slug, status, recognised_date, contact_email,
                                       published, description, source_id, boundary, created, updated,
                                       municipality_id, police_zone_id)
            SELECT b.id, 'BIN',
                   'BIN ' || b.muni_name || ' ' || row_number() OVER (PARTITION BY b.muni ORDER BY b.sub),
                   'bench-bin-' || b.id, 'active', date '2012-01-01' + floor(4000 * {r(9, "b.id")})::int,
                   '', true, '', 'bench-bin-' || b.id,
                   ST_Multi(ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY(
                       SELECT ST_MakePoint(b.cx + v.rad * cos(v.ang), b.cy + v.rad * sin(v.ang))
                       FROM (
                           SELECT j,
                                  b.rot + 2 * pi() / b.nv
                                      * (mod(j, b.nv) + 0.6 * ({r(7, "b.slot * 16 + mod(j, b.nv)")} - 0.5))
                                      AS ang,
                                  b.radius * (0.8 + 0.2 * {r(8, "b.slot * 16 + mod(j, b.nv)")}) AS rad
                           FROM generate_series(0, b.nv) AS j
                       ) v ORDER BY v.j
                   ))), {SRID})),
                   now(), now(), b.muni, b.zone
            FROM bench_b b
            """,
        ),
    ]


def street_steps(plan: Plan, g: Layout) -> list[tuple[str, str]]:
    """The streets: straight lines in their municipality's cell, each with its share of the addresses."""
    cw, ch, n_base = g.cw, g.ch, g.n_base
    r = partial(rnd, plan)
    return [
        (
            "street plan",
            f"""
            CREATE TEMP TABLE bench_s ON COMMIT DROP AS
            WITH s AS (
                SELECT m.street_before + n AS id, m.i AS muni, m.lang, m.x0, m.y0, m.pc0, m.n_pc
                FROM bench_m m CROSS JOIN LATERAL generate_series(1, m.n_streets) AS n
            ), w AS (
                SELECT id, muni, lang,
                       (pc0 + floor(n_pc * {r(10, "id")}))::int::text AS pc,
                       x0 + 150 + {r(11, "id")} * {cw - 300!r} AS x,
                       y0 + 150 + {r(12, "id")} * {ch - 300!r} AS y,
                       2 * pi() * {r(13, "id")} AS ang, 10 + 6 * {r(14, "id")} AS sp,
                       1 + floor({len(NL_BASES)} * power({r(15, "id")}, 1.3))::int AS bi,
                       1 + floor({len(KINDS)} * power({r(16, "id")}, 2.5))::int AS ki,
                       {r(23, "id")} AS style,
                       1 + floor({len(TOPICS)} * {r(24, "id")})::int AS t1,
                       1 + floor({len(TOPICS)} * {r(25, "id")})::int AS t2,
                       1 + floor({len(FIRST_NAMES)} * {r(26, "id")})::int AS fn,
                       1 + floor({len(SURNAMES)} * {r(27, "id")})::int AS sn,
                       (4 + floor(250 * power({r(17, "id")}, 3))
                          + floor(1500 * power({r(18, "id")}, 40)))::bigint AS w
                FROM s
            ), c AS (
                SELECT *, (sum(w) OVER (ORDER BY id))::bigint AS wcum, (sum(w) OVER ())::bigint AS wtot FROM w
            )
            SELECT id, muni, lang, pc, x, y, ang, sp, bi, ki, style, t1, t2, fn, sn,
                   ({n_base}::bigint * (wcum - w)) / wtot AS addr_before,
                   ({n_base}::bigint * wcum) / wtot - ({n_base}::bigint * (wcum - w)) / wtot AS n_addr
            FROM c
            """,
        ),
        (
            "streets",
            f"""
            INSERT INTO streets_street (id, name_nl, name_fr, name_de, postcode, geometry, source_id,
                                        municipality_id)
            SELECT id,
                   CASE WHEN lang <> 'fr' THEN nl_base || (%(nl_kind)s::text[])[ki] ELSE '' END,
                   CASE WHEN lang <> 'nl' THEN (%(fr_kind)s::text[])[ki] || ' ' || fr_base ELSE '' END,
                   '', pc,
                   ST_Multi(ST_SetSRID(ST_MakeLine(
                       ST_MakePoint(x, y), ST_MakePoint(x + len * cos(ang), y + len * sin(ang))), {SRID})),
                   'bench-s-' || lpad(id::text, 8, '0'), muni
            FROM (
                SELECT *, ((n_addr + 1) / 2 + 1) * sp AS len,
                       -- 55 in 100: the common names (Kerkstraat); 20: two topics (Kerkmolenstraat);
                       -- 25: a person (Jozef Van Dammestraat, Rue Jozef Van Damme)
                       CASE WHEN style < 0.55 THEN (%(nl_base)s::text[])[bi]
                            WHEN style < 0.75
                                THEN (%(nl_topic)s::text[])[t1] || lower((%(nl_topic)s::text[])[t2])
                            ELSE (%(first)s::text[])[fn] || ' ' || (%(surname)s::text[])[sn] END AS nl_base,
                       CASE WHEN style < 0.55 THEN (%(fr_base)s::text[])[bi]
                            WHEN style < 0.75
                                THEN (%(fr_topic)s::text[])[t1] || ' ' || (%(fr_topic)s::text[])[t2]
                            ELSE (%(first)s::text[])[fn] || ' ' || (%(surname)s::text[])[sn] END AS fr_base
                FROM bench_s
            ) s
            """,
        ),
    ]


def address_steps(plan: Plan, g: Layout) -> list[tuple[str, str]]:
    """The addresses: numbered along both sides of each street, then a few with a suffix or a box."""
    n_base, n_suffix, n_box, stride_suffix, stride_box = (
        g.n_base,
        g.n_suffix,
        g.n_box,
        g.stride_suffix,
        g.stride_box,
    )
    r = partial(rnd, plan)
    return [
        (
            "addresses",
            f"""
            INSERT INTO streets_address (id, house_number, number, box_number, postcode, point, source_id,
                                         street_id)
            SELECT s.addr_before + n, n::text, n, '', s.pc,
                   ST_SetSRID(ST_MakePoint(s.x + o.t * cos(s.ang) - o.side * 9 * sin(s.ang),
                                           s.y + o.t * sin(s.ang) + o.side * 9 * cos(s.ang)), {SRID}),
                   'bench-a-' || lpad((s.addr_before + n)::text, 9, '0'), s.id
            FROM bench_s s
            CROSS JOIN LATERAL generate_series(1, s.n_addr::int) AS n
            CROSS JOIN LATERAL (
                SELECT ((n + 1) / 2) * s.sp AS t, CASE WHEN mod(n, 2) = 1 THEN 1 ELSE -1 END AS side
            ) o
            """,
        ),
        (
            "addresses with a suffix (12A)",
            f"""
            INSERT INTO streets_address (id, house_number, number, box_number, postcode, point, source_id,
                                         street_id)
            SELECT {n_base} + g, a.house_number || CASE WHEN {r(20, "g")} < 0.8 THEN 'A' ELSE 'B' END,
                   a.number, '', a.postcode, ST_Translate(a.point, 4, 0),
                   'bench-a-' || lpad(({n_base} + g)::text, 9, '0'), a.street_id
            FROM generate_series(1, {n_suffix}) AS g
            JOIN streets_address a ON a.id = (floor((g - 1) * {stride_suffix!r}) + 1
                                              + floor({r(21, "g")} * floor({stride_suffix!r})))::bigint
            """,
        ),
        (
            "addresses with a box",
            f"""
            INSERT INTO streets_address (id, house_number, number, box_number, postcode, point, source_id,
                                         street_id)
            SELECT {n_base + n_suffix} + j, a.house_number, a.number, x.box::text, a.postcode, a.point,
                   'bench-a-' || lpad(({n_base + n_suffix} + j)::text, 9, '0'), a.street_id
            FROM generate_series(1, {n_box}) AS j
            CROSS JOIN LATERAL (
                SELECT ((j - 1) / {len(BOX_GROUP)}) * {len(BUILDING_SIZES)}
                       + (%(box_group)s::int[])[1 + mod(j - 1, {len(BOX_GROUP)})] AS grp,
                       (%(box_number)s::int[])[1 + mod(j - 1, {len(BOX_GROUP)})] AS box
            ) x
            JOIN streets_address a ON a.id = (floor(x.grp * {stride_box!r}) + 1
                                              + floor({r(22, "x.grp")} * floor({stride_box!r})))::bigint
            """,
        ),
    ]


def generate(conn, plan: Plan) -> float:
    """Truncate the area and street tables, fill them with the synthetic country; return the seconds taken."""
    g = Layout.of(plan)
    steps = area_steps(plan, g) + bin_steps(plan, g) + street_steps(plan, g) + address_steps(plan, g)
    started = time.perf_counter()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        # The street inserts write the search terms (a trigger): their indexes too are built in one pass.
        restore = drop_secondary(cur, ["streets_address", "streets_street", "streets_streetterm"])
        for label, statement in steps:
            t0 = time.perf_counter()
            used = {name: value for name, value in PARAMS.items() if f"%({name})s" in statement}
            cur.execute(statement, used or None)
            print(f"  {label:32} {cur.rowcount:>10,} rows {time.perf_counter() - t0:7.1f} s", flush=True)
        t0 = time.perf_counter()
        for statement in restore:
            cur.execute(statement)
        print(f"  {'indexes and constraints':32} {len(restore):>10} {time.perf_counter() - t0:12.1f} s")
        for table in TABLES[:-1]:  # the variants have no id
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cur.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(conn.info.dbname), sql.Literal(plan.marker())
            )
        )
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {', '.join(TABLES)}")
    print(f"  {'VACUUM ANALYZE':32} {'':>10} {time.perf_counter() - t0:12.1f} s")
    return time.perf_counter() - started
