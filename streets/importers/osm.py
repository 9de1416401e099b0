"""Importer of OpenStreetMap XML (.osm): address nodes, addressed buildings and named highways."""

import math
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from areas.models import Municipality
from areas.selectors import municipality_containing_sql
from core.importing import (
    CountingFile,
    ImportAborted,
    ImportReport,
    ImportRun,
    check_on_error,
    progress_bar,
    require_file,
    say,
)
from core.text import normalise

from .common import (
    MAX_BOX_NUMBER,
    MAX_NAME,
    MAX_POSTCODE,
    MAX_SOURCE_ID,
    SRID,
    parse_house_number,
    postcode_too_long,
)
from .staging import Staging, merge_all, run_staged

__all__ = ["import_osm"]

# What is read from an OSM file:
# - a node with addr:housenumber is an address at the node (addr:street required, addr:postcode, addr:unit
#   as the box number);
# - a way with building=* and addr:housenumber is an address at the mean of the way's nodes;
# - a way with highway=* and a name (name, name:nl, name:fr, name:de) is part of a street: the ways of one
#   name in one municipality are merged into the street's MultiLineString.
# Relations (multipolygon buildings, associatedStreet) are not read.
#
# Every address and street belongs to the municipality whose boundary contains it (an address's point, a
# highway's midpoint), found in PostGIS; or, with `municipality`, to that one. Streets are keyed
# "osm:<NIS>:<normalised name>", so that the same name in two municipalities gives two streets and a
# re-import finds them again; addresses are keyed "osm:node/<id>" and "osm:way/<id>". An address whose
# addr:street matches none of the highway names of its municipality still gets a street, without geometry.
# A name without language tag goes to the column(s) of the municipality's language, from its NIS code.
#
# The parser streams (ElementTree.iterparse, elements cleared as they are read) but keeps every node's
# coordinates for the ways: fine for a municipality or a province extract. A .pbf file must be converted
# first: `osmium cat extract.osm.pbf -o extract.osm`. Ways whose nodes are missing (an extract cut with
# osmium's "simple" strategy) are bad records; cut with `--strategy complete_ways` to keep them.

OSM_SRID = 4326
# German-speaking municipalities (NIS); the other Walloon ones speak French, Brussels both, Flanders Dutch.
GERMAN_NIS = ("63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087")
LANGUAGE_SQL = f"""
    CASE WHEN {{nis}} IN ({", ".join(f"'{n}'" for n in GERMAN_NIS)}) THEN 'de'
         WHEN left({{nis}}, 2) = '21' THEN 'nl fr'
         WHEN left({{nis}}, 1) IN ('5', '6', '8', '9') OR left({{nis}}, 2) = '25' THEN 'fr'
         ELSE 'nl' END
"""


def import_osm(
    *,
    path,
    municipality: str | None = None,
    dry_run: bool = False,
    on_error: str = "skip",
    progress: bool = False,
) -> ImportReport:
    """Import the addresses and named streets of an OpenStreetMap XML file."""
    check_on_error(on_error)
    path = require_file(path)
    if path.suffix.lower() == ".pbf":
        xml = path.name.removesuffix(".pbf").removesuffix(".osm") + ".osm"
        raise ImportAborted(
            _(
                "%(path)s: a PBF file; convert it to OSM XML first: osmium cat %(name)s -o %(xml)s; "
                "nothing was imported"
            )
            % {"path": path, "name": path.name, "xml": xml}
        )
    if municipality is not None and not Municipality.objects.filter(nis_code=municipality).exists():
        raise ImportAborted(
            _("%(path)s: no municipality with NIS code %(nis)s; nothing was imported")
            % {"path": path, "nis": municipality}
        )

    def work(staging: Staging, run: ImportRun) -> None:
        _OsmImport(staging, run, path, municipality=municipality, progress=progress).execute()

    return run_staged(source=str(path), dry_run=dry_run, on_error=on_error, work=work)


