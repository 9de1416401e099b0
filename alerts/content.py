"""What a police zone prepares for its alerts: message templates with placeholders and saved areas (named
perimeters), written here and read by the console, the API and the admin.

Both belong to one police zone; access.permissions.can_edit_alert_content says who writes them and
alert_content_scope who reads them. A template's placeholders are a fixed list (PLACEHOLDERS): a template
that names another one, or writes one the console cannot fill ("{0}", "{time:%H}", an unclosed "{"), is
refused with a message that says which and what is allowed, so that no alert goes out with "{strret}" in
it. A saved area is stored clipped to its zone, in the storage CRS, and must be large enough to be an
alert's perimeter (BIN_ALERT_MIN_AREA_M2), whichever way it was made: drawn, a network's area, or a
street's addresses with a margin.
"""

from string import Formatter

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.permissions import alert_content_scope, can_edit_alert_content, police_zone_ids
from areas.models import Network, PoliceZone
from core.geometry import to_storage_multipolygon
from streets.models import Address, Street

from .languages import ALERT_LANGUAGES, LANGUAGE_NAMES
from .models import Alert, Category, MessageTemplate, SavedArea
from .perimeter import perimeter_from_circle, perimeter_from_geojson
from .selectors import perimeter_clip
from .texts import text_checked

__all__ = [
    "MARGIN_DEFAULT_M",
    "PLACEHOLDERS",
    "area_delete",
    "area_save",
    "areas_for_alert",
    "areas_visible",
    "placeholders_checked",
    "street_in_zone",
    "template_delete",
    "template_filled",
    "template_save",
    "templates_for_alert",
    "templates_visible",
]

# What the console fills in: the street and municipality of the address searched (or typed), the time and
# date of the incident (now, unless the officer changes it) and a free description.
PLACEHOLDERS = {
    "street": gettext_lazy("the street"),
    "place": gettext_lazy("the municipality"),
    "time": gettext_lazy("the time (HH:MM)"),
    "date": gettext_lazy("the date"),
    "description": gettext_lazy("a description"),
}
MARGIN_DEFAULT_M = 30.0
MARGIN_MAX_M = 500.0


# --- reads ---------------------------------------------------------------------------------------------


def _in_scope(queryset: QuerySet, user) -> QuerySet:
    scope = alert_content_scope(user)
    return queryset if scope.everything else queryset.filter(police_zone_id__in=scope.police_zones)


def templates_visible(*, user) -> QuerySet[MessageTemplate]:
    """The templates `user` reads: those of their police zones (all for administrators)."""
    return _in_scope(MessageTemplate.objects.select_related("police_zone"), user)


def areas_visible(*, user) -> QuerySet[SavedArea]:
    """The saved areas `user` reads: those of their police zones (all for administrators)."""
    return _in_scope(SavedArea.objects.select_related("police_zone"), user)


def templates_for_alert(*, police_zone_id: int) -> QuerySet[MessageTemplate]:
    """The templates an officer may start an alert of the zone from: the zone's active ones."""
    return MessageTemplate.objects.filter(police_zone_id=police_zone_id, active=True).order_by("name")


def areas_for_alert(*, police_zone_id: int) -> QuerySet[SavedArea]:
    """The saved areas an officer may pick for an alert of the zone: the zone's active ones."""
    return SavedArea.objects.filter(police_zone_id=police_zone_id, active=True).order_by("name")


# --- placeholders --------------------------------------------------------------------------------------


def _allowed() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def placeholders_checked(text: str) -> list[str]:
    """The placeholders `text` uses, in order of first use; ValidationError (a message) when it uses one
    that is not in PLACEHOLDERS or writes one the console cannot fill. "{{" and "}}" are braces."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        raise ValidationError(
            _(
                "A brace is not closed or not opened: write placeholders as {street}, and a brace itself "
                "as {{ or }}."
            )
        ) from None
    used: list[str] = []
    unknown: list[str] = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion:
            raise ValidationError(
                _("Write the placeholder {%(name)s} without a format (no “:” or “!” inside the braces).")
                % {"name": name}
            )
        if name not in PLACEHOLDERS:
            if name not in unknown:
                unknown.append(name)
        elif name not in used:
            used.append(name)
    if unknown:
        shown = ", ".join("{" + (name[:30] or "") + "}" for name in unknown)
        raise ValidationError(
            _("Unknown placeholder %(names)s. The placeholders are %(allowed)s.")
            % {"names": shown, "allowed": _allowed()}
        )
    return used


def template_filled(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders replaced by `values` (a missing value leaves the placeholder)."""
    out = []
    for literal, name, _spec, _conversion in Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(str(values[name]) if values.get(name) else "{" + name + "}")
    return "".join(out)


