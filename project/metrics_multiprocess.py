"""gunicorn's hooks for prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR): each gunicorn
process writes its counters to files in that directory and /metrics (project/metrics.py) adds them up.

Imports nothing of Django: gunicorn calls these in its master process before the application is loaded.
In project/gunicorn.conf.py: `on_starting = multiprocess_prepare` (wrapped: it takes the server) and
`child_exit = multiprocess_child_exit`.
"""

import os
import shutil
from pathlib import Path

from prometheus_client import multiprocess

__all__ = ["multiprocess_child_exit", "multiprocess_prepare"]


def multiprocess_prepare() -> None:
    """Empty PROMETHEUS_MULTIPROC_DIR before the first process writes (gunicorn's on_starting): files of
    a previous run would be added to this one's counters."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        return
    directory = Path(path)
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)


def multiprocess_child_exit(server, worker) -> None:
    """gunicorn's child_exit hook: a dead process's live gauges go; its counters stay counted."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
