"""The BeST Address layouts' files and columns, and the checks of their values (ValueError says why)."""

import struct

from django.utils.translation import gettext as _

from core.importing import ImportReport

from .common import LAMBERT72, MAX_BOX_NUMBER, MAX_NAME, MAX_POSTCODE, MAX_SOURCE_ID, postcode_too_long
from .staging import Staging

__all__ = [
    "ADDRESS_COLUMNS",
    "ADDRESS_FIELDS",
    "FLAT_COLUMNS",
    "FLAT_OPTIONAL_COLUMNS",
    "MUNICIPALITY_COLUMNS",
    "MUNICIPALITY_FIELDS",
    "POSTAL_FIELDS",
    "REGISTER_FILES",
    "RETIRED",
    "STREET_COLUMNS",
    "STREET_FIELDS",
    "check_box",
    "check_names",
    "check_nis",
    "check_position",
    "check_postcode",
    "note_retired",
    "object_id",
    "parse_wkb_point",
]

# The register's own layout: no header, ';'-separated, these columns (from best-tools' postgis.sql).
REGISTER_FILES = {
    "addresses": ("addresses_part.csv", "addresses.csv"),
    "streets": ("streets_part.csv", "streets.csv"),
    "municipalities": ("municipalities.csv", "municipalities_part.csv"),
    "postals": ("postals.csv", "postals_part.csv"),
}
ADDRESS_FIELDS = 17  # identifier;mIdentifier;mpIdentifier;sIdentifier;pIdentifier;housenumber;boxnumber;...
STREET_FIELDS = 12  # identifier;mIdentifier;nameNL;nameFR;nameDE;homonymAddition;streetnameType;status;...
MUNICIPALITY_FIELDS = 5  # identifier;refnisCode;nameNL;nameFR;nameDE
POSTAL_FIELDS = 5  # identifier;postalCode;nameNL;nameFR;nameDE

# The flat form: one address per row with its street and municipality, a header, coordinates in Lambert 72.
FLAT_COLUMNS = (
    "address_id",
    "street_id",
    "street_nl",
    "street_fr",
    "housenumber",
    "boxnumber",
    "postcode",
    "municipality_nis",
    "municipality_nl",
    "municipality_fr",
    "x_31370",
    "y_31370",
)
FLAT_OPTIONAL_COLUMNS = ("street_de", "municipality_de", "status", "postname_nl", "postname_fr")

# The columns of the staging tables (streets.importers.staging) the two layouts fill.
ADDRESS_COLUMNS = (
    "line",
    "source_id",
    "street_source_id",
    "house_number",
    "number",
    "box_number",
    "postcode",
)
ADDRESS_COLUMNS += ("x", "y")
STREET_COLUMNS = ("line", "source_id", "nis", "name_nl", "name_fr", "name_de")
MUNICIPALITY_COLUMNS = ("nis", "name_nl", "name_fr", "name_de")
RETIRED = "retired"


def object_id(identifier: str, prefix: str) -> str:
    """'BA/110975/2' -> prefix + 'BA/110975'; raise ValueError when it is not a BeST identifier."""
    namespace, _slash, rest = identifier.strip().partition("/")
    number = rest.partition("/")[0]
    source_id = f"{prefix}{namespace}/{number}"
    if not (namespace and number and source_id.isprintable()) or " " in source_id or "\\" in source_id:
        raise ValueError(_("%(identifier)s is not a BeST identifier") % {"identifier": repr(identifier)})
    if len(source_id) > MAX_SOURCE_ID:
        raise ValueError(_("identifier %(identifier)s is too long") % {"identifier": repr(identifier)})
    return source_id


def check_names(nl: str, fr: str, de: str, *, required: bool = True) -> tuple[str, str, str]:
    names = (nl.strip(), fr.strip(), de.strip())
    if required and not any(names):
        raise ValueError(_("no name in any language"))
    if any(len(n) > MAX_NAME for n in names):
        raise ValueError(_("name longer than %(max)s characters") % {"max": MAX_NAME})
    return names


def check_nis(nis: str) -> str:
    nis = nis.strip()
    if len(nis) != 5 or not nis.isdigit():
        raise ValueError(_("unknown municipality: %(nis)s is not a NIS code") % {"nis": repr(nis)})
    return nis


def check_position(x: float, y: float, extent: tuple[float, float, float, float]) -> None:
    if x == 0 and y == 0:
        raise ValueError(_("no position (0, 0)"))
    # NaN fails both comparisons too.
    if not (extent[0] <= x <= extent[2] and extent[1] <= y <= extent[3]):
        raise ValueError(_("position (%(x)s, %(y)s) is outside the country (EPSG:31370)") % {"x": x, "y": y})


def check_box(box: str) -> str:
    box = box.strip()
    if len(box) > MAX_BOX_NUMBER:
        raise ValueError(
            _("box number %(box)s is longer than %(max)s characters")
            % {"box": repr(box), "max": MAX_BOX_NUMBER}
        )
    if not box.isprintable() or "\\" in box:
        raise ValueError(_("box number %(box)s has unexpected characters") % {"box": repr(box)})
    return box


def check_postcode(postcode: str) -> str:
    postcode = postcode.strip()
    if len(postcode) > MAX_POSTCODE:
        raise ValueError(postcode_too_long(postcode))
    if not postcode.isprintable() or "\\" in postcode:
        raise ValueError(_("postcode %(postcode)s has unexpected characters") % {"postcode": repr(postcode)})
    return postcode


def parse_wkb_point(text: str) -> tuple[float, float]:
    """x, y of a hex (E)WKB point in Lambert 72; raise ValueError when it is something else."""
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise ValueError(_("point is not hexadecimal WKB")) from None
    if len(data) < 21 or data[0] not in (0, 1):
        raise ValueError(_("point is not WKB"))
    order = ">" if data[0] == 0 else "<"
    (kind,) = struct.unpack_from(order + "I", data, 1)
    offset, srid = 5, LAMBERT72
    if kind & 0x20000000:  # EWKB: an SRID follows the type
        (srid,) = struct.unpack_from(order + "I", data, 5)
        offset = 9
    # EWKB flags Z/M/SRID in the high bits; ISO WKB says Z/M with 1001, 2001, 3001.
    if (kind & 0x0FFFFFFF) % 1000 != 1:
        raise ValueError(_("point WKB is not a point"))
    if srid != LAMBERT72:
        raise ValueError(
            _("point is in EPSG:%(srid)s, not EPSG:%(expected)s") % {"srid": srid, "expected": LAMBERT72}
        )
    if len(data) < offset + 16:
        raise ValueError(_("point WKB is truncated"))
    return struct.unpack_from(order + "dd", data, offset)


def note_retired(staging: Staging, report: ImportReport, retired: list[str]) -> None:
    """Say how many retired addresses were not imported, and how many an earlier import left stored."""
    if not retired:
        return
    stored = staging.execute("SELECT count(*) FROM streets_address WHERE source_id = ANY(%s)", [retired])[0][
        0
    ]
    report.changes.append(_("%(count)s retired addresses not imported") % {"count": len(retired)})
    if stored:
        report.changes.append(
            _("%(count)s retired addresses are still stored from an earlier import (left alone)")
            % {"count": stored}
        )
