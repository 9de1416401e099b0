#!/usr/bin/env bash
# A backup of the service's database: `pg_dump -Fc` to var/backups/bin_gis-<UTC timestamp>.dump (README
# "Backups"). The dump holds members' personal data: the folder is 0700, each file 0600, and only the last
# BIN_BACKUP_KEEP dumps stay (a kept dump is kept personal data). Restore with scripts/restore.sh.
#
#   scripts/backup.sh              DATABASE_URL's database (default: the private cluster's bin_gis)
#   BIN_BACKUP_DIR=/srv/backups BIN_BACKUP_KEEP=30 scripts/backup.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
URL="${DATABASE_URL:-postgis://postgres@127.0.0.1:${BIN_PGPORT:-54329}/${BIN_DBNAME:-bin_gis}}"
DIR="${BIN_BACKUP_DIR:-$ROOT/var/backups}"
KEEP="${BIN_BACKUP_KEEP:-14}"

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
[[ "$KEEP" =~ ^[1-9][0-9]*$ ]] || die "BIN_BACKUP_KEEP must be a whole number of dumps, 1 or more (got '$KEEP')"

# Django's postgis:// is libpq's postgresql://.
URI="postgresql://${URL#*://}"

umask 077
mkdir -p "$DIR"
chmod 700 "$DIR"
FILE="$DIR/bin_gis-$(date -u +%Y%m%dT%H%M%SZ).dump"
[ -e "$FILE" ] && die "$FILE exists already (two backups in one second?)"

# Written under another name first: an interrupted dump never counts as a backup, nor pushes one out.
pg_dump --format=custom --file="$FILE.partial" "$URI" || { rm -f "$FILE.partial"; die "pg_dump failed"; }
chmod 600 "$FILE.partial"
mv "$FILE.partial" "$FILE"
echo "$FILE"

# Retention: the newest KEEP dumps stay (the names sort by time).
find "$DIR" -maxdepth 1 -name 'bin_gis-*.dump' -printf '%f\n' | sort -r | tail -n +"$((KEEP + 1))" |
  while read -r old; do
    rm -f -- "$DIR/$old"
    echo "removed $DIR/$old (BIN_BACKUP_KEEP=$KEEP)" >&2
  done
