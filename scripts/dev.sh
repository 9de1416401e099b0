#!/usr/bin/env bash
# One entry point for a newcomer's machine: install what is missing, start the private PostGIS cluster,
# migrate, load the demo data, run the service or the tests.  Called by the Makefile; see README.md.
#
#   scripts/dev.sh run     install + database + demo data, then serve http://127.0.0.1:8000
#   scripts/dev.sh test    install + database, then lint, checks and the whole test suite
#   scripts/dev.sh fuzz    the long schemathesis run over the whole API (README: "Fuzzing the API")
#   scripts/dev.sh prod    production settings: gunicorn, Celery workers and beat in the background (.run/)
#   scripts/dev.sh stop-prod  stop what `prod` started
#   scripts/dev.sh stop    stop what `prod` started and the private PostGIS cluster
#   scripts/dev.sh setup   install + database + migrations, nothing else
#   scripts/dev.sh env     print the DATABASE_URL the other commands use
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
PGROOT="$ROOT/.pgdata"
PGDATA_DIR="$PGROOT/data"
PGPORT="${BIN_PGPORT:-54329}"
# A Dutch deployment (BIN_COUNTRY=NL) stores geometry in RD New, not Lambert 72: it needs its own database.
if [ "$(printf %s "${BIN_COUNTRY:-BE}" | tr a-z A-Z)" = NL ]; then
  DBNAME="${BIN_DBNAME:-bin_gis_nl}"
else
  DBNAME="${BIN_DBNAME:-bin_gis}"
fi
HOST="${BIN_HOST:-127.0.0.1}"
PORT="${BIN_PORT:-8000}"
PYTHON="${PYTHON:-python3}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && echo "$d"
}

# --- system packages -------------------------------------------------------------------------------
missing_packages() {
  local pkgs=() bindir major
  bindir=$(pg_bindir || true)
  if [ -z "$bindir" ]; then
    pkgs+=(postgresql postgresql-contrib)
    major=$(apt-cache show postgresql 2>/dev/null | sed -n 's/^Depends: postgresql-\([0-9]*\).*/\1/p' | head -n 1)
    major=${major:-15}
  else
    major=$(basename "$(dirname "$bindir")")
  fi
  pkgs+=("postgresql-$major-postgis-3" gdal-bin libgeos-c1v5 libproj25)
  if [ "${1:-}" = test ]; then
    # The page tests drive Debian's Chromium; the alert fan-out tests run a Celery worker on Redis.
    pkgs+=(chromium)
    command -v redis-server >/dev/null || pkgs+=(redis-server)
  fi
  local p out=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
  done
  echo "${out[@]:-}"
}

install_system() {
  local missing
  missing=$(missing_packages "${1:-}")
  [ -z "$missing" ] && return 0
  if is_root; then
    log "installing Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    log "installing Debian packages with sudo: $missing"
    sudo -n apt-get update -qq
    # shellcheck disable=SC2086
    sudo -n DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    die "missing Debian packages. Run this once as root, then run the command again:
    sudo apt-get update && sudo apt-get install -y $missing"
  fi
}