# --- writes: templates ---------------------------------------------------------------------------------


def _zone_checked(*, user, police_zone, current_zone_id: int | None) -> int:
    """The zone a template or area goes to (`police_zone`: a PoliceZone, an id or None: the officer's
    own); PermissionDenied when `user` may not write there, or may not write where it is now."""
    if police_zone is None:
        if current_zone_id is not None:
            zone_id = current_zone_id
        else:
            mine = police_zone_ids(user)
            if len(mine) != 1:
                raise ValidationError({"police_zone": _("Say for which police zone this is (police_zone).")})
            zone_id = next(iter(mine))
    else:
        zone_id = getattr(police_zone, "pk", police_zone)
    if current_zone_id is not None and not can_edit_alert_content(user, current_zone_id):
        raise PermissionDenied(_("You write the templates and areas of your own police zone only."))
    if not can_edit_alert_content(user, zone_id):
        raise PermissionDenied(_("You write the templates and areas of your own police zone only."))
    if not PoliceZone.objects.filter(pk=zone_id).exists():
        raise ValidationError({"police_zone": _("No such police zone.")})
    return zone_id


def _name_checked(name) -> str:
    if not str(name or "").strip():
        raise ValidationError({"name": _("Give it a name.")})
    return text_checked(str(name), field="name", max_chars=120)


