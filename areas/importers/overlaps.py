"""Overlaps between residential BINs in an import: refuse them, or clip the slivers (--overlaps clip)."""

from collections.abc import Collection
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.contrib.gis.db.models.functions import Area, Intersection
from django.contrib.gis.geos import MultiPolygon
from django.utils.translation import gettext as _

from core.importing import RecordProblem

from ..choices import EXCLUSIVE_KINDS
from ..models import Network
from ..services import network_boundary_errors
from .repair import shapely_to_multipolygon

__all__ = ["DEFAULT_MAX_CLIP_M2", "OVERLAPS", "OverlapPolicy"]

# refuse: a feature that overlaps a residential BIN by more than the tolerance is refused;
# clip: the overlap is cut off the feature and stays with the network that was there first.
OVERLAPS = ("refuse", "clip")
# Schaerbeek's hand-drawn quartiers overlapped by 5-283 m²: slop along shared streets. An overlap of a
# thousand square metres is a block drawn in the wrong quartier, which clipping would hide.
DEFAULT_MAX_CLIP_M2 = 1000.0


@dataclass
class OverlapPolicy:
    """What an import does with a feature that overlaps residential BINs of its municipality."""

    mode: str = "refuse"
    tolerance_m2: float | None = None  # None: settings.BIN_OVERLAP_TOLERANCE_M2
    max_clip_m2: float = DEFAULT_MAX_CLIP_M2

    def __post_init__(self):
        # A wrong mode is the caller's mistake, not the file's (as core.importing.check_on_error).
        if self.mode not in OVERLAPS:
            raise ValueError(f"overlaps must be one of {OVERLAPS}, not {self.mode!r}")
        if self.tolerance_m2 is None:
            self.tolerance_m2 = settings.BIN_OVERLAP_TOLERANCE_M2

    def resolve(
        self, *, boundary: MultiPolygon, kind: str, municipality_id: int, exclude: Collection[int]
    ) -> tuple[MultiPolygon, list[str]]:
        """The boundary to store and a note per clipped neighbour; RecordProblem when refused.

        `exclude`: the network itself and the networks whose boundaries the same file is replacing.
        Only residential kinds are checked: a BIN-Z may overlap BINs.
        """
        if kind not in EXCLUSIVE_KINDS:
            return boundary, []
        if self.mode == "refuse":
            errors = network_boundary_errors(
                boundary=boundary,
                kind=kind,
                municipality_id=municipality_id,
                also_exclude=exclude,
                tolerance_m2=self.tolerance_m2,
            )
            if errors:
                hint = _(
                    "To leave overlaps of up to %(max).0f m² to the network that was there first, import "
                    "with overlaps “clip” (--overlaps clip)."
                ) % {"max": self.max_clip_m2}
                raise RecordProblem(" ".join([*errors, hint]))
            return boundary, []
        return self._clip(boundary, municipality_id, exclude)

    def _clip(
        self, boundary: MultiPolygon, municipality_id: int, exclude: Collection[int]
    ) -> tuple[MultiPolygon, list[str]]:
        others = [
            other
            for other in (
                Network.objects.exclusive()
                .existing()
                .filter(municipality_id=municipality_id)
                .exclude(pk__in=list(exclude))
                .overlapping(boundary)
                .annotate(overlap=Area(Intersection("boundary", boundary)))
                .only("name", "slug", "boundary")
                .order_by("pk")
            )
            if other.overlap.sq_m > self.tolerance_m2
        ]
        too_big = [other for other in others if other.overlap.sq_m > self.max_clip_m2]
        if too_big:
            raise RecordProblem(
                " ".join(
                    _(
                        "The area overlaps the residential BIN “%(name)s” (%(slug)s) by %(area).1f m², more "
                        "than the %(max).0f m² clipping may take (max clip): an overlap that large is a "
                        "mistake in the file, not slop."
                    )
                    % {"name": o.name, "slug": o.slug, "area": o.overlap.sq_m, "max": self.max_clip_m2}
                    for o in too_big
                )
            )
        if not others:
            return boundary, []
        taken = shapely.union_all([shapely.from_wkb(bytes(o.boundary.wkb)) for o in others])
        clipped = shapely_to_multipolygon(
            shapely.difference(shapely.from_wkb(bytes(boundary.wkb)), taken), boundary.srid
        )
        if clipped.empty:
            raise RecordProblem(_("Nothing of the area is left once the overlaps are clipped."))
        notes = [
            _("%(area).1f m² left to %(name)s") % {"area": o.overlap.sq_m, "name": o.name} for o in others
        ]
        return clipped, notes
