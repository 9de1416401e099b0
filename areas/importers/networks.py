"""Import networks (BIN, BIN-Z…) from the polygons of a vector file."""

from collections.abc import Collection
from typing import Any, Unpack

from django.contrib.gis.geos import MultiPolygon
from django.utils.translation import gettext as _

from core.importing import ImportAborted, ImportReport, Outcome, RecordProblem

from ..models import Municipality, Network
from ..selectors import municipality_containing
from ..services import boundary_change, network_save, networks_overlapping
from ..versions import BoundaryChangeSource
from .overlaps import DEFAULT_MAX_CLIP_M2, OverlapPolicy
from .records import apply_values, boolean, choice, once, outcome, police_zone, text
from .repair import DEFAULT_MAX_REPAIR_CHANGE_PCT, PolygonRepair
from .vector import VectorImport, VectorSource, vector_import

__all__ = ["NETWORK_DEFAULT_FIELDS", "import_networks"]

# Network fields that `defaults` may set when the file does not have them.
NETWORK_DEFAULT_FIELDS = ("kind", "status", "published", "municipality", "police_zone", "description")


def import_networks(
    *,
    name_field: str = "name",
    id_field: str | None = None,
    id_prefix: str = "",
    kind_field: str | None = None,
    municipality_field: str | None = None,
    defaults: dict[str, Any] | None = None,
    make_valid: bool = False,
    max_repair_change_pct: float = DEFAULT_MAX_REPAIR_CHANGE_PCT,
    overlaps: str = "refuse",
    overlap_tolerance_m2: float | None = None,
    max_clip_m2: float = DEFAULT_MAX_CLIP_M2,
    municipality_ids: Collection[int] | None = None,
    **file: Unpack[VectorImport],
) -> ImportReport:
    """Create or update one network per polygon feature of a vector file; see the comments inside."""
    # Which network a feature is: with `id_field`, the one whose source_id is `id_prefix` + the id value as
    # written in the file (ggw7's geoitem "23027W05" stays "23027W05"; give a prefix such as "ggw7:" when
    # ids of two sources could collide); without it, the one with the same name in the same municipality.
    # The municipality is the NIS code in `municipality_field`, else defaults["municipality"], else the
    # one whose boundary contains the area's point on surface. The police zone is defaults["police_zone"],
    # else the municipality's (on creation, or when the municipality changes). Fields neither mapped nor
    # in `defaults` keep the model default on creation and their current value on update, so a re-import
    # does not undo the status or publication staff set in the admin.
    # Real files (Schaerbeek's quartiers) come with broken rings and overlaps of a few m² between
    # neighbours. `make_valid` repairs an invalid polygon when its area changes by at most
    # `max_repair_change_pct` %; `overlaps` "clip" cuts an overlap with a residential BIN of the municipality
    # (one saved before, or an earlier feature) off the feature when it is larger than `overlap_tolerance_m2`
    # (default: settings.BIN_OVERLAP_TOLERANCE_M2) and at most `max_clip_m2`; "refuse" refuses the feature.
    # `municipality_ids`: the municipalities whose networks the file may create or change (an admin upload
    # by municipality staff); None: all.
    policy = OverlapPolicy(mode=overlaps, tolerance_m2=overlap_tolerance_m2, max_clip_m2=max_clip_m2)
    source, run = vector_import(**file)
    job = _NetworkImport(
        source,
        name_field=source.field(name_field, "name field"),
        id_field=source.field(id_field, "id field"),
        id_prefix=id_prefix,
        kind_field=source.field(kind_field, "kind field"),
        municipality_field=source.field(municipality_field, "municipality field"),
        fixed=_network_defaults(defaults or {}),
        repair=PolygonRepair(max_change_pct=max_repair_change_pct) if make_valid else None,
        overlaps=policy,
        municipality_ids=None if municipality_ids is None else set(municipality_ids),
    )
    # The boundary versions (areas.versions) name the file; the user, if an outer block (the admin) said one.
    with boundary_change(reason=f"import {source.path.name}", source=BoundaryChangeSource.IMPORT):
        return source.import_features(job.handle, **run, finish=job.finish)


