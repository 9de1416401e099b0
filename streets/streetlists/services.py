"""import_street_lists: networks from a street-list file, their polygons derived from the listed addresses."""

from collections import defaultdict
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from areas.choices import AreaSource
from areas.models import Municipality, Network
from areas.services import boundary_change, network_save
from areas.versions import BoundaryChangeSource
from core.importing import ImportAborted, ImportReport, ImportRun, check_on_error, run_import

from ..models import NetworkStreetRange
from .derive import areas_derived
from .labels import ranges_checked
from .rows import Range, RowProblem, StreetFinder, read_rows

__all__ = ["import_street_lists"]


def import_street_lists(
    *,
    path: str | Path | None = None,
    data: bytes | None = None,
    name: str = "",
    dry_run: bool = False,
    on_error: str = "skip",
    progress: bool = False,
    allowed_municipalities: set[int] | None = None,
    user=None,
) -> ImportReport:
    """Import a street-list CSV (a file at `path`, or its bytes `data` named `name`): create or update each
    network it names, replace the network's list with the file's rows and derive its polygon.

    A network is named by municipality and name. Networks of the same municipality that the file does not
    name keep their lists, and their polygons are derived again with the others. `allowed_municipalities`
    (admin uploads): rows of other municipalities are refused. `user`: who imports, for the boundary
    versions (areas.versions). `progress` is accepted like every importer's.
    """
    check_on_error(on_error)
    if data is None:
        if path is None or not Path(path).is_file():
            raise ImportAborted(_("%(path)s: no such file.") % {"path": path})
        data, name = Path(path).read_bytes(), name or str(path)

    def work(run: ImportRun) -> None:
        finder = StreetFinder(allowed_municipalities=allowed_municipalities)
        by_municipality: dict[int, list[Range]] = defaultdict(list)
        for position, row in read_rows(data, name=name):
            run.position = position
            try:
                r = finder.range(position, row)
            except RowProblem as exc:
                run.problem(position, str(exc))
                continue
            by_municipality[r.municipality.pk].append(r)
        reason = _("street list %(name)s") % {"name": Path(name).name}
        with boundary_change(user=user, reason=reason, source=BoundaryChangeSource.STREET_LIST):
            for ranges in by_municipality.values():
                MunicipalityLists(run, ranges[0].municipality, ranges).execute()

    return run_import(source=name, dry_run=dry_run, on_error=on_error, work=work)


class MunicipalityLists:
    """The street lists of one municipality: the file's networks and those already stored."""

    def __init__(self, run: ImportRun, municipality: Municipality, ranges: list[Range]):
        self.run, self.municipality, self.file_ranges = run, municipality, ranges
        self.networks: dict[str, Network | None] = {}

    def execute(self) -> None:
        self.find_networks()
        listed = Network.objects.filter(
            municipality=self.municipality, boundary_source=AreaSource.STREET_LIST
        ).exclude(pk__in=[n.pk for n in self.networks.values() if n is not None])
        stored = [
            Range(
                _("the stored list of “%(network)s”") % {"network": n.name},
                n.name,
                self.municipality,
                s.street,
                s.first,
                s.last,
                s.parity,
                network_id=n.pk,
                stored=True,
            )
            for n in listed
            for s in n.street_ranges.select_related("street")
        ]
        converted = [n.pk for n in self.networks.values() if n and n.boundary_source == AreaSource.DRAWN]
        kept = ranges_checked(
            ranges=stored + self.file_ranges,
            municipality=self.municipality,
            converted=converted,
            refuse=lambda r, why: self.run.problem(r.position, why),
        )
        names = list(dict.fromkeys(r.network for r in kept))
        labels = {address_id: names.index(r.network) for r in kept for address_id in r.address_ids}
        areas = areas_derived(municipality_id=self.municipality.pk, labels=labels, converted=converted)
        moving = [n.pk for n in listed] + [n.pk for n in self.networks.values() if n is not None]
        for name in names:
            ranges = [r for r in kept if r.network == name]
            network = next((n for n in listed if n.name == name), None) if ranges[0].stored else None
            if network is not None:
                self.save_stored(network, areas[names.index(name)], moving)
            elif name in self.networks:
                self.save(name, ranges, areas[names.index(name)], moving)

    def find_networks(self) -> None:
        """The existing network of each name in the file (None: a new one); a name two networks of the
        municipality have is refused."""
        for name in dict.fromkeys(r.network for r in self.file_ranges):
            found = list(Network.objects.filter(municipality=self.municipality, name=name)[:2])
            if len(found) > 1:
                for r in [r for r in self.file_ranges if r.network == name]:
                    self.file_ranges.remove(r)
                    self.run.problem(
                        r.position,
                        _("Several networks of %(municipality)s are called “%(network)s”.")
                        % {"municipality": self.municipality, "network": name},
                    )
                continue
            self.networks[name] = found[0] if found else None

    def save(self, name: str, ranges: list[Range], area, moving: list[int]) -> None:
        network = self.networks[name]
        created = network is None
        if created:
            network = Network(name=name, municipality=self.municipality, kind=Network.Kind.BIN)
        new_ranges = {(r.street.pk, r.first, r.last, r.parity) for r in ranges}
        old_ranges = (
            set() if created else set(network.street_ranges.values_list("street", "first", "last", "parity"))
        )
        changed = (
            created
            or new_ranges != old_ranges
            or network.boundary_source != AreaSource.STREET_LIST
            or not _same_area(network.boundary, area)
        )
        if not changed:
            self.run.count("unchanged")
            return
        network.boundary, network.boundary_source = area, AreaSource.STREET_LIST
        self.run.position = ranges[0].position
        try:
            network_save(network=network, also_moving=moving)
        except ValidationError as exc:
            self.run.problem(
                ranges[0].position,
                _("The area derived for “%(network)s” cannot be stored: %(reason)s")
                % {"network": name, "reason": " ".join(exc.messages)},
            )
            return
        network.street_ranges.all().delete()
        NetworkStreetRange.objects.bulk_create(
            NetworkStreetRange(network=network, street=r.street, first=r.first, last=r.last, parity=r.parity)
            for r in ranges
        )
        addresses = sum(len(r.address_ids) for r in ranges)
        line = _("%(network)s: rows %(ranges)s, addresses %(addresses)s, area %(area).0f m²") % {
            "network": name,
            "ranges": len(ranges),
            "addresses": addresses,
            "area": area.area,
        }
        self.run.count("created" if created else "updated", line)

    def save_stored(self, network: Network, area, moving: list[int]) -> None:
        """A network the file does not name: its polygon again from the same list (the register or the
        neighbouring lists may have changed). Not counted; a change is reported."""
        if _same_area(network.boundary, area):
            return
        network.boundary = area
        try:
            network_save(network=network, also_moving=moving)
        except ValidationError as exc:
            self.run.problem(
                _("the stored list of “%(network)s”") % {"network": network.name}, " ".join(exc.messages)
            )
            return
        self.run.report.changes.append(
            _("%(network)s: area derived again from its stored list") % {"network": network.name}
        )


def _same_area(old, new) -> bool:
    # The derivation is deterministic: the same addresses and labels give the same polygon, vertex for vertex.
    return old is not None and old.equals_exact(new, 1e-6)
