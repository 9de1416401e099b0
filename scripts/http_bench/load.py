"""The runs of scripts/bench_http.py: the bare SQL floor, the production server, wrk, the workers' memory."""

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

from areas.selectors import COVERING_SQL
from core.geometry import position_to_storage

from .samples import Samples, mixed

ROOT = Path(__file__).resolve().parent.parent.parent
LUA = Path(__file__).resolve().parent / "paths.lua"
RUN_DIR = ROOT / ".run" / "bench-http"

__all__ = ["run"]


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rate: float
    errors: int  # non-2xx/3xx answers and socket errors
    p50_ms: float
    p99_ms: float
    max_ms: float
    spread: dict[int, int]  # pid -> connections, during the run


def bare_sql_rate(points: list[tuple[float, float]]) -> float:
    """Point queries per second: COVERING_SQL for each point, one at a time, one psycopg connection,
    client-side binding and autocommit (as Django sends it)."""
    conninfo = connection.get_connection_params()
    conninfo.pop("cursor_factory", None)
    conninfo.pop("context", None)
    conninfo.pop("prepare_threshold", None)
    srid = settings.BIN_STORAGE_SRID
    with psycopg.connect(**conninfo, autocommit=True) as conn, psycopg.ClientCursor(conn) as cur:
        params = []
        for lat, lon in points:
            x, y = position_to_storage(lon, lat)
            params.append({"xs": [x], "ys": [y], "srid": srid, "everything": False})
        for p in params[:200]:  # warm the cache and the plan
            cur.execute(COVERING_SQL, p)
            cur.fetchall()
        started = time.perf_counter()
        for p in params:
            cur.execute(COVERING_SQL, p)
            cur.fetchall()
        return len(params) / (time.perf_counter() - started)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def connections_per_worker(port: int) -> dict[int, int]:
    """pid -> keep-alive connections it holds on `port` now (ss), to see how wrk's connections spread."""
    out = subprocess.run(
        ["ss", "-tnp", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True
    ).stdout
    counts: dict[int, int] = {}
    for pid in re.findall(r"pid=(\d+)", out):
        counts[int(pid)] = counts.get(int(pid), 0) + 1
    return counts


def wrk(url: str, paths: list[str], *, seconds: int, connections: int) -> WrkResult:
    # A worker still busy with the previous run's last requests would leave the new connections to the
    # others, which then hold them for the whole run (keep-alive): start from idle workers.
    time.sleep(3)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(paths) + "\n")
    try:
        run = subprocess.Popen(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA), url],
            env={**os.environ, "PATHS_FILE": f.name},
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(min(2, seconds / 2))
        spread = connections_per_worker(int(url.rsplit(":", 1)[1]))
        out, _err = run.communicate()
        if run.returncode:
            raise RuntimeError(f"wrk failed ({run.returncode}):\n{out}")
    finally:
        os.unlink(f.name)
    if "Latency Distribution" not in out:
        raise RuntimeError(f"wrk printed no latency distribution:\n{out}")
    requests, secs = re.search(r"(\d+) requests in ([\d.]+)(s|m)", out).group(1, 2)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    max_ms = _ms(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out).group(1))
    return WrkResult(
        requests=int(requests),
        seconds=float(secs),
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        errors=errors,
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        max_ms=max_ms,
        spread=spread,
    )


def server_env(port: int) -> dict:
    return {
        **os.environ,
        "BIN_DBNAME": connection.settings_dict["NAME"],
        "BIN_PORT": str(port),
        "BIN_RUN_DIR": str(RUN_DIR),
        "BIN_REDIS_DB": "10",
        # The memory of the same worker processes is compared after two runs: none is replaced meanwhile.
        "GUNICORN_MAX_REQUESTS": "0",
    }


def workers() -> dict[int, int]:
    """pid -> resident memory (MB) of each gunicorn worker."""
    master = int((RUN_DIR / "web.pid").read_text())
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    rss = {}
    for pid in map(int, children):
        status = Path(f"/proc/{pid}/status").read_text()
        rss[pid] = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    return rss


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def line(label: str, r: WrkResult, bare: float) -> str:
    return (
        f"{label:<26} {r.rate:>8.0f} req/s  x{r.rate / bare:5.2f} of bare SQL   p50 {r.p50_ms:6.1f} ms  "
        f"p99 {r.p99_ms:6.1f} ms  max {r.max_ms:7.1f} ms  errors {r.errors} of {r.requests}\n"
        f"  connections per web worker: {', '.join(f'pid {p}: {n}' for p, n in sorted(r.spread.items()))}"
    )


def run(args, sets: Samples) -> None:
    print(f"load average {load_average()}; bare SQL: {len(sets.bare)} point queries ...", flush=True)
    bare = bare_sql_rate(sets.bare)
    print(f"bare SQL (COVERING_SQL, one psycopg connection): {bare:.0f} queries/s", flush=True)

    env = server_env(args.port)
    subprocess.run(
        ["bash", "scripts/dev.sh", "stop-prod"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    started = subprocess.run(
        ["bash", "scripts/dev.sh", "prod"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if started.returncode != 0:
        raise SystemExit(f"make prod failed:\n{started.stdout[-3000:]}\n{started.stderr[-3000:]}")
    url = f"http://127.0.0.1:{args.port}"
    load = mixed(sets)
    try:
        print(f"production server up ({len(workers())} web workers); warming up 10 s ...", flush=True)
        wrk(url, load, seconds=10, connections=args.connections)
        print(f"load average {load_average()}", flush=True)
        point = wrk(url, sets.points, seconds=args.seconds, connections=args.connections)
        print(line(f"point lookup, {args.connections} conns", point, bare), flush=True)
        memory = []
        runs = []
        for i in (1, 2):
            print(f"load average {load_average()}", flush=True)
            result = wrk(url, load, seconds=args.mixed_seconds, connections=args.connections)
            runs.append(result)
            memory.append(workers())
            print(line(f"mixed run {i}, {args.mixed_seconds} s", result, bare), flush=True)
            print(
                "  web workers' RSS (MB): " + ", ".join(f"pid {p}: {mb:.0f}" for p, mb in memory[-1].items())
            )
        same = memory[0].keys() == memory[1].keys()
        growth = {p: memory[1][p] - memory[0][p] for p in memory[1] if p in memory[0]}
        print(
            "  growth from run 1 to run 2 (MB): "
            + ", ".join(f"pid {p}: {g:+.1f}" for p, g in growth.items())
            + ("" if same else "  (workers were replaced between the runs)")
        )
        print()
        print(f"Summary (wrk -t2 -c{args.connections}, keep-alive; {sets.networks} networks):")
        print(
            f"  point lookup over HTTP  {point.rate:.0f} req/s = {point.rate / bare:.2f} x the bare SQL "
            f"query ({bare:.0f}/s), {point.errors} errors"
        )
        worst = max(runs, key=lambda r: r.p99_ms)
        print(
            f"  mixed load              {min(r.rate for r in runs):.0f}-{max(r.rate for r in runs):.0f} "
            "req/s, "
            f"p99 {worst.p99_ms:.1f} ms, {sum(r.errors for r in runs)} errors; worker RSS max "
            f"{max(max(m.values()) for m in memory):.0f} MB, growth {max(growth.values()):+.1f} MB"
        )
    finally:
        if not args.keep_running:
            subprocess.run(["bash", "scripts/dev.sh", "stop-prod"], cwd=ROOT, env=env, capture_output=True)
