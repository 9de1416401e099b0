"""The Content-Security-Policy header of responses without a nonce is built once (core.middleware); it must be
the header django-csp builds, follow the settings, and never serve a page that needs a nonce."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from core import middleware


def api_csp(client) -> str:
    return client.get(reverse("api:network-list"))["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_cached_header_is_django_csps(town):
    client = Client()
    middleware._plain_policy_headers.clear()
    built = api_csp(client)  # built by django-csp, then kept
    assert middleware._plain_policy_headers[False] == [("Content-Security-Policy", built)]
    assert api_csp(client) == built
    assert "default-src" in built and "nonce-" not in built


@pytest.mark.django_db
def test_pages_with_scripts_still_get_their_own_nonce(town):
    client = Client()
    api_csp(client)
    nonces = []
    for _ in range(2):
        response = client.get(reverse("maps:municipality", args=["99001"]))
        header = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", header).group(1)
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.django_db
def test_a_changed_policy_is_a_new_header(town):
    client = Client()
    before = api_csp(client)
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "frame-ancestors": ["'self'", "https://example.be"]}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        changed = api_csp(client)
    assert changed != before and "https://example.be" in changed
    assert api_csp(client) == before
