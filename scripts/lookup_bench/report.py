"""The printed report: the percentiles next to the targets, and what the answers and statuses were."""

import os
import sys

from .measure import Row, percentile


def judge(rows: list[Row]):
    """Put the targets next to the figures: point lookup p50 <= 2 ms in-process, autocomplete p95 <= 25 ms
    on every path, and each lookup (the selector, in-process) at most 3x its bare statements at p50. The
    view and HTTP paths add Django's request handling (middleware, DRF, JSON), which is shown, not judged
    against the ratio."""
    bare = {r.operation: percentile(r.ms, 50) for r in rows if r.path == "bare SQL"}
    for r in rows:
        if r.path == "bare SQL":
            continue
        p50, p95 = percentile(r.ms, 50), percentile(r.ms, 95)
        checks = []
        if r.operation == "point lookup" and r.path != "HTTP keep-alive":
            checks.append(("p50<=2ms", p50 <= 2))
        if r.operation == "autocomplete":
            checks.append(("p95<=25ms", p95 <= 25))
        if r.path == "selector":
            checks.append(("<=3x bare", p50 <= 3 * bare[r.operation]))
        r.target = "  ".join(f"{label} {'ok' if good else 'MISSED'}" for label, good in checks)


def print_table(rows: list[Row]):
    bare = {r.operation: percentile(r.ms, 50) for r in rows if r.path == "bare SQL"}
    head = f"{'operation':16} {'path':24} {'n':>5} " + " ".join(
        f"{h:>8}" for h in ("p50 ms", "p95 ms", "p99 ms", "x bare")
    )
    head += "  target"
    print(head)
    print("-" * (len(head) + 30))
    previous = None
    for r in rows:
        op = r.operation if r.operation != previous else ""
        previous = r.operation
        ratio = percentile(r.ms, 50) / bare[r.operation] if bare[r.operation] else float("nan")
        print(
            f"{op:16} {r.path:24} {len(r.ms):>5} {percentile(r.ms, 50):8.2f} {percentile(r.ms, 95):8.2f} "
            f"{percentile(r.ms, 99):8.2f} {ratio:8.2f}  {r.target}"
        )


def print_report(*, plan, pg: str, load_before: str, rows: list[Row], texts, paths):
    """The heading (sizes, versions, load), the table, and how the address lookup and the servers answered."""
    print()
    print(
        f"BIN lookup benchmark: {plan.addresses:,} addresses, {plan.streets:,} streets, "
        f"{plan.networks:,} BINs, {plan.municipalities} municipalities, seed {plan.seed}; {pg}; "
        f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs; load average {load_before} before, "
        f"{load_average()} after"
    )
    print_table(rows)
    quality = paths.quality
    among, first = (sum(q[i] for q in quality.values()) for i in (0, 1))
    print(
        f"address lookup answers (selector): the sampled address among the answers for {among} of "
        f"{len(quality)} texts, its street ranked first for {first}; "
        f"{sum(1 for t in texts if not t.municipality)} texts name no municipality"
    )
    web = paths.web
    print(
        f"statuses: view {dict(sorted(paths.client_statuses.items()))}, "
        f"HTTP {dict(sorted(web.statuses.items()))}, HTTP reconnects {web.reconnects}"
    )
    print(
        "targets: point lookup p50 <= 2 ms in-process; autocomplete p95 <= 25 ms; each selector's p50 <= 3x "
        "the bare SQL p50 ('x bare' column). Bare SQL = the same statements through psycopg, without Django; "
        "view and HTTP add Django's request handling."
    )


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
