"""Reads on streets and addresses: street search, the address lookup, and which networks cover a street."""

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import LineString, Point
from django.db.models import Q
from django.utils.translation import gettext as _

from areas.models import Network
from areas.selectors import (
    CoveringNetwork,
    municipality_ids_matching,
    networks_covering_points,
    networks_near_points,
)
from core.country import profile
from core.replica import read_connection
from core.text import normalise

from .address_text import ParsedAddress
from .address_text_nl import parse_address_here
from .models import Address, Street
from .postal import postcodes_named
from .search import streets_search

__all__ = [
    "AddressMatch",
    "LookupResult",
    "address_lookup",
    "streets_search",
]


# --- the address lookup -------------------------------------------------------------------------------

EXACT = "exact"
INTERPOLATED = "interpolated"
NEAREST = "nearest_same_side"
STREET = "street"
POSTCODE = "postcode"


@dataclass
class AddressMatch:
    """One candidate answer: where the text points to, how sure we are and how it was matched."""

    street: Street | None
    point: Point
    match: str
    score: float
    address: Address | None = None
    house_number: str = ""
    box: str = ""
    postcode: str = ""
    networks: list[CoveringNetwork] = field(default_factory=list)
    # When no residential BIN covers the point: the nearest ones (networks_near_points), with .distance.
    nearest: list[Network] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        """Whether a residential BIN covers the point (a BIN-Z alone does not)."""
        return any(c.network.kind in Network.EXCLUSIVE_KINDS for c in self.networks)

    @property
    def label(self) -> str:
        if self.street is None:
            return self.postcode
        house = profile().house_label(self.house_number, self.box)  # "14 bus 2", "12a-II"
        number = f" {house}" if house else ""
        postcode = self.postcode or self.street.postcode
        return f"{self.street}{number}, {postcode} {self.street.municipality.name}".strip()


@dataclass
class LookupResult:
    parsed: ParsedAddress
    matches: list[AddressMatch]
    warnings: list[str]
    suggestions: list[Street] = field(default_factory=list)


ADDRESSES_SQL = """
SELECT id, street_id, house_number, number, box_number, postcode, ST_X(point), ST_Y(point)
FROM streets_address WHERE street_id = ANY(%(streets)s)
"""


_ADDRESS_COLUMNS = ["id", "street_id", "house_number", "number", "box_number", "postcode", "point"]


@dataclass(slots=True)
class _Candidate:
    """An address of a candidate street, as read for matching: a model instance only for the answer."""

    id: int
    street_id: int
    house_number: str
    number: int | None
    box_number: str
    postcode: str
    x: float
    y: float

    @property
    def point(self) -> Point:
        return Point(self.x, self.y, srid=settings.BIN_STORAGE_SRID)

    def instance(self) -> Address:
        values = [self.id, self.street_id, self.house_number, self.number, self.box_number, self.postcode]
        return Address.from_db("default", _ADDRESS_COLUMNS, [*values, self.point])


def _candidates(streets: list[Street]) -> dict[int, list[_Candidate]]:
    by_street = defaultdict(list)
    with read_connection(Address).cursor() as cur:
        cur.execute(ADDRESSES_SQL, {"streets": [s.pk for s in streets]})
        for row in cur.fetchall():
            candidate = _Candidate(*row)
            by_street[candidate.street_id].append(candidate)
    return by_street


def _same_house(address: _Candidate, parsed: ParsedAddress) -> bool:
    return normalise(address.house_number) == normalise(parsed.house_number)


