"""The test settings with Django's own mail over SMTP (EMAIL_HOST/EMAIL_PORT from the environment), for a
Celery worker started by a test that reads what it e-mails from an aiosmtpd server on loopback."""

from project.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
