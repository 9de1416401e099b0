"""Writes on municipalities, police zones and networks: importer, admin and API all go through here."""

from django.conf import settings
from django.contrib.gis.db.models.functions import Area, Intersection
from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Network

__all__ = ["network_boundary_errors", "network_unique_slug"]


def network_boundary_errors(
    *, boundary: MultiPolygon, kind: str, municipality_id: int, exclude_pk: int | None = None
) -> list[str]:
    """Say why `boundary` cannot be stored for a network of `kind` in the municipality, or return []."""
    if not boundary.valid:
        return [_("The polygon is not valid: %(reason)s.") % {"reason": boundary.valid_reason}]
    if kind not in Network.EXCLUSIVE_KINDS:
        return []
    # relate 'T********' = the interiors intersect: a real overlap. Shared edges or corners do not match.
    others = (
        Network.objects.filter(kind__in=Network.EXCLUSIVE_KINDS, municipality_id=municipality_id)
        .exclude(status=Network.Status.DISSOLVED)
        .filter(boundary__relate=(boundary, "T********"))
        .annotate(overlap=Area(Intersection("boundary", boundary)))
        .only("name", "slug")
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    errors = []
    for other in others:
        area_m2 = other.overlap.sq_m
        if area_m2 > settings.BIN_OVERLAP_TOLERANCE_M2:
            errors.append(
                _("The area overlaps the residential BIN “%(name)s” (%(slug)s) by %(area).0f m².")
                % {"name": other.name, "slug": other.slug, "area": area_m2}
            )
    return errors


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
def network_save(*, network: Network) -> Network:
    """Validate a network (fields, validity, overlap) and save it."""
    if not network.slug:
        network.slug = network_unique_slug(name=network.name, exclude_pk=network.pk)
    network.full_clean()
    network.save()
    return network
