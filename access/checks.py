"""Deployment checks: settings that make a production instance unsafe, refused at startup.

On when settings.BIN_DEPLOYMENT_CHECKS is (project/settings/production.py). Django's check framework runs
them (`manage.py check`, `check --deploy`, `runserver`, `migrate`), and the WSGI handler runs them before
the first request (access.middleware.RefuseMisconfiguredMiddleware). Each error says what to set; the
README's "Settings" section and SECURITY.md give the environment that passes.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

__all__ = ["deployment_checks", "deployment_errors"]

YEAR = 365 * 24 * 3600
# Caches that every process of the service shares; a per-process cache counts each process's requests
# apart, so the request limits multiply by the number of processes and forget on every restart.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def _cache() -> list:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The request limits count in a per-process cache ({backend.rsplit('.', 1)[-1]}): each process "
            "counts apart and forgets on restart.",
            hint="Set CACHE_URL to a cache every process shares, e.g. redis://127.0.0.1:6379/1.",
            id="bin.E001",
        )
    ]


def _hsts() -> list:
    seconds = settings.SECURE_HSTS_SECONDS or 0
    if seconds >= YEAR or settings.BIN_HSTS_SHORT_ON_PURPOSE:
        return []
    return [
        Error(
            f"HSTS lasts {seconds} seconds: browsers forget within a year that the service is HTTPS-only.",
            hint="Set SECURE_HSTS_SECONDS to at least 31536000, or BIN_HSTS_SHORT_ON_PURPOSE=true while "
            "trying HTTPS out.",
            id="bin.E002",
        )
    ]


def _proxy() -> list:
    behind_proxy = settings.BIN_TRUSTED_PROXIES > 0 or settings.BIN_BEHIND_TLS_PROXY
    errors = []
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not behind_proxy:
        errors.append(
            Error(
                "SECURE_PROXY_SSL_HEADER is set, but the deployment declares no proxy: any client could say "
                "its plain-HTTP request was HTTPS.",
                hint="Set BIN_TRUSTED_PROXIES to the number of proxies in front of the service (or "
                "BIN_BEHIND_TLS_PROXY=true), or leave SECURE_PROXY_SSL_HEADER unset.",
                id="bin.E003",
            )
        )
    if (
        behind_proxy
        and settings.SECURE_SSL_REDIRECT
        and not getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    ):
        errors.append(
            Error(
                "Behind a TLS proxy without SECURE_PROXY_SSL_HEADER, every request looks like plain HTTP and "
                "SECURE_SSL_REDIRECT redirects it for ever.",
                hint="Let the proxy set X-Forwarded-Proto and leave BIN_BEHIND_TLS_PROXY on.",
                id="bin.E004",
            )
        )
    if settings.BIN_FORWARDED_WITHOUT_PROXY not in ("log", "refuse"):
        errors.append(
            Error(
                f"BIN_FORWARDED_WITHOUT_PROXY is {settings.BIN_FORWARDED_WITHOUT_PROXY!r}.",
                hint='Set it to "refuse" (answer 503) or "log" (log once, serve anyway).',
                id="bin.E005",
            )
        )
    return errors


def _login() -> list:
    warnings = []
    if not settings.BIN_2FA_REQUIRED:
        warnings.append(
            Warning(
                "Two-factor login is off: police, municipality staff and administrators log in with a "
                "password alone.",
                hint="Set BIN_2FA_REQUIRED=true (the production default).",
                id="bin.W001",
            )
        )
    if not getattr(settings, "AXES_ENABLED", True):
        warnings.append(
            Warning(
                "The login lockout is off: passwords can be guessed without limit.",
                hint="Leave AXES_ENABLED on.",
                id="bin.W002",
            )
        )
    return warnings


def deployment_errors() -> list:
    """The deployment checks' findings, when settings.BIN_DEPLOYMENT_CHECKS is on (else none)."""
    if not getattr(settings, "BIN_DEPLOYMENT_CHECKS", False):
        return []
    return [*_cache(), *_hsts(), *_proxy(), *_login()]


@register(Tags.security)
def deployment_checks(app_configs, **kwargs):
    """The deployment checks in Django's check framework."""
    return deployment_errors()
