"""Request limits on what anyone may do without logging in: sign-up, link request, proposal, reaction."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.throttle import JOIN_EMAIL, JOIN_IP, LINK_EMAIL, LINK_IP, PROPOSE_IP, client_address
from members.models import Member

from .helpers import JOIN, JOIN_API, join_steps

pytestmark = pytest.mark.django_db


def page_client(address="192.0.2.10"):
    return Client(headers={"accept-language": "en"}, REMOTE_ADDR=address)


def test_link_requests_per_e_mail_address_stop_before_the_mailbox_floods(town, mailbox):
    c = page_client()
    for _ in range(LINK_EMAIL.count):
        assert c.post(reverse("members:request-link"), {"email": "victim@example.be"}).status_code == 200
    refused = c.post(reverse("members:request-link"), {"email": "Victim@Example.be "})
    assert refused.status_code == 429
    assert "Too many requests" in refused.content.decode()
    # Another address from the same client still gets its answer, up to the client's own limit.
    assert c.post(reverse("members:request-link"), {"email": "other@example.be"}).status_code == 200


def test_link_requests_per_client_address(town, mailbox):
    c = page_client("198.51.100.7")
    statuses = [
        c.post(reverse("members:request-link"), {"email": f"p{n}@example.be"}).status_code
        for n in range(LINK_IP.count + 1)
    ]
    assert statuses == [200] * LINK_IP.count + [429]
    assert (
        page_client("198.51.100.8")
        .post(reverse("members:request-link"), {"email": "p99@example.be"})
        .status_code
        == 200
    )


def test_sign_ups_per_e_mail_address_page_and_api(town, mailbox):
    c = page_client()
    for n in range(JOIN_EMAIL.count):
        r = join_steps(c, {**JOIN, "name": f"Anna {n}"})
        assert r.status_code == 302, r.content.decode()[:500]
    r = join_steps(c, JOIN)
    assert r.status_code == 429 and "Too many requests" in r.content.decode()
    api = APIClient(REMOTE_ADDR="192.0.2.11", HTTP_ACCEPT_LANGUAGE="en")
    r = api.post(reverse("api:members-join"), {**JOIN_API, "email": JOIN["email"]}, format="json")
    assert r.status_code == 429 and "Too many requests" in r.json()["detail"]
    assert r["Retry-After"] == str(JOIN_EMAIL.seconds)
    assert Member.objects.filter(email=JOIN["email"]).count() == 1


def test_sign_ups_per_client_address(town, settings, mailbox):
    api = APIClient(REMOTE_ADDR="203.0.113.5")
    url = reverse("api:members-join")
    answers = [
        api.post(url, {**JOIN_API, "email": f"n{n}@example.be", "name": f"N {n}"}, format="json").status_code
        for n in range(JOIN_IP.count + 1)
    ]
    assert answers[-1] == 429 and set(answers[:-1]) == {202}
    # A JSON body that is not an object is a 400, not a 500, even here.
    cache.clear()
    assert api.post(url, ["not", "an", "object"], format="json").status_code == 400


def test_proposals_per_client_address(town, mailbox):
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    url = reverse("api:network-propose")
    answers = [api.post(url, {}, format="json").status_code for _ in range(PROPOSE_IP.count + 1)]
    assert answers == [400] * PROPOSE_IP.count + [429]


def test_behind_trusted_proxies_the_forwarded_address_counts(settings, rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.2")
    assert client_address(request) == "10.0.0.1"  # no proxy trusted: the header is anyone's to write
    settings.BIN_TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.2"
    settings.BIN_TRUSTED_PROXIES = 2
    assert client_address(request) == "198.51.100.1"
    settings.BIN_TRUSTED_PROXIES = 3
    assert client_address(request) == "10.0.0.1"


def test_the_cache_holds_no_e_mail_address(town, mailbox):
    page_client().post(reverse("members:request-link"), {"email": "secret.person@example.be"})
    keys = list(cache._cache.keys())  # the local-memory cache of the tests
    assert keys and not [k for k in keys if "secret" in k or "example" in k]


def test_limits_can_be_switched_off(town, settings, mailbox):
    settings.BIN_THROTTLE_ENABLED = False
    c = page_client()
    statuses = {
        c.post(reverse("members:request-link"), {"email": "x@example.be"}).status_code
        for _ in range(LINK_EMAIL.count + 2)
    }
    assert statuses == {200}
