"""The public networks' boundaries in the web process's memory: which networks cover a point, and which are
nearest, answered without a database round trip.

Why: a point lookup is the service's hottest request (residents, the embed, the police map). Sent to
PostGIS it cost 0.7 ms of the database's CPU and a pool checkout per request, and with the request's Python
work it held the 2-core machine at ~470 lookups/s (scripts/bench_http.py). The 2,767 Flemish and Brussels
neighbourhoods — a country's worth of BINs — take ~25 MB here as GEOS geometries in a shapely STRtree, and
a lookup takes ~20 µs.

What it holds: the networks anonymous visitors see (published and not dissolved: areas.rules.public_sql),
with their municipality and police zone. Users who see unpublished networks (staff) are answered by the
database (areas.selectors), so the index never needs per-user rules.

When it is rebuilt: the database keeps a token that every write to networks, municipalities or police zones
changes (areas/sql/network_generation.sql). The index remembers the token it was built at and compares it at
most every settings.BIN_POINT_INDEX_CHECK_SECONDS (a one-row read); when it differs, one thread rebuilds
while the others keep answering from the old index, then the new one replaces it. So a boundary change
reaches every web worker within that many seconds (1 s by default; the tests use 0). That is fine for a
public read, not for a write that depends on the answer: callers ask for the index (`cached=True` of the
selectors) only on read-only public paths; joining, invitations and the alerts read the database.

Semantics are PostGIS's: shapely's contains/intersects/distance are GEOS's, which PostGIS uses for these
predicates; the boundaries are the stored ones (WKB, no transformation), in the storage CRS.
"""

import threading
import time
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.contrib.gis.measure import D
from django.db import connections
from django.db.models.base import ModelState

from access.permissions import sees_unpublished_networks

from .choices import EXCLUSIVE_KINDS
from .models import Network
from .network_rows import NETWORK_SQL, network_from_row
from .rules import public_sql

__all__ = ["PointIndex", "point_index", "point_index_enabled"]

_TOKEN_SQL = "SELECT token FROM areas_networkgeneration WHERE id = 1"


@dataclass(frozen=True)
class PointIndex:
    """One immutable snapshot: networks by position in the tree, their prepared boundaries, and the token."""

    token: str | None
    networks: list[Network]
    boundaries: "shapely.lib.Geometry"  # a numpy array of prepared geometries, one per network
    tree: shapely.STRtree

    def covering(self, x: float, y: float) -> list[tuple[Network, bool]]:
        """(network, inside) for each network whose boundary covers the point, by id: as COVERING_SQL's
        ST_Intersects (candidates) and ST_Contains (inside, not on the edge)."""
        point = shapely.Point(x, y)
        found = []
        for i in self.tree.query(point):
            boundary = self.boundaries[i]
            if shapely.intersects(boundary, point):
                found.append((self._copy(i), bool(shapely.contains(boundary, point))))
        found.sort(key=lambda item: item[0].pk)
        return found

    def nearest_residential(self, x: float, y: float, *, within_m: float, limit: int) -> list[Network]:
        """The nearest residential networks within `within_m`, nearest first then by id, each a copy with
        `.distance` (as NEAR_SQL)."""
        point = shapely.Point(x, y)
        candidates = []
        for i in self.tree.query(point, predicate="dwithin", distance=within_m):
            network = self.networks[i]
            if network.kind in EXCLUSIVE_KINDS:
                candidates.append((float(shapely.distance(self.boundaries[i], point)), network.pk, i))
        candidates.sort()
        answers = []
        for distance, _pk, i in candidates[:limit]:
            network = self._copy(i)
            network.distance = D(m=distance)
            answers.append(network)
        return answers

    def _copy(self, i: int) -> Network:
        """A shallow copy of network `i`, so that what a caller sets on an answer (.distance, a deferred
        field it loads) never reaches the index that other requests share; marked with the index's token
        (areas.api.serializers.network_brief builds a network's brief once per token)."""
        network = self.networks[i]
        clone = Network.__new__(Network)
        clone.__dict__.update(network.__dict__)
        clone._state = ModelState()
        clone._state.db, clone._state.adding = network._state.db, False
        clone._state.fields_cache = dict(network._state.fields_cache)  # municipality, police zone
        if self.token is not None:
            clone.index_token = self.token
        return clone




def point_index_enabled(user) -> bool:
    """Whether `user`'s lookups may be answered from the index: only what everybody sees is in it."""
    return settings.BIN_POINT_INDEX and not sees_unpublished_networks(user)


# Per database alias: with a read replica, public reads build their index from the replica and the others
# from the primary, so that replication lag never makes one index flip between two states.
_lock = threading.Lock()
_current: dict[str, PointIndex] = {}
_checked_at: dict[str, float] = {}


def point_index(*, using: str = "default") -> PointIndex:
    """The current index of database `using`: built on first use, rebuilt when its token has changed."""
    index = _current.get(using)
    now = time.monotonic()
    if index is not None and now - _checked_at.get(using, 0.0) < settings.BIN_POINT_INDEX_CHECK_SECONDS:
        return index
    token = _token(using)
    if index is not None and token is not None and token == index.token:
        _checked_at[using] = now
        return index
    # Another thread may be rebuilding already: answer from the old index meanwhile (if there is one).
    if not _lock.acquire(blocking=index is None):
        return index
    try:
        latest = _current.get(using)
        if latest is not None and latest is not index and token is not None and latest.token == token:
            return latest
        _current[using] = latest = _build(using, token)
        _checked_at[using] = time.monotonic()
        return latest
    finally:
        _lock.release()


def _token(using: str) -> str | None:
    with connections[using].cursor() as cur:
        cur.execute(_TOKEN_SQL)
        row = cur.fetchone()
    return str(row[0]) if row else None


_BUILD_SQL = (
    "SELECT ST_AsBinary(n.boundary),"
    # The columns areas.selectors reads into a Network (with municipality and police zone attached).
    + NETWORK_SQL
    + " FROM areas_network n WHERE n.boundary IS NOT NULL AND "
    + public_sql("n")
    + " ORDER BY n.id"
)


def _build(using: str, token: str | None) -> PointIndex:
    with connections[using].cursor() as cur:
        cur.execute(_BUILD_SQL)
        rows = cur.fetchall()
    networks = [network_from_row(list(values)) for _wkb, *values in rows]
    boundaries = shapely.from_wkb([bytes(row[0]) for row in rows])
    shapely.prepare(boundaries)
    return PointIndex(token=token, networks=networks, boundaries=boundaries, tree=shapely.STRtree(boundaries))
