"""Log lines as JSON objects, one per line (LOG_FORMAT=json; production's default), for a log index.

Each line has time (UTC, ISO 8601), level, logger, message, and, where they apply, the request id and
route (core.request_id), the status and duration of a request's access line, the Celery task's name and
id, and the exception. `RequestContextFilter` adds the request id and route to every record, so the plain
format may show them too. Messages are what the code logs: the service logs no personal data (addresses
and phone numbers stay out of log messages; the access line names the route, never the path).
"""

import copy
import json
import logging
from datetime import UTC, datetime

from .request_id import current_request_id, current_route

__all__ = ["JsonFormatter", "RequestContextFilter", "logging_config"]

# Extra fields a record may carry (logger.info(..., extra={...})) that become keys of the JSON line.
EXTRA_KEYS = ("method", "status", "duration_ms")


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `route` (None outside a request or task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        if not hasattr(record, "route"):
            record.route = current_route()
        return True


def _task() -> tuple[str | None, str | None]:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover - celery is a dependency
        return None, None
    task = current_task
    if task is None or not getattr(task, "request", None) or task.request.id is None:
        return None, None
    return task.name, task.request.id


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (json.dumps escapes newlines in messages)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
            "route": getattr(record, "route", None) or current_route(),
        }
        for key in EXTRA_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        task_name, task_id = _task()
        if task_name:
            line["task"], line["task_id"] = task_name, task_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(config: dict, log_format: str) -> dict:
    """Django's LOGGING `config` with the JSON formatter, the request filter on every handler, and the
    console in `log_format` ("plain" or "json")."""
    if log_format not in ("plain", "json"):
        raise ValueError(f"LOG_FORMAT must be plain or json, not {log_format!r}")
    config = copy.deepcopy(config)
    config["formatters"]["json"] = {"()": "core.logging.JsonFormatter"}
    config.setdefault("filters", {})["request"] = {"()": "core.logging.RequestContextFilter"}
    for handler in config["handlers"].values():
        if "request" not in handler.get("filters", []):
            handler["filters"] = [*handler.get("filters", []), "request"]
    config["handlers"]["console"]["formatter"] = log_format
    return config
