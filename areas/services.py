"""Writes on municipalities, police zones and networks: importer, admin and API all go through here."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.gis.db.models.functions import Area, Intersection
from django.contrib.gis.geos import MultiPolygon
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Network
from .versions import BoundaryChangeSource

__all__ = [
    "boundary_change",
    "municipalities_create_missing",
    "network_boundary_check",
    "network_boundary_errors",
    "network_save",
    "network_unique_slug",
    "networks_overlapping",
]


def network_boundary_errors(
    *,
    boundary: MultiPolygon,
    kind: str,
    municipality_id: int,
    exclude_pk: int | None = None,
    also_exclude: Iterable[int] = (),
    tolerance_m2: float | None = None,
) -> list[str]:
    """Say why `boundary` cannot be stored for a network of `kind` in the municipality, or return [].

    `also_exclude`: networks not to compare with, because their boundaries are about to be replaced too
    (the rest of an import file); the import checks the result as a whole before it commits.
    `tolerance_m2`: the overlap allowed (an import's --overlap-tolerance-m2); None: the setting's.
    """
    if not boundary.valid:
        return [_("The polygon is not valid: %(reason)s.") % {"reason": boundary.valid_reason}]
    if kind not in Network.EXCLUSIVE_KINDS:
        return []
    others = (
        Network.objects.exclusive()
        .existing()
        .filter(municipality_id=municipality_id)
        .overlapping(boundary)
        .annotate(overlap=Area(Intersection("boundary", boundary)))
        .only("name", "slug")
    )
    excluded = {pk for pk in (exclude_pk, *also_exclude) if pk is not None}
    if excluded:
        others = others.exclude(pk__in=excluded)
    errors = []
    tolerance = settings.BIN_OVERLAP_TOLERANCE_M2 if tolerance_m2 is None else tolerance_m2
    for other in others:
        area_m2 = other.overlap.sq_m
        if area_m2 > tolerance:
            errors.append(
                _("The area overlaps the residential BIN “%(name)s” (%(slug)s) by %(area).0f m².")
                % {"name": other.name, "slug": other.slug, "area": area_m2}
            )
    return errors


def networks_overlapping(
    *, network_ids: Iterable[int], tolerance_m2: float | None = None
) -> list[tuple[Network, str]]:
    """Of these networks, those whose boundary overlaps another residential BIN, with the reason."""
    found = []
    for network in Network.objects.exclusive().filter(pk__in=list(network_ids)):
        errors = network_boundary_errors(
            boundary=network.boundary,
            kind=network.kind,
            municipality_id=network.municipality_id,
            exclude_pk=network.pk,
            tolerance_m2=tolerance_m2,
        )
        found += [(network, error) for error in errors]
    return found


def network_unique_slug(*, name: str, exclude_pk: int | None = None) -> str:
    """A slug for `name` that no other network has."""
    base = slugify(name)[:180] or "bin"
    slug, n = base, 2
    qs = Network.objects.all() if exclude_pk is None else Network.objects.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def network_save(
    *, network: Network, also_moving: Iterable[int] = (), overlap_tolerance_m2: float | None = None
) -> Network:
    """Validate a network (fields, validity, overlap) and save it.

    `also_moving`: networks whose boundaries are being replaced in the same transaction (an import of a
    new edition of a file): the overlap check does not hold their old boundaries against this one.
    """
    if not network.slug:
        network.slug = network_unique_slug(name=network.name, exclude_pk=network.pk)
    errors: dict = {}
    # The field checks and the boundary's, reported together as full_clean() reports its own.
    for check in (
        network.full_clean,
        lambda: network_boundary_check(
            network=network, also_exclude=also_moving, tolerance_m2=overlap_tolerance_m2
        ),
    ):
        try:
            check()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    network.save()
    return network


def network_boundary_check(
    *, network: Network, also_exclude: Iterable[int] = (), tolerance_m2: float | None = None
) -> None:
    """Raise ValidationError on the boundary field when network_boundary_errors has anything to say."""
    if network.boundary is None or not network.municipality_id:
        return
    errors = network_boundary_errors(
        boundary=network.boundary,
        kind=network.kind,
        municipality_id=network.municipality_id,
        exclude_pk=network.pk,
        also_exclude=set(also_exclude) - {network.pk},
        tolerance_m2=tolerance_m2,
    )
    if errors:
        raise ValidationError({"boundary": errors})


# --- who changes a boundary, and why (areas.versions) ------------------------------------------------------

_CHANGE_SETTINGS = ("bin.changed_by", "bin.change_reason", "bin.change_source")


@contextmanager
def boundary_change(*, user=None, reason: str = "", source: BoundaryChangeSource | str) -> Iterator[None]:
    """Run the block in a transaction whose boundary changes are recorded with this user, reason and source
    (areas/sql/boundary_versions.sql reads them)."""
    # Transaction-local settings: they end with the transaction, and a rolled-back block undoes them. A
    # nested block (an import started from the admin) says its own reason and source and keeps the outer
    # user unless it names one; leaving it normally restores the outer values.
    if str(source) not in BoundaryChangeSource.values:
        raise ValueError(f"unknown boundary change source {source!r} (one of {BoundaryChangeSource.values})")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{s}', true)" for s in _CHANGE_SETTINGS))
            outer = [value or "" for value in cursor.fetchone()]
        user_id = getattr(user, "pk", None)
        _boundary_change_set([str(user_id) if user_id else outer[0], reason or "", str(source)])
        yield
        _boundary_change_set(outer)


def _boundary_change_set(values: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(f"set_config('{s}', %s, true)" for s in _CHANGE_SETTINGS), values
        )


# --- municipalities that the street imports need -----------------------------------------------------------


def municipalities_create_missing(*, nis_sql: str, names_table: str) -> tuple[int, int]:
    """Create the municipalities whose NIS codes the query `nis_sql` selects (one column, `nis`) and that are
    not stored, named as in the table `names_table` (columns nis, name_nl, name_fr, name_de); without
    boundary. Returns (created, already stored). Stored municipalities keep their names and boundary."""
    # For the street importers, which stage municipalities with their streets in temporary tables.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH needed AS ({nis_sql}),
            ins AS (
                INSERT INTO areas_municipality (nis_code, name_nl, name_fr, name_de)
                SELECT m.nis, m.name_nl, m.name_fr, m.name_de
                FROM {names_table} m JOIN needed USING (nis)
                ORDER BY m.nis
                ON CONFLICT (nis_code) DO NOTHING
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM needed)
            """
        )
        created, needed = cursor.fetchone()
    return created, needed - created
