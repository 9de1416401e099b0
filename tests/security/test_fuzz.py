"""The API fuzzed with schemathesis (issue 11, finding 9 and "fuzzing in CI"): every operation of the
OpenAPI schema, anonymous and as each role of the town (police, coordinator, municipality staff,
administrator), with a bounded budget; no input may be answered with a 5xx.

schemathesis runs as its command-line tool against the live test server (a thread of this process, on
the test database), with HTTP Basic credentials for the roles and the request limits off, so that the
generated requests reach the views instead of the 429s. BIN_FUZZ_SECONDS (per role) and BIN_FUZZ_EXAMPLES
(per operation and pass) set the budget; the phases are schemathesis' examples and fuzzing (fuzzing repeats
until the time is spent; BIN_FUZZ_PHASES adds "coverage", its boundary values, which takes minutes for
the alert operations). README's "Fuzzing the API" has the longer run (`make fuzz`) and its figures.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import alert_sent, member_at

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECONDS = int(os.environ.get("BIN_FUZZ_SECONDS", "20"))
EXAMPLES = int(os.environ.get("BIN_FUZZ_EXAMPLES", "10"))
PHASES = os.environ.get("BIN_FUZZ_PHASES", "examples,fuzzing")
ROLES = ["anonymous", "police", "coord-a", "gemeente-teststad", "root"]
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def fuzz(live_server, role: str, report: Path) -> dict:
    command = [
        str(SCHEMATHESIS),
        "run",
        live_server.url + reverse("api:schema"),
        "--url",
        live_server.url,
        "--checks",
        "not_a_server_error",
        "--phases",
        PHASES,
        "--max-examples",
        str(EXAMPLES),
        "--max-time",
        str(SECONDS),
        # One worker: hypothesis describes its filters with ast.parse, which Python 3.11 does not do safely
        # in two threads at once (SystemError: AST constructor recursion depth mismatch).
        "--workers",
        "1",
        "--seed",
        "11",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
    ]
    if role != "anonymous":
        command += ["--auth", f"{role}:pw"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS * 4 + 120)
    report.with_suffix(".log").write_text(run.stdout + run.stderr)
    return {"returncode": run.returncode, "output": run.stdout[-6000:] + run.stderr[-2000:]}


def answers(report: Path) -> tuple[Counter, list[str], set[str], int]:
    """From schemathesis' NDJSON event stream: how often each status came back, the requests answered
    ≥ 500, the operations that got requests, and how many operations the schema has."""
    statuses, errors, operations, in_schema = Counter(), [], set(), 0
    for line in report.read_text().splitlines():
        event = json.loads(line)
        if "LoadingFinished" in event:
            in_schema = event["LoadingFinished"]["statistic"]["operations"]["total"]
        recorder = (event.get("ScenarioFinished") or {}).get("recorder") or {}
        for case in recorder.get("interactions", {}).values():
            operations.add(recorder["label"])
            status = (case.get("response") or {}).get("status_code", 0)
            statuses[status] += 1
            if status >= 500:
                request = case.get("request") or {}
                errors.append(f"{request.get('method')} {request.get('uri')} → {status}")
    return statuses, errors, operations, in_schema


def test_no_input_is_a_server_error(live_server, town, settings, tmp_path):
    # The request limits off, so that generated requests reach the views (a 429 is no finding).
    settings.BIN_THROTTLE_ENABLED = False
    settings.BIN_PREVIEW_PER_HOUR = settings.BIN_PREVIEW_PER_DAY = 1_000_000
    # Something to find behind the ids and slugs: members, an alert with its deliveries.
    for x, y in ((310, 420), (330, 460), (360, 380)):
        member_at(x, y, town.alfa)
    alert_sent(town.police, center=(340, 440))
    total = Counter()
    for role in ROLES:
        report = tmp_path / f"{role}.ndjson"
        result = fuzz(live_server, role, report)
        statuses, errors, operations, in_schema = answers(report)
        total += statuses
        # The figures of the run (pytest -s shows them; README's "Fuzzing the API" quotes a long run).
        print(f"fuzz {role}: {statuses.total()} requests, {dict(sorted(statuses.items()))}")
        assert errors == [], f"{role}: {errors[:10]}\n{result['output']}"
        assert result["returncode"] == 0, f"{role}:\n{result['output']}"
        assert in_schema > 25 and len(operations) == in_schema, f"{role}: only {sorted(operations)}"
    print(f"fuzz all roles: {total.total()} requests, {dict(sorted(total.items()))}")
    assert total.total() > 500  # the budget bought a real run