def _saved(obj, *, taken: str):
    """Save `obj`; a name the zone already uses is a ValidationError under "name" saying `taken`."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError({"name": taken}) from None
    return obj


def template_save(*, user, data: dict, template: MessageTemplate | None = None) -> MessageTemplate:
    """Add a template (`template` None) or change it with `data`: name, police_zone (PoliceZone, id or
    None: the officer's one zone), category, urgency, text_nl/fr/de/en, active. ValidationError under the
    field that is wrong (unknown placeholders included); PermissionDenied outside the officer's zones."""
    zone_id = _zone_checked(
        user=user, police_zone=data.get("police_zone"), current_zone_id=template and template.police_zone_id
    )
    template = template or MessageTemplate()
    errors: dict[str, list[str]] = {}
    if "name" in data or template.pk is None:
        try:
            template.name = _name_checked(data.get("name"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "category" in data:
        if data["category"] and data["category"] not in Category.values:
            errors["category"] = [_("Unknown category.")]
        template.category = data["category"] or ""
    if "urgency" in data:
        if data["urgency"] and data["urgency"] not in Alert.Urgency.values:
            errors["urgency"] = [_("Urgency is 'urgent' or 'non_urgent'.")]
        template.urgency = data["urgency"] or ""
    for language in ALERT_LANGUAGES:
        key = f"text_{language}"
        if key not in data:
            continue
        try:
            text = text_checked(data[key], field=key, required=False)
            placeholders_checked(text)
        except ValidationError as exc:
            messages = exc.message_dict[key] if hasattr(exc, "error_dict") else exc.messages
            errors[key] = [f"{LANGUAGE_NAMES[language]}: {m}" for m in messages]
            continue
        setattr(template, key, text)
    if "active" in data:
        template.active = bool(data["active"])
    if not errors and not template.texts:
        errors["text_nl"] = [_("Write the template's text in at least one language.")]
    if errors:
        raise ValidationError(errors)
    template.police_zone_id = zone_id
    template.updated_by = user
    return _saved(template, taken=_("The police zone already has a template with this name."))


def template_delete(*, user, template: MessageTemplate) -> None:
    if not can_edit_alert_content(user, template.police_zone_id):
        raise PermissionDenied(_("You write the templates and areas of your own police zone only."))
    template.delete()


# --- writes: saved areas -------------------------------------------------------------------------------


def _network_area(*, network_id, zone_id: int) -> tuple[Network, MultiPolygon]:
    # Any network of the zone that still exists, whether it takes members now or not (a suspended BIN is
    # still a neighbourhood the police may want to alert as an area).
    network = (
        Network.objects.existing()
        .in_police_zones([zone_id])
        .filter(pk=network_id)
        .only("pk", "boundary")
        .first()
    )
    if network is None:
        raise ValidationError({"network": _("No such network in this police zone.")})
    return network, network.boundary


def _street_area(*, street_id, zone_id: int, margin_m, numbers) -> tuple[Street, MultiPolygon, float]:
    """The addresses of a street of the zone (those numbered from…to when `numbers` is given), each with a
    circle of `margin_m` around it, merged: the houses along the street and their gardens."""
    if margin_m in (None, ""):
        margin_m = MARGIN_DEFAULT_M
    if (
        isinstance(margin_m, bool)
        or not isinstance(margin_m, int | float)
        or not 1 <= margin_m <= MARGIN_MAX_M
    ):
        raise ValidationError(
            {
                "margin_m": _("The margin is a number of metres from 1 to %(max)s.")
                % {"max": f"{MARGIN_MAX_M:g}"}
            }
        )
    street = Street.objects.filter(pk=street_id, municipality__police_zone_id=zone_id).first()
    if street is None:
        raise ValidationError({"street": _("No such street in this police zone.")})
    addresses = Address.objects.filter(street=street)
    if numbers:
        try:
            low, high = (int(n) for n in numbers)
        except (TypeError, ValueError):
            raise ValidationError({"numbers": _("Give the house numbers as [from, to].")}) from None
        addresses = addresses.filter(number__gte=min(low, high), number__lte=max(low, high))
    ids = list(addresses.values_list("pk", flat=True)[:5000])
    if not ids:
        raise ValidationError({"street": _("The street has no addresses in that range.")})
    with connection.cursor() as cur:
        # 8 segments per quarter circle: a margin of 30 m is then right to within half a metre.
        cur.execute(
            "SELECT ST_AsEWKB(ST_Multi(ST_Union(ST_Buffer(point, %s, 8)))) "
            "FROM streets_address WHERE id = ANY(%s)",
            [float(margin_m), ids],
        )
        (ewkb,) = cur.fetchone()
    return street, GEOSGeometry(memoryview(bytes(ewkb))), float(margin_m)


def _drawn_area(geometry) -> MultiPolygon:
    try:
        if isinstance(geometry, dict) and "center" in geometry:
            return perimeter_from_circle(geometry.get("center"), geometry.get("radius_m")).geom
        return perimeter_from_geojson(geometry).geom
    except ValidationError as exc:
        raise ValidationError({"geometry": exc.messages}) from None


def area_save(
    *,
    user,
    name: str,
    police_zone=None,
    description: str = "",
    geometry=None,
    network_id: int | None = None,
    street_id: int | None = None,
    margin_m: float | None = None,
    numbers=None,
    active: bool = True,
    area: SavedArea | None = None,
) -> SavedArea:
    """Add a saved area (`area` None) or change it: from `geometry` (GeoJSON in EPSG:4326, or {center,
    radius_m}), from a network of the zone (`network_id`) or from a street's addresses with a margin
    (`street_id`, `margin_m`, `numbers` [from, to]); none of them when changing keeps the polygon. Stored
    clipped to the zone; ValidationError when it lies outside it or is smaller than an alert may be."""
    zone_id = _zone_checked(user=user, police_zone=police_zone, current_zone_id=area and area.police_zone_id)
    sources = [s for s in (geometry, network_id, street_id) if s not in (None, "")]
    if len(sources) > 1:
        raise ValidationError({"geometry": _("Give one of: a drawn area, a network, a street.")})
    area = area or SavedArea()
    fields = {
        "name": _name_checked(name),
        "description": text_checked(description, field="description", required=False, max_chars=300),
    }
    geom = None
    if geometry not in (None, ""):
        geom = _drawn_area(geometry)
        fields.update(source=SavedArea.Source.DRAWN, network=None, street=None, margin_m=None)
    elif network_id not in (None, ""):
        network, geom = _network_area(network_id=network_id, zone_id=zone_id)
        fields.update(source=SavedArea.Source.NETWORK, network=network, street=None, margin_m=None)
    elif street_id not in (None, ""):
        street, geom, margin = _street_area(
            street_id=street_id, zone_id=zone_id, margin_m=margin_m, numbers=numbers
        )
        fields.update(source=SavedArea.Source.STREET, network=None, street=street, margin_m=margin)
    elif area.pk is None:
        raise ValidationError({"geometry": _("Draw the area, or choose a network or a street.")})
    if geom is not None or area.police_zone_id != zone_id:
        geom = geom if geom is not None else area.geometry
        zone = PoliceZone.objects.get(pk=zone_id)
        clipped = perimeter_clip(perimeter=to_storage_multipolygon(geom), police_zone=zone)
        if clipped.geom is None:
            raise ValidationError(
                {"geometry": _("The area lies entirely outside police zone %(zone)s.") % {"zone": zone}}
            )
        if clipped.kept_m2 < settings.BIN_ALERT_MIN_AREA_M2:
            raise ValidationError(
                {
                    "geometry": _(
                        "The area covers %(area)s m² inside police zone %(zone)s; an alert's perimeter must "
                        "cover at least %(minimum)s m²."
                    )
                    % {
                        "area": f"{clipped.kept_m2:,.0f}",
                        "zone": zone,
                        "minimum": f"{settings.BIN_ALERT_MIN_AREA_M2:,.0f}",
                    }
                }
            )
        fields["geometry"] = _within_vertex_limit(clipped.geom)
    for key, value in fields.items():
        setattr(area, key, value)
    area.active = bool(active)
    area.police_zone_id = zone_id
    area.updated_by = user
    return _saved(area, taken=_("The police zone already has a saved area with this name."))


def _within_vertex_limit(geom: MultiPolygon) -> MultiPolygon:
    """`geom` with at most BIN_ALERT_MAX_VERTICES vertices, the limit of an alert's perimeter: a network's
    area or a street's merged circles may have more. Simplified by the smallest of a few tolerances that
    is enough (a few metres move no house out of a street's 30 m margin); ValidationError if none is."""
    limit = settings.BIN_ALERT_MAX_VERTICES
    for tolerance in (0, 0.5, 1, 2, 5):
        shape = (
            geom
            if not tolerance
            else to_storage_multipolygon(geom.simplify(tolerance, preserve_topology=True))
        )
        if shape.num_points <= limit:
            return shape
    raise ValidationError(
        {
            "geometry": _("The area has more than %(limit)s corners; draw it simpler.")
            % {"limit": f"{limit:,}"}
        }
    )


def area_delete(*, user, area: SavedArea) -> None:
    if not can_edit_alert_content(user, area.police_zone_id):
        raise PermissionDenied(_("You write the templates and areas of your own police zone only."))
    area.delete()


def street_in_zone(*, text: str, police_zone_id: int) -> Street:
    """The street of the zone that `text` names: "Kerkstraat", or as the street autocomplete writes it,
    "Kerkstraat, 9990 Teststad". ValidationError under "street" when none or several match."""
    name, _sep, rest = (text or "").partition(",")
    name, rest = name.strip(), rest.strip()
    if not name:
        raise ValidationError({"street": _("Type the street's name.")})
    streets = Street.objects.filter(municipality__police_zone_id=police_zone_id).filter(
        Q(name_nl__iexact=name) | Q(name_fr__iexact=name) | Q(name_de__iexact=name)
    )
    postcode, _sep, place = rest.partition(" ")
    if postcode.isdigit():
        streets = streets.filter(postcode=postcode)
        rest = place.strip()
    if rest:
        streets = streets.filter(
            Q(municipality__name_nl__iexact=rest)
            | Q(municipality__name_fr__iexact=rest)
            | Q(municipality__name_de__iexact=rest)
        )
    found = list(streets.select_related("municipality")[:6])
    if not found:
        raise ValidationError(
            {"street": _("No street “%(name)s” in this police zone.") % {"name": text[:100]}}
        )
    if len(found) > 1:
        raise ValidationError(
            {
                "street": _("Several streets are called so; say which: %(streets)s.")
                % {
                    "streets": "; ".join(
                        f"{s.name_nl or s.name_fr}, {s.postcode} {s.municipality}" for s in found
                    )
                }
            }
        )
    return found[0]