# --- virtualenv ------------------------------------------------------------------------------------
install_python() {
  local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
  [ -f "$stamp" ] && return 0
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating the virtualenv in .venv"
    "$PYTHON" -m venv "$VENV" || die "could not create a virtualenv: install python3-venv (apt-get install python3-venv)"
  fi
  log "installing Python packages (pinned in pyproject.toml)"
  "$VENV/bin/pip" install -q --upgrade pip
  # The project is not a package to install: only its pinned dependencies are.
  "$VENV/bin/pip" install -q $("$VENV/bin/python" -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(" ".join(p["dependencies"] + p["optional-dependencies"]["dev"]))')
  rm -f "$VENV"/.installed-*
  touch "$stamp"
}

# --- database --------------------------------------------------------------------------------------
# The cluster's processes run as an unprivileged user: the current one, or 'postgres' when we are root
# (initdb and pg_ctl refuse to run as root).
pg_user() { if is_root; then echo postgres; else id -un; fi; }
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The 'postgres' user must be able to walk down to .pgdata when the checkout lies in a private folder
# (mktemp -d gives 0700). Grant it search (x) permission only, never read.
grant_traversal() {
  is_root || return 0
  local d="$PGROOT"
  while [ "$d" != / ]; do
    if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
      if command -v setfacl >/dev/null; then setfacl -m u:postgres:x "$d"; else chmod o+x "$d"; fi
    fi
    d=$(dirname "$d")
  done
}

start_cluster() {
  local bindir
  bindir=$(pg_bindir) || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  mkdir -p "$PGROOT"
  if is_root; then chown postgres: "$PGROOT"; fi
  grant_traversal
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    log "creating a private PostGIS cluster in .pgdata (port $PGPORT)"
    as_pg "$bindir/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$PGDATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 512MB
max_wal_size = 4GB
CONF
  fi
  if ! as_pg "$bindir/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; then
      die "port $PGPORT is taken by another program (another checkout's cluster? 'make stop' there), so this
    checkout's cluster cannot start. Stop that one, or choose another port: BIN_PGPORT=54330 make ..."
    fi
    log "starting the private PostGIS cluster on 127.0.0.1:$PGPORT"
    as_pg "$bindir/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -o "-p $PGPORT" -w -t 60 start >/dev/null \
      || die "the cluster did not start; see .pgdata/data/server.log"
  fi
  local psql=("$bindir/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -X -q -v ON_ERROR_STOP=1)
  if ! "${psql[@]}" -d postgres -tAc "select 1 from pg_database where datname='$DBNAME'" | grep -q 1; then
    "${psql[@]}" -d postgres -c "create database $DBNAME"
  fi
  "${psql[@]}" -d "$DBNAME" -c "set client_min_messages = warning; create extension if not exists postgis; create extension if not exists pg_trgm; create extension if not exists unaccent;"
}

stop_cluster() {
  local bindir
  bindir=$(pg_bindir) || return 0
  if [ -f "$PGDATA_DIR/PG_VERSION" ] && as_pg "$bindir/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    as_pg "$bindir/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
    log "private PostGIS cluster stopped"
  else
    log "private PostGIS cluster is not running"
  fi
}

setup_database() {
  if [ -n "${DATABASE_URL:-}" ]; then
    log "using DATABASE_URL from the environment"
  else
    start_cluster
    export DATABASE_URL="postgis://postgres@127.0.0.1:$PGPORT/$DBNAME"
  fi
}

manage() { "$VENV/bin/python" manage.py "$@"; }

cmd_setup() {
  install_system "${1:-}"
  install_python
  setup_database
  manage migrate --noinput -v 0
}

cmd_run() {
  cmd_setup
  manage load_demo
  log "BIN GIS is starting"
  cat <<MSG

    Service       http://$HOST:$PORT/
    API           http://$HOST:$PORT/api/
    Admin         http://$HOST:$PORT/admin/      login: admin / admin  (demo superuser)

    Stop the server with Ctrl-C; stop the database with 'make stop'.

MSG
  exec "$VENV/bin/python" manage.py runserver "$HOST:$PORT"
}

# The Celery integration tests need a Redis broker on 127.0.0.1:6379: start one (keeping nothing on disk)
# when none answers there.
ensure_redis() {
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    log "starting Redis on 127.0.0.1:6379 for the alert fan-out tests"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/bin-gis-redis.log >/dev/null
  fi
}

cmd_test() {
  install_system test
  install_python
  setup_database
  ensure_redis
  export DJANGO_SETTINGS_MODULE=project.settings.test
  log "ruff"
  "$VENV/bin/ruff" check .
  log "import-linter: the layering and no import cycles (pyproject.toml)"
  "$VENV/bin/lint-imports"
  log "sizes: no module over 500 lines, no function over 80"
  "$VENV/bin/python" scripts/check_sizes.py
  log "manage.py check / makemigrations --check"
  manage check --fail-level WARNING
  manage makemigrations --check --dry-run -v 1 >/dev/null
  log "pytest (tests/security/test_fuzz.py fuzzes the API with a bounded budget)"
  "$VENV/bin/pytest" "$@"
  test_netherlands "$@"
}

# The Dutch profile's pass (core/country.py): tests/nl/ and the lookup suite with BIN_COUNTRY=NL, whose
# storage CRS (RD New) needs a test database of its own (the database name + "_nl"). Skipped when pytest
# was given arguments (a chosen subset: `bash scripts/dev.sh test tests/streets`).
NL_TESTS=(tests/nl tests/streets/test_lookup_api.py tests/streets/test_lookup_at.py tests/streets/test_search.py
  tests/streets/test_address_text_nl.py)
test_netherlands() {
  [ "$#" -eq 0 ] || return 0
  log "pytest with BIN_COUNTRY=NL: ${NL_TESTS[*]}"
  BIN_COUNTRY=NL DATABASE_URL="${DATABASE_URL%%\?*}_nl" "$VENV/bin/pytest" -q -p no:cacheprovider "${NL_TESTS[@]}"
}

# The API fuzzed longer than in `make test`, boundary values (schemathesis' coverage phase) included:
# BIN_FUZZ_SECONDS per role, BIN_FUZZ_EXAMPLES per operation.
cmd_fuzz() {
  install_system test
  install_python
  setup_database
  ensure_redis
  export DJANGO_SETTINGS_MODULE=project.settings.test
  BIN_FUZZ_SECONDS="${BIN_FUZZ_SECONDS:-240}" BIN_FUZZ_EXAMPLES="${BIN_FUZZ_EXAMPLES:-100}" \
    BIN_FUZZ_PHASES="${BIN_FUZZ_PHASES:-examples,coverage,fuzzing}" \
    "$VENV/bin/pytest" -s -q -p no:cacheprovider tests/security/test_fuzz.py "$@"
}

# --- production on this machine (helper "web", issue 13; README "Running in production") -------------------
# `make prod`: production settings with a generated secret (.run/secret_key, mode 600, reused), plain HTTP
# on loopback, gunicorn + the urgent and bulk Celery workers + beat in the background (pid files and logs in
# $RUN_DIR). BIN_RUN_DIR, BIN_PORT, BIN_DBNAME and BIN_REDIS_DB let a test run a second one beside it.
RUN_DIR="${BIN_RUN_DIR:-$ROOT/.run}"
REDIS_DB="${BIN_REDIS_DB:-0}"
PROD_SERVICES="web worker-urgent worker-bulk beat"

prod_env() {
  mkdir -p "$RUN_DIR"
  chmod 700 "$RUN_DIR"
  if [ ! -s "$RUN_DIR/secret_key" ]; then
    (umask 077; "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$RUN_DIR/secret_key")
  fi
  chmod 600 "$RUN_DIR/secret_key"
  export DJANGO_SETTINGS_MODULE=project.settings.production
  SECRET_KEY="$(cat "$RUN_DIR/secret_key")"
  export SECRET_KEY
  export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
  # Plain HTTP on loopback to try it out: no redirect to HTTPS. The HSTS header is only sent over HTTPS,
  # so production's year stays (access.checks needs no BIN_HSTS_SHORT_ON_PURPOSE), and no proxy is declared.
  export SECURE_SSL_REDIRECT=false
  export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/$REDIS_DB}"
  export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/$REDIS_DB}"
  export BIN_PUBLIC_URL="${BIN_PUBLIC_URL:-http://$HOST:$PORT}"
  export STATIC_ROOT="${STATIC_ROOT:-$RUN_DIR/static}"
  export BIN_SMS_BACKEND="${BIN_SMS_BACKEND:-alerts.backends.sms.FileBackend}"
  export BIN_SMS_FILE_PATH="${BIN_SMS_FILE_PATH:-$RUN_DIR/sms}"
  export EMAIL_HOST="${EMAIL_HOST:-localhost}"
  export GUNICORN_BIND="$HOST:$PORT"
  export PYTHONUNBUFFERED=1
}

