"""Messages per second of one worker process through the SMPP backend, against the SMSC simulator.

    .venv/bin/python scripts/bench_smpp.py [--latency-ms 50] [--messages 4000] [--windows 50,200]

The simulator runs as its own process (python -m alerts.gateway_simulator.smpp), so that it does not take
this process's CPU; this process is one worker: it calls SmppBackend.send_messages with slices of 500
messages (the backend's batch_size), as the outbox does, over one bound session. Bound as a transmitter,
so no receipts come back to be recorded (they would need the database). Prints one line per window; with
latency L and window W the ceiling is W / L messages per second.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.test")
os.environ.setdefault("DATABASE_URL", "postgis://postgres@127.0.0.1:54329/bin_gis")

import django  # noqa: E402

django.setup()

from alerts.backends.base import Accepted, OutgoingMessage  # noqa: E402
from alerts.backends.smpp import SmppBackend  # noqa: E402
from alerts.backends.smpp_session import sessions_close  # noqa: E402

TEXT = (
    "BIN alert (Burglary): Inbraak in de Kerkstraat, let op verdachte personen. React: https://bin.be/r/{n}/"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_simulator(latency_ms: float) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "alerts.gateway_simulator.smpp", "--port", str(port)]
    command += ["--latency-ms", str(latency_ms), "--window", "10000", "--receipt-delay-ms", "500"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the simulator did not start")


def run(port: int, window: int, n: int) -> tuple[float, int]:
    backend = SmppBackend(host="127.0.0.1", port=port, system_id="bin", password="secret", window=window,
                          bind="transmitter", timeout=10.0)  # fmt: skip
    messages = [OutgoingMessage(key=str(i), to=f"+3247{i:07d}", text=TEXT.format(n=i)) for i in range(n)]
    backend.open()
    backend.send_messages(messages[:window])  # bind, and warm up
    accepted, start = 0, time.perf_counter()
    for i in range(0, n, backend.batch_size):
        outcomes = backend.send_messages(messages[i : i + backend.batch_size])
        accepted += sum(isinstance(o, Accepted) for o in outcomes.values())
    elapsed = time.perf_counter() - start
    backend.close()
    sessions_close()
    return n / elapsed, accepted


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--windows", default="50,200")
    args = parser.parse_args()
    process, port = start_simulator(args.latency_ms)
    try:
        for window in [int(w) for w in args.windows.split(",")]:
            rate, accepted = run(port, window, args.messages)
            ceiling = f"{window / (args.latency_ms / 1000):.0f}/s" if args.latency_ms else "none"
            print(f"window {window:4d}, latency {args.latency_ms:.0f} ms: {rate:7.0f} SMS/s per worker "
                  f"process ({accepted}/{args.messages} accepted; ceiling W/L: {ceiling})")  # fmt: skip
    finally:
        process.terminate()
        process.wait(5)


if __name__ == "__main__":
    main()