def _network_defaults(defaults: dict[str, Any]) -> dict[str, Any]:
    """Check and resolve the `defaults` of import_networks, or raise ImportAborted."""
    unknown = sorted(set(defaults) - set(NETWORK_DEFAULT_FIELDS))
    if unknown:
        raise ImportAborted(
            _("Unknown defaults: %(unknown)s; allowed: %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(NETWORK_DEFAULT_FIELDS)}
        )
    resolved: dict[str, Any] = {}
    for key, value in defaults.items():
        if value is None:
            continue
        if key == "kind":
            resolved[key] = choice(Network.Kind, value)
        elif key == "status":
            resolved[key] = choice(Network.Status, value)
        elif key == "published":
            resolved[key] = boolean(value)
        elif key == "municipality":
            resolved[key] = (
                value
                if isinstance(value, Municipality)
                else Municipality.objects.select_related("police_zone").filter(nis_code=text(value)).first()
            )
        elif key == "police_zone":
            resolved[key] = police_zone(value)
        else:
            resolved[key] = str(value)
        if resolved[key] is None:
            allowed = {"kind": Network.Kind.values, "status": Network.Status.values}.get(key)
            hint = _(" (one of %(values)s)") % {"values": ", ".join(allowed)} if allowed else ""
            raise ImportAborted(
                _("Default %(key)s: “%(value)s” is not known%(hint)s.")
                % {"key": key, "value": value, "hint": hint}
            )
    return resolved


class _Municipalities:
    """Municipalities by NIS code or by location, remembered for the length of one import."""

    def __init__(self):
        self._by_nis: dict[str, Municipality | None] = {}
        self._found: list[tuple[Municipality, tuple, Any]] = []

    def by_nis(self, nis: str) -> Municipality | None:
        if nis not in self._by_nis:
            self._by_nis[nis] = (
                Municipality.objects.select_related("police_zone").filter(nis_code=nis).first()
            )
        return self._by_nis[nis]

    def containing(self, boundary: MultiPolygon) -> Municipality | None:
        # The point on surface lies inside the area even for a U-shaped one, unlike the centroid.
        point = boundary.point_on_surface
        # Networks come in clusters per municipality: ask the ones found before (in memory, most recent
        # first) before the database, so a file of thousands makes one query per municipality.
        for i, (municipality, (xmin, ymin, xmax, ymax), prepared) in enumerate(self._found):
            if xmin <= point.x <= xmax and ymin <= point.y <= ymax and prepared.contains(point):
                self._found.insert(0, self._found.pop(i))
                return municipality
        municipality = municipality_containing(point=point)
        if municipality is not None:
            self._found.insert(
                0, (municipality, municipality.boundary.extent, municipality.boundary.prepared)
            )
        return municipality


class _NetworkImport:
    """The features of one file, matched to the networks they update, and the check after the last one."""

    def __init__(
        self,
        source: VectorSource,
        *,
        name_field,
        id_field,
        id_prefix,
        kind_field,
        municipality_field,
        fixed,
        repair: PolygonRepair | None,
        overlaps: OverlapPolicy,
        municipality_ids: set[int] | None,
    ):
        self.source = source
        self.name_field, self.id_field, self.id_prefix = name_field, id_field, id_prefix
        self.kind_field, self.municipality_field = kind_field, municipality_field
        self.fixed = fixed
        self.repair, self.overlaps, self.municipality_ids = repair, overlaps, municipality_ids
        self.municipalities = _Municipalities()
        self.seen: dict[Any, str] = {}
        # The networks the file may update, in one query rather than one per feature.
        if id_field:
            ids = {f"{id_prefix}{value}" for value in source.values(id_field)}
            self.by_id = Network.objects.filter(source_id__in=ids).in_bulk(field_name="source_id")
            self.not_yet = {n.pk for n in self.by_id.values()}
        else:
            self.by_name: dict[tuple[str, int], list[Network]] = {}
            for network in Network.objects.filter(name__in=source.values(name_field)):
                self.by_name.setdefault((network.name, network.municipality_id), []).append(network)
            self.not_yet = {n.pk for group in self.by_name.values() for n in group}
        # A new edition moves shared borders: while a feature is checked, the networks of the features still
        # to come keep their old boundaries, which the new one may overlap. Those are left out of its check;
        # when all features are in, every network saved that way is checked against all the others (a first
        # import leaves nothing out and needs no second check).
        self.moved: set[int] = set()

    def handle(self, position: str, feature) -> Outcome:
        name = text(feature.get(self.name_field))
        if not name:
            raise RecordProblem(_("The name (field %(field)s) is empty.") % {"field": self.name_field})
        boundary, repaired = self.source.checked_geometry(
            feature,
            repair=self.repair,
            invalid_hint=_("Import with make-valid (--make-valid) to have it repaired."),
        )
        values: dict[str, Any] = {"name": name}
        kind = self.kind(feature)
        if kind is not None:
            values["kind"] = kind
        municipality = values["municipality"] = self.municipality(feature, boundary)
        existing = self.existing(position, feature, values)
        self.check_scope(municipality, existing)
        for key in ("status", "published", "description"):
            if key in self.fixed:
                values[key] = self.fixed[key]
        if "police_zone" in self.fixed:
            values["police_zone"] = self.fixed["police_zone"]
        elif (
            existing is None or existing.municipality_id != municipality.pk or existing.police_zone_id is None
        ):
            values["police_zone"] = municipality.police_zone

        network = existing or Network()
        boundary, clipped = self.overlaps.resolve(
            boundary=boundary,
            kind=values.get("kind", network.kind),
            municipality_id=municipality.pk,
            exclude={pk for pk in (network.pk, *self.not_yet) if pk is not None},
        )
        self.not_yet.discard(network.pk)
        changed = apply_values(network, values, boundary)

        def save():
            # The same checks as the admin: field validation, validity, overlap with residential BINs.
            left_out = self.not_yet - {network.pk}
            network_save(
                network=network, also_moving=left_out, overlap_tolerance_m2=self.overlaps.tolerance_m2
            )
            if left_out:  # checked against fewer boundaries than there are: checked again at the end
                self.moved.add(network.pk)

        state, line, write = outcome(network, existing is not None, changed, name, save)
        notes = [note for note in (repaired, *clipped) if note]
        if notes:  # what the import did to the file's polygon, on the feature's line of the report
            line = _("%(change)s (%(notes)s)") % {
                "change": line or _("unchanged %(label)s") % {"label": name},
                "notes": "; ".join(notes),
            }
        return state, line, write

    def check_scope(self, municipality: Municipality, existing: Network | None) -> None:
        """Refuse a feature outside the municipalities the import may touch (RecordProblem)."""
        if self.municipality_ids is None:
            return
        # A network moves only between municipalities one manages, as in the network admin.
        where = None
        if municipality.pk not in self.municipality_ids:
            where = municipality
        elif existing is not None and existing.municipality_id not in self.municipality_ids:
            where = existing.municipality
        if where is not None:
            raise RecordProblem(
                _("The network lies in a municipality you do not manage (%(municipality)s).")
                % {"municipality": where}
            )

    def kind(self, feature) -> str | None:
        """The kind the feature's field says, else the default's; None: the model's default."""
        if self.kind_field and text(feature.get(self.kind_field)):
            kind = choice(Network.Kind, feature.get(self.kind_field))
            if kind is None:
                raise RecordProblem(
                    _("Unknown kind “%(kind)s” (one of %(kinds)s).")
                    % {"kind": text(feature.get(self.kind_field)), "kinds": ", ".join(Network.Kind.values)}
                )
            return kind
        return self.fixed.get("kind")

    def municipality(self, feature, boundary: MultiPolygon) -> Municipality:
        nis = text(feature.get(self.municipality_field)) if self.municipality_field else ""
        if nis:
            municipality = self.municipalities.by_nis(nis)
            if municipality is None:
                raise RecordProblem(_("Unknown municipality NIS code “%(nis)s”.") % {"nis": nis})
            return municipality
        if "municipality" in self.fixed:
            return self.fixed["municipality"]
        municipality = self.municipalities.containing(boundary)
        if municipality is None:
            raise RecordProblem(
                _(
                    "No municipality contains this area (import the municipalities first, or give the "
                    "municipality's NIS code in a field or as a default)."
                )
            )
        return municipality

    def existing(self, position: str, feature, values: dict[str, Any]) -> Network | None:
        """The network the feature updates (None: a new one); sets values["source_id"] with an id field."""
        name, municipality = values["name"], values["municipality"]
        if self.id_field:
            raw_id = text(feature.get(self.id_field))
            if not raw_id:
                raise RecordProblem(
                    _("The identifier (field %(field)s) is empty.") % {"field": self.id_field}
                )
            values["source_id"] = f"{self.id_prefix}{raw_id}"
            once(self.seen, values["source_id"], position, _("identifier “%s”") % raw_id)
            return self.by_id.get(values["source_id"])
        once(self.seen, (name, municipality.pk), position, _("name “%s”") % name)
        matches = self.by_name.get((name, municipality.pk), [])
        if len(matches) > 1:
            raise RecordProblem(
                _("Several networks are called “%(name)s” in %(municipality)s; give an id field.")
                % {"name": name, "municipality": municipality}
            )
        return matches[0] if matches else None

    def finish(self, report: ImportReport) -> None:
        """Check the networks saved while neighbours were left out; ImportAborted rolls the file back."""
        overlaps = networks_overlapping(network_ids=self.moved, tolerance_m2=self.overlaps.tolerance_m2)
        if overlaps:
            raise ImportAborted(
                _(
                    "After this import %(errors)s: a feature that would have moved the shared border too "
                    "was refused. Nothing was written."
                )
                % {"errors": "; ".join(f"{network.name}: {error}" for network, error in overlaps)},
                report,
            )