# collectstatic writes every file again with its gzip and brotli twins (~45 s here): only when a static
# file or the dependencies changed since the last time.
collect_static() {
  local stamp="$STATIC_ROOT/.collected"
  if [ -f "$stamp" ] && [ -f "$STATIC_ROOT/staticfiles.json" ] && [ ! pyproject.toml -nt "$stamp" ] \
    && [ -z "$(find core access areas streets members alerts maps project -path '*/static/*' -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  log "collecting the static files into $STATIC_ROOT"
  manage collectstatic --noinput -v 0
  touch "$stamp"
}

pid_alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

start_service() {
  local name=$1; shift
  if pid_alive "$name"; then log "$name is already running (pid $(cat "$RUN_DIR/$name.pid"))"; return 0; fi
  # setsid: its own process group, so that stop takes the worker children too. The pid is written from
  # inside (setsid forks when it starts as a group leader, and then $! is not the service's pid).
  rm -f "$RUN_DIR/$name.pid"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN_DIR/$name.pid" "$@" >> "$RUN_DIR/$name.log" 2>&1 < /dev/null &
  local i
  for i in $(seq 1 50); do [ -s "$RUN_DIR/$name.pid" ] && return 0; sleep 0.1; done
  die "$name did not start; see $RUN_DIR/$name.log"
}

wait_ready() {
  local path code i
  for i in $(seq 1 120); do
    for path in /readyz /healthz /; do
      code=$(curl -s -o /dev/null -w '%{http_code}' "http://$HOST:$PORT$path" || true)
      [ "$code" = 200 ] && { log "http://$HOST:$PORT$path answers 200"; return 0; }
      [ "$code" = 404 ] || break
    done
    pid_alive web || die "gunicorn stopped; see $RUN_DIR/web.log"
    sleep 0.5
  done
  die "the service did not answer within 60 s; see $RUN_DIR/web.log"
}

cmd_prod() {
  install_system
  install_python
  setup_database
  ensure_redis
  prod_env
  manage migrate --noinput -v 0
  collect_static
  if ! manage shell -c 'from areas.models import Network; raise SystemExit(0 if Network.objects.exists() else 1)' >/dev/null 2>&1; then
    manage load_demo
  fi
  local celery="$VENV/bin/celery"
  # Several gunicorn workers: /metrics adds up their counters from files (prometheus-client's multiprocess mode).
  start_service web env PROMETHEUS_MULTIPROC_DIR="$RUN_DIR/prometheus" \
    "$VENV/bin/gunicorn" -c project/gunicorn.conf.py project.wsgi
  start_service worker-urgent "$celery" -A project worker -Q urgent --concurrency=2 -n "urgent-$PORT@%h" --loglevel=INFO
  start_service worker-bulk "$celery" -A project worker -Q bulk,default --concurrency=2 -n "bulk-$PORT@%h" --loglevel=INFO
  start_service beat "$celery" -A project beat --loglevel=INFO -s "$RUN_DIR/celerybeat-schedule"
  wait_ready
  cat <<MSG

    Service       http://$HOST:$PORT/          (production settings, plain HTTP on loopback)
    API           http://$HOST:$PORT/api/
    Admin         http://$HOST:$PORT/admin/    login: admin / admin  (demo superuser; two-factor set-up at first login)
    Police        politie / demo               SMS written to $BIN_SMS_FILE_PATH
    Logs, pids    $RUN_DIR/{web,worker-urgent,worker-bulk,beat}.{log,pid}

    Stop it with 'make stop' (the database too) or 'scripts/dev.sh stop-prod' (these processes only).

MSG
}

stop_prod() {
  local name pid i
  for name in $PROD_SERVICES; do
    [ -f "$RUN_DIR/$name.pid" ] || continue
    pid=$(cat "$RUN_DIR/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
      log "$name stopped"
    fi
    rm -f "$RUN_DIR/$name.pid"
  done
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  fuzz) shift; cmd_fuzz "$@" ;;
  setup) shift; cmd_setup "$@" ;;
  prod) shift; cmd_prod "$@" ;;
  stop-prod) stop_prod ;;
  stop) stop_prod; stop_cluster ;;
  env) setup_database >/dev/null; echo "DATABASE_URL=$DATABASE_URL" ;;
  *) echo "usage: $0 run|prod|test|fuzz|stop|stop-prod|setup|env" >&2; exit 2 ;;
esac
