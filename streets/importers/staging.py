"""The staging tables of the street and address importers, and the set-based merges into the real tables."""

import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import connection
from django.utils.translation import gettext as _

from areas.selectors import municipality_nis_join_sql
from areas.services import municipalities_create_missing
from core.importing import ImportReport, ImportRun, run_import

from .common import SRID

__all__ = ["Staging", "merge_all", "run_staged"]


def run_staged(
    *, source: str, dry_run: bool, on_error: str, work: Callable[["Staging", ImportRun], None]
) -> ImportReport:
    """Run `work` as one import (core.importing.run_import) with fresh staging tables."""

    def staged(run: ImportRun) -> None:
        with Staging.create() as staging:
            work(staging, run)

    return run_import(source=source, dry_run=dry_run, on_error=on_error, work=staged)


# A street's postcode is the one most of its addresses in this import have (ties: the lowest).
_STREET_POSTCODES = """
    SELECT DISTINCT ON (street_source_id) street_source_id, postcode
    FROM (
        SELECT street_source_id, postcode, count(*) AS n FROM {address}
        WHERE postcode <> '' GROUP BY street_source_id, postcode
    ) counted
    ORDER BY street_source_id, n DESC, postcode
"""


class Staging:
    # Every importer parses and checks its file row by row in Python while streaming the rows with COPY into
    # three staging tables (municipalities, streets, addresses), then merges them into the real tables with
    # a few set-based statements: INSERT ... SELECT ... ON CONFLICT (source_id) DO UPDATE ... WHERE
    # <something changed> for streets (`xmax = 0` on a returned row means inserted, not updated); for the
    # addresses, the millions, an UPDATE of the rows that changed and an INSERT of the new ones.
    # That is what makes a country take minutes instead of hours, and it is what makes a re-import of the
    # same file an update: rows are matched on source_id, and a row whose values did not change is not
    # written at all (no dead tuple, no index churn), so it counts as unchanged.
    #
    # The staging tables are temporary (private to the session, nothing global is created), created inside
    # the import's transaction and dropped at its end; their names are unique so that an import nested in
    # another's transaction (load_demo, the tests) never meets a leftover.
    """Temporary staging tables of one import, and the set-based merges from them into the real tables."""

    def __init__(self, cursor):
        self.cursor = cursor
        suffix = uuid.uuid4().hex[:12]
        self.municipality = f"bin_stage_municipality_{suffix}"
        self.street = f"bin_stage_street_{suffix}"
        self.address = f"bin_stage_address_{suffix}"
        self.raw = cursor.connection  # the psycopg 3 connection under Django's cursor, for COPY

    @classmethod
    @contextmanager
    def create(cls):
        with connection.cursor() as cursor:
            staging = cls(cursor)
            staging._create_tables()
            yield staging
            # On an exception the transaction's rollback removes the tables.
            staging._drop_tables()

    def _create_tables(self) -> None:
        # Sorting and grouping a country's addresses in memory rather than on disk; not waiting for the WAL
        # flush at commit is safe here (a crash loses the import, not consistency).
        self.execute("SET LOCAL synchronous_commit = off")
        self.execute("SET LOCAL work_mem = '256MB'")
        self.execute(
            f"""
            CREATE TEMPORARY TABLE {self.municipality} (
                nis text PRIMARY KEY, name_nl text, name_fr text, name_de text
            ) ON COMMIT DROP;
            CREATE TEMPORARY TABLE {self.street} (
                line integer, source_id text, nis text, name_nl text, name_fr text, name_de text,
                geometry geometry(MultiLineString, {SRID})
            ) ON COMMIT DROP;
            CREATE TEMPORARY TABLE {self.address} (
                line integer, source_id text, street_source_id text, house_number text, number integer,
                box_number text, postcode text, x double precision, y double precision
            ) ON COMMIT DROP;
            """
        )

    def _drop_tables(self) -> None:
        # ON COMMIT DROP only fires at the outer commit; inside a caller's transaction (tests, load_demo)
        # the tables must go now so that the next import in the same transaction starts clean.
        self.execute(f"DROP TABLE IF EXISTS {self.municipality}, {self.street}, {self.address}")

    def execute(self, sql: str, params: Iterable | None = None) -> list[tuple]:
        self.cursor.execute(sql, params)
        return self.cursor.fetchall() if self.cursor.description else []

    @contextmanager
    def copy(self, table: str, columns: Iterable[str]):
        """COPY rows into a staging table: `with staging.copy(...) as write: write(row)`."""
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.wrap_database_errors, self.raw.cursor() as cursor, cursor.copy(sql) as copy:
            yield copy.write_row

    @contextmanager
    def copy_text(self, table: str, columns: Iterable[str]):
        """COPY lines of text (tab-separated, escaped by the caller) into a staging table, in batches."""
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        buffer: list[str] = []
        with connection.wrap_database_errors, self.raw.cursor() as cursor, cursor.copy(sql) as copy:

            def write(text: str) -> None:
                buffer.append(text)
                if len(buffer) >= 2000:
                    copy.write("".join(buffer))
                    buffer.clear()

            yield write
            copy.write("".join(buffer))

    def analyze(self) -> None:
        # Temporary tables are never analysed by autovacuum; without statistics the joins below go wrong.
        self.execute(f"ANALYZE {self.municipality}, {self.street}, {self.address}")

    # --- checks on the staged rows ----------------------------------------------------------------------

    def duplicate_addresses(self) -> list[tuple[str, list[int]]]:
        """Source ids that occur more than once, with their lines; all but the first line are removed."""
        # Grouping a million ids is quick in memory; the lines are looked up only when there are duplicates.
        rows = self.execute(
            f"""
            WITH duplicate AS (SELECT source_id FROM {self.address} GROUP BY source_id HAVING count(*) > 1)
            SELECT source_id, array_agg(line ORDER BY line)
            FROM {self.address} JOIN duplicate USING (source_id)
            GROUP BY source_id ORDER BY min(line)
            """
        )
        if rows:
            self.delete_address_lines([line for _, lines in rows for line in lines[1:]])
        return rows

    def unknown_streets(self) -> list[tuple[int, str, str]]:
        """Staged addresses whose street is not stored (run after merge_streets); removed from the stage."""
        rows = self.execute(
            f"""
            SELECT a.line, a.source_id, a.street_source_id FROM {self.address} a
            WHERE NOT EXISTS (SELECT 1 FROM streets_street s WHERE s.source_id = a.street_source_id)
            ORDER BY a.line
            """
        )
        if rows:
            self.delete_address_lines([line for line, *_ in rows])
        return rows

    def delete_address_lines(self, lines: list[int]) -> None:
        self.execute(f"DELETE FROM {self.address} WHERE line = ANY(%s)", [lines])

    # --- merges into the real tables --------------------------------------------------------------------

    def merge_municipalities(self) -> tuple[int, int]:
        """Create the staged municipalities that streets need and that do not exist; (created, existing)."""
        return municipalities_create_missing(
            nis_sql=f"SELECT DISTINCT nis FROM {self.street}", names_table=self.municipality
        )

    def merge_streets(self) -> tuple[int, int, int]:
        """Insert or update the staged streets; (created, updated, unchanged)."""
        # An import without addresses for a street, or without geometry, keeps what is stored.
        created, updated, staged = self.execute(
            f"""
            WITH postcodes AS ({_STREET_POSTCODES.format(address=self.address)}),
            ins AS (
                INSERT INTO streets_street AS t
                    (municipality_id, name_nl, name_fr, name_de, postcode, geometry, source_id)
                SELECT m.id, s.name_nl, s.name_fr, s.name_de, coalesce(p.postcode, ''), s.geometry,
                       s.source_id
                FROM {self.street} s
                {municipality_nis_join_sql(nis="s.nis")}
                LEFT JOIN postcodes p ON p.street_source_id = s.source_id
                ORDER BY s.source_id
                ON CONFLICT (source_id) DO UPDATE SET
                    municipality_id = excluded.municipality_id,
                    name_nl = excluded.name_nl,
                    name_fr = excluded.name_fr,
                    name_de = excluded.name_de,
                    postcode = coalesce(nullif(excluded.postcode, ''), t.postcode),
                    geometry = coalesce(excluded.geometry, t.geometry)
                WHERE (t.municipality_id, t.name_nl, t.name_fr, t.name_de) IS DISTINCT FROM
                        (excluded.municipality_id, excluded.name_nl, excluded.name_fr, excluded.name_de)
                    OR (excluded.postcode <> '' AND excluded.postcode <> t.postcode)
                    OR (excluded.geometry IS NOT NULL AND t.geometry IS DISTINCT FROM excluded.geometry)
                RETURNING t.xmax = 0 AS created
            )
            SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created),
                   (SELECT count(*) FROM {self.street})
            FROM ins
            """
        )[0]
        return created, updated, staged - created - updated

    def merge_addresses(self, *, srid: int) -> tuple[int, int, int]:
        """Update the stored addresses that changed, insert the new ones; (created, updated, unchanged)."""
        # Two statements rather than INSERT ... ON CONFLICT: a country is mostly inserts the first time, and
        # the speculative insertion behind ON CONFLICT costs a third more CPU per row than a plain INSERT
        # after an anti-join (measured on a million rows with the table's six indexes). A concurrent import
        # of the same ids then fails on the unique index instead of waiting: the import is aborted, whole.
        point = "ST_SetSRID(ST_MakePoint(a.x, a.y), %s)"
        if srid != SRID:
            point = f"ST_Transform({point}, {SRID})"
        staged = f"""
            SELECT s.id AS street_id, a.house_number, a.number, a.box_number, a.postcode, {point} AS point,
                   a.source_id
            FROM {self.address} a JOIN streets_street s ON s.source_id = a.street_source_id
        """
        self.cursor.execute(
            f"""
            UPDATE streets_address t SET
                street_id = n.street_id, house_number = n.house_number, number = n.number,
                box_number = n.box_number, postcode = n.postcode, point = n.point
            FROM ({staged}) n
            WHERE t.source_id = n.source_id
              AND (t.street_id, t.house_number, t.number, t.box_number, t.postcode, t.point)
                  IS DISTINCT FROM (n.street_id, n.house_number, n.number, n.box_number, n.postcode, n.point)
            """,
            [srid],
        )
        updated = self.cursor.rowcount
        self.cursor.execute(
            f"""
            INSERT INTO streets_address
                (street_id, house_number, number, box_number, postcode, point, source_id)
            SELECT n.* FROM ({staged}) n
            WHERE NOT EXISTS (SELECT 1 FROM streets_address e WHERE e.source_id = n.source_id)
            """,
            [srid],
        )
        created = self.cursor.rowcount
        (total,) = self.execute(f"SELECT count(*) FROM {self.address}")[0]
        return created, updated, total - created - updated


