"""The Celery app "bin": configured from the Django settings whose names start with CELERY_; the signals
that carry request ids into tasks, write the workers' heartbeats and switch the worker's logs to JSON."""

import os
import sys

from celery import Celery, signals

from core.logging import JsonFormatter, RequestContextFilter
from core.request_id import task_context_enter, task_context_exit, task_publish_headers

from .heartbeat import heartbeat_start, heartbeat_stop

# Only the `celery` command picks a settings module here: project/__init__.py imports this module too,
# and the web server's own default (wsgi.py: production, manage.py: local) must win there.
if os.path.basename(sys.argv[0]).startswith("celery"):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

app = Celery("bin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# --- Request ids, worker heartbeats, JSON logs (helper "observe", issue 13) ---------------------------
# The request id travels with the tasks a request publishes (core.request_id); each worker writes a
# heartbeat per queue it consumes for /readyz (project/heartbeat.py); with LOG_FORMAT=json the worker's
# own log handlers (Celery replaces Django's in the worker) write JSON lines with the request id too.


@signals.before_task_publish.connect(weak=False)
def _publish_headers(headers=None, **kwargs):
    task_publish_headers(headers=headers)


@signals.task_prerun.connect(weak=False)
def _task_prerun(task=None, **kwargs):
    task_context_enter(task=task)


@signals.task_postrun.connect(weak=False)
def _task_postrun(task=None, **kwargs):
    task_context_exit(task=task)


@signals.worker_ready.connect(weak=False)
def _worker_ready(sender=None, **kwargs):
    from django.conf import settings

    queues = sorted(q.name for q in sender.task_consumer.queues) if sender.task_consumer else []
    heartbeat_start(app.conf.broker_url, queues, sender.hostname, settings.BIN_WORKER_HEARTBEAT_SECONDS)


@signals.worker_shutdown.connect(weak=False)
def _worker_shutdown(**kwargs):
    heartbeat_stop()


@signals.after_setup_logger.connect(weak=False)
@signals.after_setup_task_logger.connect(weak=False)
def _json_logs(logger=None, **kwargs):
    from django.conf import settings

    if settings.LOG_FORMAT != "json":
        return
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestContextFilter())
