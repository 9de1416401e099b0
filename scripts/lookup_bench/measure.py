"""Timing: each path over the samples, one call at a time, after a warm-up; p50/p95/p99 of the calls."""

import math
import time
from dataclasses import dataclass


def timings(fn, samples) -> list[float]:
    out = []
    for s in samples:
        t0 = time.perf_counter()
        fn(s)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Row:
    operation: str
    path: str
    ms: list[float]
    target: str = ""


def measure(name, samples, paths, warmup):
    """Warm every path up, then time each path over all samples; return one Row per path."""
    print(f"  {name}: warming up", flush=True)
    for path_name, fn in paths:
        # The bare pass reads every page the samples touch, so no path pays for a cold cache.
        timings(fn, samples if path_name == "bare SQL" else samples[:warmup])
    rows = []
    for path_name, fn in paths:
        t0 = time.perf_counter()
        ms = timings(fn, samples)
        print(f"  {name}: {path_name:24} {time.perf_counter() - t0:6.1f} s", flush=True)
        rows.append(Row(name, path_name, ms))
    return rows