def _match_on_street(street: Street, addresses: list[_Candidate], parsed: ParsedAddress, score: float):
    """Exact number (and box), else interpolate between neighbours on the same side, else the nearest one."""
    if not addresses:
        return None
    numbered = [a for a in addresses if a.number is not None]
    if parsed.number is None:
        # The street alone: the middle of its address points.
        middle = sorted(numbered or addresses, key=lambda a: (a.number or 0, a.house_number))
        a = middle[len(middle) // 2]
        return AddressMatch(street, a.point, STREET, round(score * 0.8, 3), postcode=a.postcode)
    same_number = [a for a in numbered if a.number == parsed.number]
    exact = [a for a in same_number if _same_house(a, parsed)]
    if exact:
        boxed = [a for a in exact if a.box_number.lower() == parsed.box.lower()] if parsed.box else []
        a = boxed[0] if boxed else sorted(exact, key=lambda a: a.box_number)[0]
        return AddressMatch(
            street,
            a.point,
            EXACT,
            round(score, 3),
            a.instance(),
            a.house_number,
            a.box_number if boxed else "",
            a.postcode,
        )
    if same_number:
        # "12 bis" asked, only "12" exists: the same building, the same answer.
        a = sorted(same_number, key=lambda a: (a.box_number, a.house_number))[0]
        return AddressMatch(
            street, a.point, NEAREST, round(score * 0.95, 3), a.instance(), a.house_number, "", a.postcode
        )
    side = sorted((a for a in numbered if a.number % 2 == parsed.number % 2), key=lambda a: a.number)
    if not side:
        return _match_on_street(street, addresses, dataclasses.replace(parsed, number=None), score)
    below = [a for a in side if a.number < parsed.number]
    above = [a for a in side if a.number > parsed.number]
    if below and above:
        lo, hi = below[-1], above[0]
        t = (parsed.number - lo.number) / (hi.number - lo.number)
        point = LineString(lo.point, hi.point, srid=lo.point.srid).interpolate_normalized(t)
        point.srid = lo.point.srid
        return AddressMatch(
            street, point, INTERPOLATED, round(score * 0.9, 3), None, parsed.house_number, "", lo.postcode
        )
    a = below[-1] if below else above[0]
    return AddressMatch(
        street, a.point, NEAREST, round(score * 0.85, 3), a.instance(), a.house_number, "", a.postcode
    )


def address_lookup(*, text: str, user=None, max_candidates: int = 5, cached: bool = False) -> LookupResult:
    """Find the address a resident typed and the networks covering it (or the nearest), in a handful of
    queries: municipality, street search (one or two), the candidates' addresses, covering, nearest.
    `cached`: a read-only public answer may take its networks from the in-process point index."""
    parsed = parse_address_here(text)  # Belgian or Dutch conventions, after BIN_COUNTRY
    warnings: list[str] = []
    municipality_ids: list[int] | None = None
    # A place that is no municipality may be the village a postcode serves (Lembeek: 1502, in Halle).
    place_postcodes: list[str] = []
    if parsed.municipality:
        municipality_ids = municipality_ids_matching(text=parsed.municipality) or None
        if not municipality_ids:
            place_postcodes = postcodes_named(name=parsed.municipality)
        if not municipality_ids and not place_postcodes and not parsed.postcode:
            warnings.append(
                _("“%(place)s” is not a municipality or place we know; searching everywhere.")
                % {"place": parsed.municipality}
            )
    if not parsed.street:
        return _postcode_only(parsed, municipality_ids, warnings, user, place_postcodes=place_postcodes)
    if not (parsed.house_number or parsed.postcode or parsed.municipality):
        # A place name alone ("Halle", "Lembeek") asks for the place, not for a street like it.
        ids = municipality_ids_matching(text=parsed.street)
        postcodes = [] if ids else postcodes_named(name=parsed.street)
        if ids or postcodes:
            place = dataclasses.replace(parsed, street="", municipality=parsed.street)
            return _postcode_only(place, ids or None, warnings, user, place_postcodes=postcodes)

    postcode = parsed.postcode
    streets = []
    if not (postcode and place_postcodes and postcode not in place_postcodes):
        streets = streets_search(
            q=parsed.street,
            municipality_ids=municipality_ids,
            postcodes=[postcode] if postcode else place_postcodes,
            limit=10,
        )
    if not streets and postcode and (municipality_ids or place_postcodes):
        # A postcode that does not belong to the place: say so and trust the place.
        streets = streets_search(
            q=parsed.street, municipality_ids=municipality_ids, postcodes=place_postcodes, limit=10
        )
        if streets:
            warnings.append(
                _("The postcode %(postcode)s does not belong to %(place)s; answered for %(place)s.")
                % {"postcode": postcode, "place": parsed.municipality}
            )
    elif not streets and postcode:
        streets = streets_search(q=parsed.street, limit=10)
        if streets:
            warnings.append(
                _("No %(street)s has the postcode %(postcode)s; showing the best matches elsewhere.")
                % {"street": parsed.street, "postcode": postcode}
            )
    if not streets:
        return LookupResult(parsed, [], warnings, suggestions=streets_search(q=parsed.street[:4], limit=5))

    best = max(s.score for s in streets)
    # Near-ties are ambiguous: offer them all (e.g. "Kerkstraat 5" exists in many municipalities).
    candidates = [s for s in streets if s.score >= best - 0.05][:max_candidates]
    by_street = _candidates(candidates)
    matches = [m for s in candidates if (m := _match_on_street(s, by_street[s.pk], parsed, s.score))]
    for m, covering in zip(
        matches,
        networks_covering_points(points=[m.point for m in matches], user=user, cached=cached),
        strict=True,
    ):
        m.networks = covering
    uncovered = [m for m in matches if not m.covered]
    for m, near in zip(
        uncovered,
        networks_near_points(points=[m.point for m in uncovered], user=user, cached=cached),
        strict=True,
    ):
        m.nearest = near
    matches.sort(key=lambda m: -m.score)
    return LookupResult(parsed, matches, warnings)


def _postcode_only(
    parsed: ParsedAddress, municipality_ids, warnings, user, *, place_postcodes
) -> LookupResult:
    """A postcode (or a municipality, or a village) alone: the networks of that area, without an address."""
    filters = Q()
    postcodes = [parsed.postcode] if parsed.postcode else place_postcodes
    if postcodes:
        filters &= Q(postcode__in=postcodes)
    if municipality_ids:
        filters &= Q(street__municipality_id__in=municipality_ids)
    if not filters:
        return LookupResult(parsed, [], warnings)
    sample = Address.objects.filter(filters).only("point", "postcode").order_by("pk").first()
    if sample is None:
        return LookupResult(parsed, [], warnings)
    networks = (
        Network.objects.visible(user)
        .filter(
            municipality_id__in=municipality_ids
            or Street.objects.filter(postcode__in=postcodes).values("municipality_id").distinct()
        )
        .select_related("municipality", "police_zone")
    )
    match = AddressMatch(None, sample.point, POSTCODE, 0.3, postcode=parsed.postcode or sample.postcode)
    match.networks = [CoveringNetwork(n, on_border=False) for n in networks]
    warnings.append(_("Only a postcode or municipality was given: these are all its networks. Add a street."))
    return LookupResult(parsed, [match], warnings)
