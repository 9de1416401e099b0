"""scripts/backup.sh and scripts/restore.sh on the real cluster: a dump of the test database with the town,
a member and an alert committed, restored into a new database where the same rows are found; the folder
and file modes, the retention, and the refusal to restore over a database that holds tables."""

import os
import stat
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connections

from alerts.models import Alert
from areas.models import Network
from members.models import Member
from tests.factories import alert_sent, member_at
from tests.town import town_build

# Committed rows (the script's pg_dump is another session); the migrations' rows restored first, as every
# test that empties the database does (tests/maps/test_browser.py says why).
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCRIPTS = Path(settings.BASE_DIR) / "scripts"
TABLES = {"networks": Network, "members": Member, "alerts": Alert}


def _url(name: str) -> str:
    db = connections["default"].settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgis://{auth}@{db['HOST']}:{db['PORT']}/{name}"


def _run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPTS / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _counts(dbname: str) -> dict:
    db = connections["default"].settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None, dbname=dbname
    ) as conn:
        counts = {
            key: conn.execute(f"SELECT count(*) FROM {model._meta.db_table}").fetchone()[0]
            for key, model in TABLES.items()
        }
        counts["first e-mail"] = conn.execute(
            f"SELECT email FROM {Member._meta.db_table} ORDER BY id LIMIT 1"
        ).fetchone()[0]
    return counts


def test_backup_then_restore_into_a_new_database(tmp_path):
    town = town_build()
    member_at(300, 500, town.alfa, email="bewaard@example.be")
    member_at(1500, 500, town.beta)
    alert_sent(town.police, center=(500, 500))
    source = connections["default"].settings_dict["NAME"]
    target = f"{source}_restored"
    backups = tmp_path / "backups"
    backups.mkdir()
    # Two older dumps: with BIN_BACKUP_KEEP=2 the oldest goes, the other and the new one stay.
    for stamp in ("20200101T000000Z", "20200102T000000Z"):
        (backups / f"bin_gis-{stamp}.dump").write_bytes(b"old")
    env = {"DATABASE_URL": _url(source), "BIN_BACKUP_DIR": str(backups), "BIN_BACKUP_KEEP": "2"}

    made = _run("backup.sh", env=env)
    assert made.returncode == 0, made.stderr
    dump = Path(made.stdout.strip())
    assert dump.parent == backups and dump.name.startswith("bin_gis-") and dump.suffix == ".dump"
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert sorted(p.name for p in backups.iterdir()) == ["bin_gis-20200102T000000Z.dump", dump.name]

    expected = _counts(source)
    assert expected == {"networks": 7, "members": 2, "alerts": 1, "first e-mail": "bewaard@example.be"}
    try:
        restored = _run("restore.sh", str(dump), target, env=env)
        assert restored.returncode == 0, restored.stderr
        assert _counts(target) == expected
        # A database that holds tables is not restored over, unless forced.
        again = _run("restore.sh", str(dump), target, env=env)
        assert again.returncode != 0 and "--force" in again.stderr
        assert _run("restore.sh", str(dump), target, "--force", env=env).returncode == 0
        assert _counts(target) == expected
        refused = _run("restore.sh", str(dump), source, env=env)
        assert refused.returncode != 0 and "service's own database" in refused.stderr
    finally:
        db = connections["default"].settings_dict
        with psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