class _OsmImport:
    def __init__(self, staging: Staging, run: ImportRun, path: Path, *, municipality, progress):
        self.staging = staging
        self.run = run
        self.path = path
        self.municipality = municipality
        self.progress = progress
        suffix = uuid.uuid4().hex[:12]
        self.points = f"bin_stage_osm_point_{suffix}"
        self.lines = f"bin_stage_osm_line_{suffix}"
        self.bbox = tuple(settings.BIN_SERVICE_BBOX)
        self.seq = 0

    def position(self, osm_id: str) -> str:
        return f"{self.path.name} {osm_id}"

    def execute(self) -> None:
        self.staging.execute(
            f"""
            CREATE TEMPORARY TABLE {self.points} (
                seq integer, source_id text, lon double precision, lat double precision,
                house_number text, number integer, box_number text, postcode text,
                street_name text, street_key text, nis text, street_source_id text
            ) ON COMMIT DROP;
            CREATE TEMPORARY TABLE {self.lines} (
                seq integer, name text, name_nl text, name_fr text, name_de text, key text, aliases text[],
                geom geometry(LineString, {OSM_SRID}), nis text
            ) ON COMMIT DROP;
            """
        )
        self.parse()
        say(self.progress, _("finding municipalities and streets"))
        self.resolve()
        merge_all(
            self.staging,
            self.run,
            srid=OSM_SRID,
            position=lambda _line, source_id: self.position(source_id.removeprefix("osm:")),
        )
        self.staging.execute(f"DROP TABLE {self.points}, {self.lines}")

    # --- reading the file -------------------------------------------------------------------------------

    def parse(self) -> None:
        point_columns = ("seq", "source_id", "lon", "lat", "house_number", "number", "box_number", "postcode")
        point_columns += ("street_name", "street_key")
        nodes: dict[int, tuple[float, float]] = {}
        # Two COPY streams cannot be open at once on one connection: collect the lines, stream the points.
        lines = []
        with (
            progress_bar(path=self.path, progress=self.progress) as bar,
            open(self.path, "rb") as fh,
            self.staging.copy(self.points, point_columns) as write_point,
        ):
            root = None
            try:
                for event, elem in ET.iterparse(CountingFile(fh, bar), events=("start", "end")):
                    if root is None:
                        root = elem
                        if elem.tag != "osm":
                            raise ImportAborted(
                                _("%(path)s: not OpenStreetMap XML (root element <%(tag)s>)")
                                % {"path": self.path, "tag": elem.tag},
                                self.run.report,
                            )
                        continue
                    if event != "end" or elem.tag not in ("node", "way", "relation"):
                        continue
                    if elem.tag == "node":
                        self.read_node(elem, nodes, write_point)
                    elif elem.tag == "way":
                        self.read_way(elem, nodes, write_point, lines)
                    root.clear()  # the element and its tags are done with
            except ET.ParseError as exc:
                raise ImportAborted(
                    _("%(path)s: not readable as XML (%(error)s); nothing was imported")
                    % {"path": self.path, "error": exc},
                    self.run.report,
                ) from None
        line_columns = ("seq", "name", "name_nl", "name_fr", "name_de", "key", "aliases", "geom")
        with self.staging.copy(self.lines, line_columns) as write_line:
            for row in lines:
                write_line(row)

    def read_node(self, elem, nodes, write_point) -> None:
        try:
            node_id = int(elem.get("id"))
            lon, lat = float(elem.get("lon")), float(elem.get("lat"))
        except (TypeError, ValueError):
            if any(t.get("k") == "addr:housenumber" for t in elem.iterfind("tag")):
                self.run.problem(self.position(f"node/{elem.get('id')}"), _("node without id or coordinates"))
            return
        nodes[node_id] = (lon, lat)
        tags = {t.get("k"): t.get("v") or "" for t in elem.iterfind("tag")}
        if "addr:housenumber" in tags:
            self.stage_address(f"node/{node_id}", tags, lon, lat, write_point)

    def read_way(self, elem, nodes, write_point, lines) -> None:
        way = f"way/{elem.get('id')}"
        tags = {t.get("k"): t.get("v") or "" for t in elem.iterfind("tag")}
        is_address = "building" in tags and "addr:housenumber" in tags
        names = [tags.get(k, "").strip() for k in ("name", "name:nl", "name:fr", "name:de")]
        is_street = "highway" in tags and any(names)
        if not (is_address or is_street):
            return
        refs = [nd.get("ref") for nd in elem.iterfind("nd")]
        try:
            coords = [nodes[int(ref)] for ref in refs]
        except (KeyError, TypeError, ValueError):
            missing = next((r for r in refs if not r or not r.isdigit() or int(r) not in nodes), "?")
            self.run.problem(
                self.position(way), _("node %(node)s is not in the file (a cut extract?)") % {"node": missing}
            )
            return
        distinct = list(dict.fromkeys(coords))
        if not distinct:
            self.run.problem(self.position(way), _("way without nodes"))
            return
        if is_address:
            lon = math.fsum(c[0] for c in distinct) / len(distinct)
            lat = math.fsum(c[1] for c in distinct) / len(distinct)
            self.stage_address(way, tags, lon, lat, write_point)
        if is_street:
            self.stage_line(way, names, coords, len(distinct), lines)

    # --- checks -----------------------------------------------------------------------------------------

    def stage_address(self, osm_id: str, tags: dict, lon: float, lat: float, write_point) -> None:
        position = self.position(osm_id)
        west, south, east, north = self.bbox
        raw_number = tags["addr:housenumber"]
        street = " ".join(tags.get("addr:street", "").split())
        postcode = tags.get("addr:postcode", "").strip()
        box = tags.get("addr:unit", "").strip()
        try:
            if ";" in raw_number:
                raise ValueError(
                    _("several house numbers in one tag: %(value)s") % {"value": repr(raw_number)}
                )
            house_number, number = parse_house_number(raw_number)
            if not street:
                raise ValueError(_("no addr:street"))
            if len(street) > MAX_NAME:
                raise ValueError(_("addr:street is longer than %(max)s characters") % {"max": MAX_NAME})
            if len(postcode) > MAX_POSTCODE:
                raise ValueError(postcode_too_long(postcode))
            if len(box) > MAX_BOX_NUMBER:
                raise ValueError(
                    _("addr:unit %(unit)s is longer than %(max)s characters")
                    % {"unit": repr(box), "max": MAX_BOX_NUMBER}
                )
            if not (west <= lon <= east and south <= lat <= north):
                raise ValueError(
                    _("position (%(lon)s, %(lat)s) is outside the service area") % {"lon": lon, "lat": lat}
                )
        except ValueError as exc:
            self.run.problem(position, str(exc))
            return
        self.seq += 1
        key = normalise(street)[: MAX_SOURCE_ID - 11]
        write_point((self.seq, f"osm:{osm_id}", lon, lat, house_number, number, box, postcode, street, key))

    def stage_line(self, way: str, names: list[str], coords, distinct: int, lines: list) -> None:
        if distinct < 2:
            self.run.problem(self.position(way), _("highway with fewer than two distinct nodes"))
            return
        if any(len(n) > MAX_NAME for n in names):
            self.run.problem(self.position(way), _("name longer than %(max)s characters") % {"max": MAX_NAME})
            return
        west, south, east, north = self.bbox
        if not all(west <= lon <= east and south <= lat <= north for lon, lat in coords):
            self.run.problem(self.position(way), _("highway outside the service area"))
            return
        main = next(n for n in names if n)
        aliases = sorted({normalise(n)[: MAX_SOURCE_ID - 11] for n in names if n})
        self.seq += 1
        wkt = "SRID=4326;LINESTRING(" + ",".join(f"{lon!r} {lat!r}" for lon, lat in coords) + ")"
        lines.append((self.seq, *names, normalise(main)[: MAX_SOURCE_ID - 11], aliases, wkt))

    # --- municipalities and streets, in SQL -------------------------------------------------------------

    def resolve(self) -> None:
        self.staging.execute(f"ANALYZE {self.points}, {self.lines}")
        self.locate()
        self.stage_streets()
        self.stage_addresses()

    def locate(self) -> None:
        """Give each point and line its municipality's NIS code; those in none are bad records or left out."""
        points, lines, stage = self.points, self.lines, self.staging
        if self.municipality is not None:
            stage.execute(f"UPDATE {points} SET nis = %s", [self.municipality])
            stage.execute(f"UPDATE {lines} SET nis = %s", [self.municipality])
        else:
            point = f"ST_Transform(ST_SetSRID(ST_MakePoint(p.lon, p.lat), {OSM_SRID}), {SRID})"
            stage.execute(f"UPDATE {points} p SET nis = {municipality_containing_sql(point=point)}")
            midpoint = f"ST_LineInterpolatePoint(ST_Transform(l.geom, {SRID}), 0.5)"
            stage.execute(f"UPDATE {lines} l SET nis = {municipality_containing_sql(point=midpoint)}")
        for source_id, lon, lat in stage.execute(
            f"SELECT source_id, lon, lat FROM {points} WHERE nis IS NULL ORDER BY seq"
        ):
            self.run.problem(
                self.position(source_id.removeprefix("osm:")),
                _("unknown municipality: no municipality boundary contains (%(lon)s, %(lat)s)")
                % {"lon": lon, "lat": lat},
            )
        stage.execute(f"DELETE FROM {points} WHERE nis IS NULL")
        (outside,) = stage.execute(
            f"WITH d AS (DELETE FROM {lines} WHERE nis IS NULL RETURNING 1) SELECT count(*) FROM d"
        )[0]
        if outside:
            self.run.report.changes.append(
                _("%(count)s highways outside every municipality boundary were not imported")
                % {"count": outside}
            )

    def stage_streets(self) -> None:
        """The streets: the highways of one name in one municipality merged, then addr:streets without one."""
        points, lines, stage = self.points, self.lines, self.staging
        language = LANGUAGE_SQL.format(nis="nis")

        def named(column: str, lang: str, source: str) -> str:
            # The language tag if there is one, else the plain name when the municipality speaks `lang`.
            speaks = f"position('{lang}' in {language}) > 0"
            return f"coalesce(nullif({column}, ''), CASE WHEN {speaks} THEN {source} END, '')"

        first = "(array_agg({c} ORDER BY seq) FILTER (WHERE {c} <> ''))[1]"
        stage.execute(
            f"""
            INSERT INTO {stage.street} (line, source_id, nis, name_nl, name_fr, name_de, geometry)
            SELECT seq, source_id, nis, {named("nl", "nl", "name")}, {named("fr", "fr", "name")},
                   {named("de", "de", "name")},
                   CASE WHEN GeometryType(merged) IN ('LINESTRING', 'MULTILINESTRING')
                        THEN ST_Multi(merged) END
            FROM (
                SELECT min(seq) AS seq, 'osm:' || nis || ':' || key AS source_id, nis,
                       {first.format(c="name")} AS name, {first.format(c="name_nl")} AS nl,
                       {first.format(c="name_fr")} AS fr, {first.format(c="name_de")} AS de,
                       ST_LineMerge(ST_Collect(ST_Transform(geom, {SRID}) ORDER BY seq)) AS merged
                FROM {lines} GROUP BY nis, key
            ) grouped
            """
        )
        # An address's street: the highway of its municipality with that name in any language, else its own.
        stage.execute(
            f"""
            WITH alias AS (
                SELECT DISTINCT ON (nis, alias) nis, alias, 'osm:' || nis || ':' || key AS street
                FROM {lines}, unnest(aliases) AS alias
                ORDER BY nis, alias, alias = key DESC, key
            )
            UPDATE {points} p SET street_source_id = coalesce(
                (SELECT a.street FROM alias a WHERE a.nis = p.nis AND a.alias = p.street_key),
                'osm:' || p.nis || ':' || p.street_key
            )
            """
        )
        stage.execute(
            f"""
            INSERT INTO {stage.street} (line, source_id, nis, name_nl, name_fr, name_de)
            SELECT DISTINCT ON (street_source_id) seq, street_source_id, nis,
                   {named("''", "nl", "street_name")}, {named("''", "fr", "street_name")},
                   {named("''", "de", "street_name")}
            FROM {points} p
            WHERE NOT EXISTS (SELECT 1 FROM {stage.street} s WHERE s.source_id = p.street_source_id)
            ORDER BY street_source_id, seq
            """
        )

    def stage_addresses(self) -> None:
        stage = self.staging
        stage.execute(
            f"""
            INSERT INTO {stage.address}
                (line, source_id, street_source_id, house_number, number, box_number, postcode, x, y)
            SELECT seq, source_id, street_source_id, house_number, number, box_number, postcode, lon, lat
            FROM {self.points}
            """
        )
