"""The synthetic country's plan: its sizes and seed, the layout they give, and the marker that says which
plan the database holds."""

import json
import math
from dataclasses import dataclass

GENERATOR_VERSION = 4
SRID = 31370
TABLES = [
    "areas_policezone",
    "areas_municipality",
    "areas_network",
    "streets_street",
    "streets_address",
    "streets_streetterm",
    "streets_streetwordvariant",
]
# Belgian Lambert 72 extent of the synthetic country (metres).
X_MIN, X_MAX, Y_MIN, Y_MAX = 20_000, 290_000, 20_000, 245_000

# Box rows come in buildings of 2..8 boxes, cycling through the sizes: 35 rows make 7 buildings.
BUILDING_SIZES = [2, 3, 4, 5, 6, 7, 8]
BOX_GROUP = [g for g, size in enumerate(BUILDING_SIZES) for _ in range(size)]
BOX_NUMBER = [b + 1 for size in BUILDING_SIZES for b in range(size)]


@dataclass
class Plan:
    seed: int
    addresses: int
    streets: int
    networks: int

    @property
    def municipalities(self) -> int:
        return max(1, min(600, self.streets // 50))

    @property
    def grid(self) -> tuple[int, int]:
        cols = math.ceil(math.sqrt(self.municipalities * (X_MAX - X_MIN) / (Y_MAX - Y_MIN)))
        return cols, math.ceil(self.municipalities / cols)

    @property
    def slots(self) -> int:
        """BIN slots per side of a municipality: its cell is cut in k x k squares, one BIN at most in each."""
        return max(3, math.ceil(math.sqrt(2.5 * self.networks / self.municipalities)))

    @property
    def suffix_rows(self) -> int:  # 12A, 12B: 2 % of the addresses
        return round(0.02 * self.addresses)

    @property
    def box_rows(self) -> int:  # boxes in buildings of 2..8: 5 % of the addresses
        return round(0.05 * self.addresses / len(BOX_GROUP)) * len(BOX_GROUP)

    @property
    def base_rows(self) -> int:
        return self.addresses - self.suffix_rows - self.box_rows

    def marker(self) -> str:
        return json.dumps(
            {
                "bench_lookup": GENERATOR_VERSION,
                "seed": self.seed,
                "addresses": self.addresses,
                "streets": self.streets,
                "networks": self.networks,
            },
            sort_keys=True,
        )


def rnd(plan: Plan, stream: int, expr: str) -> str:
    """SQL for a uniform [0, 1) number that depends only on the seed, the stream and the integer `expr`."""
    return (
        f"((hashint8extended(({expr})::bigint, {plan.seed * 1000 + stream}) & 2147483647)::float8"
        " / 2147483648.0)"
    )


def data_present(cur, plan: Plan) -> bool:
    cur.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
    )
    if cur.fetchone()[0] != plan.marker():
        return False
    cur.execute(
        "SELECT (SELECT count(*) FROM streets_address), (SELECT count(*) FROM streets_street), "
        "(SELECT count(*) FROM areas_network)"
    )
    return cur.fetchone() == (plan.addresses, plan.streets, plan.networks)