def merge_all(staging: Staging, run: ImportRun, *, srid: int, position: Callable[[int, str], str]) -> None:
    """The shared end of every importer: drop duplicates and orphans, merge, and count into the report."""
    staging.analyze()
    for source_id, lines in staging.duplicate_addresses():
        for line in lines[1:]:
            run.problem(
                position(line, source_id),
                _("duplicate address id %(id)s (first at %(first)s); the first one is kept")
                % {"id": source_id, "first": position(lines[0], source_id)},
            )
    m = dict(zip(("created", "existing"), staging.merge_municipalities(), strict=True))
    s = dict(zip(("created", "updated", "unchanged"), staging.merge_streets(), strict=True))
    for line, source_id, street in staging.unknown_streets():
        run.problem(position(line, source_id), _("unknown street id %(id)s") % {"id": street})
    a = dict(zip(("created", "updated", "unchanged"), staging.merge_addresses(srid=srid), strict=True))
    report = run.report
    report.created += m["created"] + s["created"] + a["created"]
    report.updated += s["updated"] + a["updated"]
    report.unchanged += m["existing"] + s["unchanged"] + a["unchanged"]
    # Whole sentences for dry runs and for imports alike: a translation may need other words around the verb.
    if report.dry_run:
        report.changes += [
            _("municipalities: %(created)s would be created, %(existing)s already present") % m,
            _("streets: %(created)s would be created, %(updated)s would be updated, %(unchanged)s unchanged")
            % s,
            _(
                "addresses: %(created)s would be created, %(updated)s would be updated, %(unchanged)s "
                "unchanged"
            )
            % a,
        ]
    else:
        report.changes += [
            _("municipalities: %(created)s were created, %(existing)s already present") % m,
            _("streets: %(created)s were created, %(updated)s were updated, %(unchanged)s unchanged") % s,
            _("addresses: %(created)s were created, %(updated)s were updated, %(unchanged)s unchanged") % a,
        ]
