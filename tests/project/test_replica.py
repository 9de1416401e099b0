"""The read replica against a real streaming replica of the private cluster (core/replica.py,
project/db_router.py).

The module starts a hot standby of the cluster the test database lives on (pg_basebackup -R -X stream, then
pg_ctl on a free port, as the cluster's unprivileged owner), points the "replica" alias at it and proves:
public reads of an anonymous client are answered by the standby (its connection says pg_is_in_recovery(),
the primary's connection sends nothing, and with replay paused the answer is the standby's older one); a
write goes to the primary (the standby refuses writes); right after it the same client reads the primary
and sees the new row; logged-in staff read the primary. The standby is stopped and removed in any case.
"""

import contextlib
import copy
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import DatabaseError, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas.models import Network
from core.replica import REPLICA_ALIAS
from members.models import Member
from tests.alerts.servers import free_port
from tests.factories import login
from tests.members.helpers import JOIN_API
from tests.town import town_build

pytestmark = pytest.mark.slow

ROUTER = "project.db_router.ReplicaRouter"
STICKY_COOKIE = "bin_primary"
# A standby on the same machine replays a commit in milliseconds; this only bounds a broken set-up.
REPLAY_TIMEOUT_S = 30


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
    return found[-1]


def _as_cluster_owner(args: list[str]) -> list[str]:
    # initdb and pg_ctl refuse root; scripts/dev.sh runs the cluster as 'postgres' then (as_pg, pg_user).
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _admin(host: str, port: int, dbname: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(host=host, port=port, user="postgres", dbname=dbname, autocommit=True)


def _allow_replication(host: str, port: int) -> None:
    """Clusters made before scripts/dev.sh wrote the line may lack it: add it and reload."""
    with _admin(host, port) as conn:
        rules = conn.execute(
            "SELECT count(*) FROM pg_hba_file_rules WHERE type = 'host' AND 'replication' = ANY(database)"
            " AND address = '127.0.0.1'"
        ).fetchone()[0]
        if rules:
            return
        hba = conn.execute("SHOW hba_file").fetchone()[0]
        with open(hba, "a") as f:
            f.write("host    replication     all             127.0.0.1/32            trust\n")
        conn.execute("SELECT pg_reload_conf()")


class Standby:
    """A hot standby of the test database's cluster on 127.0.0.1:`port`."""

    def __init__(self, primary: dict, port: int, dbname: str):
        self.primary, self.port, self.dbname = primary, port, dbname

    def replay_wait(self) -> float:
        """Wait until the standby replayed everything the primary wrote so far; the seconds it took."""
        start = time.monotonic()
        with _admin(self.primary["HOST"], self.primary["PORT"]) as conn:
            lsn = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with _admin("127.0.0.1", self.port) as conn:
            while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
                assert time.monotonic() - start < REPLAY_TIMEOUT_S, "the standby did not catch up"
                time.sleep(0.05)
        return time.monotonic() - start

    def replay(self, *, paused: bool) -> None:
        with _admin("127.0.0.1", self.port) as conn:
            conn.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    """A streaming replica of the private cluster, taken after the test database was created."""
    with django_db_blocker.unblock():
        primary = copy.deepcopy(connections["default"].settings_dict)
    if primary["HOST"] not in ("127.0.0.1", "localhost") or primary["USER"] != "postgres":
        pytest.skip("needs the private cluster of scripts/dev.sh (DATABASE_URL on 127.0.0.1 as postgres)")
    _allow_replication(primary["HOST"], int(primary["PORT"]))
    bindir = _bindir()
    tmp = Path(tempfile.mkdtemp(prefix="bin-replica-"))
    data, port, started = tmp / "data", free_port(), False
    try:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(tmp, owner.pw_uid, owner.pw_gid)
        # -c fast: a checkpoint now, instead of waiting for a spread one (minutes).
        source = ["-h", primary["HOST"], "-p", str(primary["PORT"]), "-U", "postgres"]
        backup = [str(bindir / "pg_basebackup"), *source, "-D", str(data), "-R", "-X", "stream", "-c", "fast"]
        subprocess.run(_as_cluster_owner(backup), check=True, timeout=300)
        started = True
        options = f"-p {port} -c listen_addresses=127.0.0.1"
        start = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "standby.log"), "-w", "-t", "60"]
        subprocess.run(_as_cluster_owner([*start, "-o", options, "start"]), check=True, timeout=90)
        yield Standby(primary, port, primary["NAME"])
    finally:
        if started:
            subprocess.run(
                _as_cluster_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                timeout=60,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def replica_alias(standby, django_db_blocker):
    """The "replica" alias on the standby, for this module. Module-scoped: pytest-django's test case checks
    its databases against the aliases that exist when the test begins. A test mirror of "default" to Django's
    test case, so that it flushes the primary only (the standby refuses writes)."""
    with django_db_blocker.unblock():
        settings = copy.deepcopy(connections["default"].settings_dict)
    settings.update(HOST="127.0.0.1", PORT=str(standby.port))
    settings["TEST"] = {**settings.get("TEST", {}), "MIRROR": "default"}
    connections.settings[REPLICA_ALIAS] = settings
    try:
        yield standby
    finally:
        with contextlib.suppress(Exception):
            connections[REPLICA_ALIAS].close()
        with contextlib.suppress(AttributeError):
            delattr(connections._connections, REPLICA_ALIAS)
        del connections.settings[REPLICA_ALIAS]


@pytest.fixture
def replica(replica_alias):
    """The router on, for one test."""
    with override_settings(DATABASE_ROUTERS=[ROUTER]):
        yield replica_alias


@contextlib.contextmanager
def queries():
    """The statements sent to the primary and to the replica meanwhile."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA_ALIAS]) as replica,
    ):
        yield primary, replica


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        return cur.fetchone()[0]


def lookup_names(client: Client) -> list[str]:
    response = client.get(reverse("api:lookup"), {"address": "Kerkstraat 3, 9990 Teststad"})
    assert response.status_code == 200, response.content
    return [n["name"] for n in response.json()["results"][0]["networks"]]


@pytest.mark.django_db
def test_without_a_replica_everything_reads_the_primary(client, town):
    """No DATABASE_REPLICA_URL (the suite's settings): no router, the middleware unused, reads on default."""
    from django.conf import settings

    assert REPLICA_ALIAS not in settings.DATABASES and not settings.DATABASE_ROUTERS
    with CaptureQueriesContext(connections["default"]) as on_primary:
        assert lookup_names(client) == ["BIN Alfa"]
    assert len(on_primary) > 0
    assert (
        STICKY_COOKIE
        not in client.post(reverse("api:members-join"), JOIN_API, content_type="application/json").cookies
    )


# Committed rows (the standby replays only those); the migrations' rows restored first, as every test that
# empties the database does (tests/maps/test_browser.py says why).
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", REPLICA_ALIAS])
def test_public_reads_on_the_replica_writes_and_writers_on_the_primary(replica):
    town = town_build()
    replica.replay_wait()
    anonymous = Client(headers={"accept-language": "en"})
    assert in_recovery(REPLICA_ALIAS) and not in_recovery("default")

    # Every public read route of an anonymous client: the replica answers, the primary hears nothing.
    public = [
        reverse("api:lookup") + "?address=Kerkstraat+3,+9990+Teststad",
        reverse("maps:lookup") + "?q=Kerkstraat+3+Teststad",
        reverse("api:street-search") + "?q=kerk",
        reverse("api:network-list"),
        reverse("api:network-detail", args=[town.alfa.slug]),
        reverse("api:network-streets", args=[town.alfa.slug]),
        reverse("api:street-networks", args=[town.kerkstraat.pk]),
        reverse("maps:municipality", args=["99001"]),
        reverse("maps:municipality-embed", args=["99001"]),
        reverse("maps:police-zone", args=[5999]),
    ]
    for url in public:
        with queries() as (on_primary, on_replica):
            response = anonymous.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert len(on_replica) > 0 and len(on_primary) == 0, (url, len(on_primary), len(on_replica))

    # With replay paused, a change on the primary is not on the replica: the anonymous answer is the old one.
    replica.replay(paused=True)
    try:
        Network.objects.filter(pk=town.alfa.pk).update(name="BIN Alfa Nieuw")
        assert lookup_names(anonymous) == ["BIN Alfa"]

        # A resident joins (a write): the primary takes it; the replica would refuse it.
        joiner = Client(headers={"accept-language": "en"})
        with queries() as (on_primary, on_replica):
            joined = joiner.post(reverse("api:members-join"), JOIN_API, content_type="application/json")
        assert joined.status_code == 202, joined.content
        assert len(on_primary) > 0 and len(on_replica) == 0
        assert joined.cookies[STICKY_COOKIE]["max-age"] > 0
        assert Member.objects.filter(email=JOIN_API["email"]).exists()
        with connections[REPLICA_ALIAS].cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {Member._meta.db_table} WHERE email = %s", [JOIN_API["email"]])
            assert cur.fetchone()[0] == 0
            with pytest.raises(DatabaseError, match="read-only"):
                cur.execute(f"UPDATE {Member._meta.db_table} SET name = name")

        # Read-your-writes: the same client now reads the primary and sees the new name.
        with queries() as (on_primary, on_replica):
            assert lookup_names(joiner) == ["BIN Alfa Nieuw"]
        assert len(on_primary) > 0 and len(on_replica) == 0
        assert lookup_names(anonymous) == ["BIN Alfa"]

        # Logged-in staff read the primary, their own pages and the public ones alike.
        coordinator = login(town.coord_a)
        for url in (reverse("members:dashboard"), reverse("maps:lookup") + "?q=Kerkstraat+3+Teststad"):
            with queries() as (on_primary, on_replica):
                response = coordinator.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert len(on_primary) > 0 and len(on_replica) == 0, url
        assert "BIN Alfa Nieuw" in response.content.decode()
    finally:
        replica.replay(paused=False)

    # Replay resumed: the anonymous client gets the new name, still from the replica.
    replica.replay_wait()
    with queries() as (on_primary, on_replica):
        assert lookup_names(anonymous) == ["BIN Alfa Nieuw"]
    assert len(on_replica) > 0 and len(on_primary) == 0
