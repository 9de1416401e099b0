"""The Celery app "bin": configured from the Django settings whose names start with CELERY_."""

import os
import sys

from celery import Celery

# Only the `celery` command picks a settings module here: project/__init__.py imports this module too,
# and the web server's own default (wsgi.py: production, manage.py: local) must win there.
if os.path.basename(sys.argv[0]).startswith("celery"):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.local")

app = Celery("bin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
