"""Container health checks that need no curl (slim images have none): `python deploy/healthcheck.py …`.

    http PATH [PORT]           GET http://127.0.0.1:PORT/PATH (PORT: GUNICORN_BIND's, else 8000): 2xx
    fresh FILE_PREFIX SECONDS  a file FILE_PREFIX* was written within SECONDS (celery beat's schedule)

The HTTP check asks as the proxy would: Host is the first of ALLOWED_HOSTS and X-Forwarded-Proto is https,
so that it also works for a path that passes the Host and HTTPS checks (project.health's probes answer
before them). A redirect is a failure, not something to follow. Standard library only, and no Django: it
runs every 30 s in every web container, and importing Django would cost a second of CPU each time.
"""

import glob
import os
import sys
import time
import urllib.error
import urllib.request

__all__ = ["check_fresh", "check_http", "main"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then raises HTTPError for the 3xx


def _host() -> str:
    first = os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
    return first if first and first != "*" else "localhost"


def _port() -> int:
    bind = os.environ.get("GUNICORN_BIND", "")
    return int(bind.rsplit(":", 1)[1]) if ":" in bind else 8000


def check_http(path: str, port: int | None = None, timeout: float = 5.0) -> str:
    """'' when GET path answers 2xx, else what went wrong."""
    url = f"http://127.0.0.1:{port or _port()}/{path.lstrip('/')}"
    request = urllib.request.Request(url, headers={"Host": _host(), "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            return "" if 200 <= response.status < 300 else f"{url}: HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"{url}: HTTP {exc.code}"
    except OSError as exc:
        return f"{url}: {exc}"


def check_fresh(prefix: str, seconds: float) -> str:
    """'' when a file prefix* was modified within `seconds`, else what went wrong."""
    # shelve picks the dbm flavour, and so the file names (prefix, prefix.db, prefix.dat…).
    times = [os.path.getmtime(name) for name in glob.glob(glob.escape(prefix) + "*")]
    if not times:
        return f"no file {prefix}*"
    age = time.time() - max(times)
    return "" if age <= seconds else f"{prefix}* last written {age:.0f} s ago (limit {seconds:.0f} s)"


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "http":
        problem = check_http(argv[1], int(argv[2]) if len(argv) > 2 else None)
    elif len(argv) == 3 and argv[0] == "fresh":
        problem = check_fresh(argv[1], float(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
