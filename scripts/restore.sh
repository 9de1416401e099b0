#!/usr/bin/env bash
# Restore a dump of scripts/backup.sh into a named, fresh database on DATABASE_URL's server (README
# "Backups"): the database is created, the extensions the dump needs are created first (PostGIS is not a
# trusted extension), then the dump's statements (`pg_restore --no-owner --exit-on-error`, through psql: see
# below). A database that exists and holds tables
# is refused, unless --force: then it is dropped and created again.
#
#   scripts/restore.sh FILE DBNAME [--force]
#   make restore FILE=var/backups/bin_gis-20260101T020000Z.dump DB=bin_gis_restored
set -euo pipefail

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: $0 FILE DBNAME [--force]"; }

FILE="${1:-}"; TARGET="${2:-}"; FORCE="${3:-}"
[ -n "$FILE" ] && [ -n "$TARGET" ] || usage
[ -z "$FORCE" ] || [ "$FORCE" = --force ] || usage
[ -r "$FILE" ] || die "cannot read $FILE"
[[ "$TARGET" =~ ^[a-z_][a-z0-9_]*$ ]] || die "DBNAME: lower-case letters, digits and _ only (got '$TARGET')"

URL="${DATABASE_URL:-postgis://postgres@127.0.0.1:${BIN_PGPORT:-54329}/${BIN_DBNAME:-bin_gis}}"
# The same server, another database: libpq's URI with the path replaced.
server_uri() { local rest="${URL#*://}"; rest="${rest%%\?*}"; echo "postgresql://${rest%%/*}/$1"; }
[ "$TARGET" != "$(basename "${URL%%\?*}")" ] || die "$TARGET is the service's own database (DATABASE_URL)"

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -tA)
ADMIN="$(server_uri postgres)"
TARGET_URI="$(server_uri "$TARGET")"

if [ "$("${PSQL[@]}" "$ADMIN" -c "SELECT count(*) FROM pg_database WHERE datname = '$TARGET'")" = 1 ]; then
  tables=$("${PSQL[@]}" "$TARGET_URI" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'topology')
    AND c.relname <> 'spatial_ref_sys'")
  if [ "$tables" != 0 ]; then
    [ "$FORCE" = --force ] || die "database $TARGET exists and holds $tables tables: restore into a new name, or --force to drop it"
    echo "dropping database $TARGET (--force)" >&2
    "${PSQL[@]}" "$ADMIN" -c "DROP DATABASE \"$TARGET\" WITH (FORCE)"
  fi
fi
if [ "$("${PSQL[@]}" "$ADMIN" -c "SELECT count(*) FROM pg_database WHERE datname = '$TARGET'")" = 0 ]; then
  "${PSQL[@]}" "$ADMIN" -c "CREATE DATABASE \"$TARGET\""
fi

# The dump's table of contents names its extensions ("… EXTENSION - postgis …").
for ext in $(pg_restore --list "$FILE" | awk '$4 == "EXTENSION" && $5 == "-" { print $6 }'); do
  "${PSQL[@]}" "$TARGET_URI" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS \"$ext\""
done
# pg_restore runs the dump with an empty search_path (pg_dump's guard against CVE-2018-1058); the SQL function
# behind the street-name index (streets/sql/street_doc.sql) calls bin_normalise unqualified, so building
# that index failed ("function bin_normalise(text) does not exist"). The dump's statements therefore go
# through psql with search_path = public; ON_ERROR_STOP is pg_restore's --exit-on-error, and one
# transaction leaves an empty database, not half a one, when something fails.
pg_restore --no-owner --exit-on-error --file=- "$FILE" |
  sed "s/^SELECT pg_catalog.set_config('search_path', '', false);\$/SELECT pg_catalog.set_config('search_path', 'public', false);/" |
  psql -X -q -v ON_ERROR_STOP=1 --single-transaction -o /dev/null "$TARGET_URI"
echo "restored $FILE into $TARGET"
