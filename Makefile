# A newcomer needs two commands: `make run` (the service with demo data) and `make test` (the test suite).
.PHONY: run prod test fuzz stop setup lint bench-import bench-lookup bench-http bench-delivery shell

run:
	bash scripts/dev.sh run

# Production settings on this machine: gunicorn, the Celery workers and beat in the background (README:
# "Running in production"); `make stop` stops them.
prod:
	bash scripts/dev.sh prod

test:
	bash scripts/dev.sh test

# The API fuzzed for longer than `make test` does (README: "Fuzzing the API").
fuzz:
	bash scripts/dev.sh fuzz

stop:
	bash scripts/dev.sh stop

setup:
	bash scripts/dev.sh setup

lint:
	.venv/bin/ruff check .

bench-import:
	bash scripts/dev.sh setup && eval "$$(bash scripts/dev.sh env)" && export DATABASE_URL && \
	.venv/bin/python scripts/bench_import_addresses.py

# Lookup latency on a synthetic Belgium (5.5 M addresses) in its own database; ARGS="--samples 100" etc.
bench-lookup:
	BIN_DBNAME=bin_gis_bench bash scripts/dev.sh setup && \
	eval "$$(BIN_DBNAME=bin_gis_bench bash scripts/dev.sh env)" && export DATABASE_URL && \
	.venv/bin/python scripts/bench_lookup.py $(ARGS)

# Throughput over HTTP in production mode (make prod's stack), wrk on loopback: real Flemish neighbourhoods
# as BINs (from ../shared/data, ARGS="--data DIR" elsewhere) and the demo's real BeST addresses.
bench-http:
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	BIN_DBNAME=bin_gis_bench_http bash scripts/dev.sh setup && \
	eval "$$(BIN_DBNAME=bin_gis_bench_http bash scripts/dev.sh env)" && export DATABASE_URL && \
	.venv/bin/python scripts/bench_http.py $(ARGS)

# Alert delivery as docker-compose runs it (urgent and bulk workers, HTTP gateway simulator, SMTP on loopback)
# in its own database; ARGS="--members 200000 --sms 2000 --emails 5000" for a quick run.
bench-delivery:
	BIN_DBNAME=bin_gis_bench_delivery bash scripts/dev.sh setup && \
	eval "$$(BIN_DBNAME=bin_gis_bench_delivery bash scripts/dev.sh env)" && export DATABASE_URL && \
	.venv/bin/python scripts/bench_delivery.py $(ARGS)

# Backups (README "Backups"): a pg_dump of DATABASE_URL's database (default: the private cluster's bin_gis)
# to var/backups, the last BIN_BACKUP_KEEP kept; restore one into a new database:
# make restore FILE=var/backups/bin_gis-….dump DB=bin_gis_restored (FORCE=1 replaces a non-empty one).
.PHONY: backup restore
backup:
	bash scripts/backup.sh

restore:
	bash scripts/restore.sh "$(FILE)" "$(or $(DB),bin_gis_restored)" $(if $(FORCE),--force)
