"""Invalid polygons of real files: what GEOS says about them, once, and their repair (--make-valid)."""

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext as _

from core.geometry import to_storage
from core.importing import RecordProblem

__all__ = [
    "DEFAULT_MAX_REPAIR_CHANGE_PCT",
    "PolygonRepair",
    "geos_notices",
    "repeated_rings",
    "shapely_to_multipolygon",
    "with_notices",
]

# A repair that moves more area than this is not a repair of slop but a guess at another polygon.
DEFAULT_MAX_REPAIR_CHANGE_PCT = 1.0

_GEOS_LOGGER = logging.getLogger("django.contrib.gis")


class _Collect(logging.Filter):
    """Takes this thread's GEOS notices off the logger (so no handler prints them) and keeps their text."""

    def __init__(self):
        super().__init__()
        self.thread = threading.get_ident()
        self.notices: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.thread != self.thread:
            return True  # another request's notice: not ours to take
        # Django logs "GEOS_NOTICE: <text>\n" (django.contrib.gis.geos.libgeos.notice_h).
        message = record.getMessage().strip()
        for prefix in ("GEOS_NOTICE:", "GEOS_ERROR:"):
            message = message.removeprefix(prefix).strip()
        if message and message not in self.notices:
            self.notices.append(message)
        return False


@contextlib.contextmanager
def geos_notices() -> Iterator[list[str]]:
    """Collect what GEOS logs in the block (each text once) instead of letting it reach stderr.

    GEOS reports an invalid polygon's flaw as a notice on every validity check, and Django logs each one
    as a warning: a file of invalid quartiers printed every flaw twice on stderr, apart from the record's
    own message. A logger filter (not a handler) drops them before any handler sees them; other threads'
    notices pass.
    """
    collect = _Collect()
    _GEOS_LOGGER.addFilter(collect)
    try:
        yield collect.notices
    finally:
        _GEOS_LOGGER.removeFilter(collect)


def _said(notice: str, message: str) -> bool:
    # GEOS words the notice "Ring Self-intersection at or near point 1 2" and the reason that the message
    # already gives "Ring Self-intersection[1 2]": the same finding, to be said once.
    return re.sub(r" at or near point (.*)$", r"[\1]", notice) in message or notice in message


def with_notices(message: str, notices: list[str]) -> str:
    """`message` followed by what GEOS said that the message does not say already."""
    extra = [n for n in notices if not _said(n, message)]
    if not extra:
        return message
    return _("%(message)s (GEOS: %(notices)s)") % {"message": message, "notices": "; ".join(extra)}


def repeated_rings(geom: GEOSGeometry) -> list[str]:
    """Rings a polygon gives twice (a hole copied in QGIS): GEOS calls it a plain "Self-intersection"."""
    polygons = list(geom) if isinstance(geom, MultiPolygon) else [geom] if isinstance(geom, Polygon) else []
    found = []
    for p, polygon in enumerate(polygons, start=1):
        seen: dict[frozenset, int] = {}
        for r, ring in enumerate(polygon, start=1):  # 1: the shell, 2…: the holes
            # The same points in any order or direction: the same ring.
            key = frozenset(ring.coords)
            if key in seen:
                found.append(
                    _("ring %(second)s of polygon %(polygon)s repeats ring %(first)s")
                    % {"second": r, "first": seen[key], "polygon": p}
                )
            else:
                seen[key] = r
    return found


def _polygonal(geom) -> list:
    """The polygons of a shapely geometry; lines and points that a repair or a cut leave are dropped."""
    if geom.geom_type == "Polygon":
        return [] if geom.is_empty else [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for part in geom.geoms for p in _polygonal(part)]
    return []


def shapely_to_multipolygon(geom, srid: int) -> MultiPolygon:
    """A shapely (multi)polygon or collection as a GEOS MultiPolygon of its polygons (maybe empty)."""
    multi = MultiPolygon(*[GEOSGeometry(memoryview(p.wkb)) for p in _polygonal(geom)])
    multi.srid = srid
    return multi


@dataclass
class PolygonRepair:
    """make_valid for an import: repair invalid polygons if the change of area stays under a limit."""

    max_change_pct: float = DEFAULT_MAX_REPAIR_CHANGE_PCT

    def __call__(self, geom: GEOSGeometry) -> tuple[GEOSGeometry, str | None]:
        """(the geometry, None) when valid or not a polygon; (its repair in the storage CRS, what changed)
        for an invalid polygon; RecordProblem when the repair changes the area too much."""
        if not isinstance(geom, Polygon | MultiPolygon) or geom.valid:
            return geom, None
        reason = "; ".join([geom.valid_reason, *repeated_rings(geom)])
        # Measured in the storage CRS (metres): the coordinates project whether or not the polygon is valid.
        before = to_storage(geom)
        # GEOS's "structure" method reads rings as drawn: shells filled, holes empty, a ring given twice is
        # one hole (the "linework" method of ST_MakeValid would XOR them away and fill the hole).
        fixed = shapely.make_valid(
            shapely.from_wkb(bytes(before.wkb)), method="structure", keep_collapsed=False
        )
        after = shapely_to_multipolygon(fixed, settings.BIN_STORAGE_SRID)
        # The area of the invalid polygon as GEOS measures it: each shell less each hole (a duplicated hole
        # counts twice, the loop of a twisted ring negatively).
        area_before, area_after = before.area, after.area
        change = area_after - area_before
        pct = 100.0 * abs(change) / area_before if area_before > 0 else float("inf")
        figures = {
            "reason": reason,
            "before": area_before,
            "after": area_after,
            "change": change,
            "pct": pct,
            "limit": self.max_change_pct,
        }
        if after.empty or pct > self.max_change_pct:
            raise RecordProblem(
                _(
                    "The polygon is not valid: %(reason)s. Repairing it would change its area from "
                    "%(before).1f m² to %(after).1f m² (%(change)+.1f m², %(pct).2f %%), more than the limit "
                    "of %(limit)s %% (max repair change): check the polygon by hand."
                )
                % figures
            )
        note = (
            _("repaired %(reason)s: area %(before).1f m² → %(after).1f m² (%(change)+.1f m², %(pct).2f %%)")
            % figures
        )
        return after, note
