"""Fixtures of the map tests (the town is tests/town.py's): Debian's Chromium, driven by Playwright, for
test_browser*.py."""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

# --- the browser (test_browser*.py) ------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with
    # a running loop unless told it is safe (it is: the loop is Playwright's, not an async view's).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Once Playwright has started, this thread's code runs on in the contextvars context of Playwright's
    # loop, and Django's connections, kept in a context variable (asgiref.local.Local), are other objects
    # there: without the serialized copy of the migrations' rows that pytest-django put on the first ones.
    # Without it, serialized_rollback would neither restore those rows before a test nor keep the flush
    # after it from creating the content types anew, with other ids that the next test restoring them
    # collides with (the worker tests, whichever order they run in).
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections
    }
    try:
        with sync_playwright() as p:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def is_csp_report(message: str) -> bool:
    """Chromium's console message when the Content-Security-Policy refused something."""
    return "Content Security Policy" in message or "Content-Security-Policy" in message


@pytest.fixture
def page(browser):
    """A page whose JavaScript errors and Content-Security-Policy refusals fail the test (page.errors and
    page.csp_reports: a test that expects a refusal takes it out of the list)."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    requests = []

    def only_local(route):
        url = route.request.url
        requests.append(url)
        parsed = urlparse(url)
        if parsed.scheme in ("file", "data", "about") or parsed.hostname in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.errors = []
    page.csp_reports = []
    page.requests = requests
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    # Every frame's console, the frames of other origins included.
    page.on("console", lambda msg: is_csp_report(msg.text) and page.csp_reports.append(msg.text))
    yield page
    context.close()
    assert page.errors == [], f"JavaScript errors: {page.errors}"
    assert page.csp_reports == [], f"Content-Security-Policy refusals: {page.csp_reports}"


def log_in(page, live_server, user):
    """The session of `user` as a cookie of the live server (what the login form would leave)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
