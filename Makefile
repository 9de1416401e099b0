# A newcomer needs two commands: `make run` (the service with demo data) and `make test` (the test suite).
.PHONY: run test stop setup lint bench-import shell

run:
	bash scripts/dev.sh run

test:
	bash scripts/dev.sh test

stop:
	bash scripts/dev.sh stop

setup:
	bash scripts/dev.sh setup

lint:
	.venv/bin/ruff check .

bench-import:
	bash scripts/dev.sh setup && eval "$$(bash scripts/dev.sh env)" && export DATABASE_URL && \
	.venv/bin/python scripts/bench_import_addresses.py
