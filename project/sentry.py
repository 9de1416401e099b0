"""Errors to Sentry when SENTRY_DSN is set (settings/base.py calls `sentry_init`), from the web and the
Celery workers, without members' data: no default PII (user, IP address), and `scrub_event` drops request
bodies (an alert's text, a member's address and phone number), cookies, the query string (an address
lookup's text) and headers that identify someone before anything leaves.
"""

__all__ = ["scrub_event", "sentry_init"]

_DROPPED_HEADERS = {"cookie", "authorization", "x-forwarded-for", "x-real-ip", "forwarded"}


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    """before_send: the request's body, cookies, query string and identifying headers go."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() not in _DROPPED_HEADERS}
    event.pop("user", None)
    return event


def sentry_init(*, dsn: str, environment: str = "") -> bool:
    """Start the Sentry client with the Django and Celery integrations when `dsn` is set."""
    if not dsn:
        return False
    # Imported here: every process loads the settings, and the SDK with its integrations costs about
    # 0.1 s of start-up (python -X importtime) that a deployment without Sentry need not pay.
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub_event,
        # Errors only: no performance traces (they would carry the paths, with addresses in queries).
        traces_sample_rate=0.0,
    )
    return True
