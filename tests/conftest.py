"""Shared fixtures: the town (tests/town.py), English messages, empty request counters and SMS outbox, and
the fixtures several apps' tests build on the town. Tests assert on English messages; requests through
the test client still get the language they ask for (Accept-Language, LocaleMiddleware)."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from members.models import Membership

from .factories import alert_sent, member_at
from .town import town

__all__ = ["town"]


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_request_limits():
    """Each test starts with the request limits' counters at zero (they live in the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    """The console SMS backend keeps what it sent in a list: empty before and after each test."""
    from alerts.backends import sms as sms_backends

    sms_backends.outbox.clear()
    yield
    sms_backends.outbox.clear()


@pytest.fixture
def api():
    # The messages are asserted in English; without this header the site speaks Dutch (LANGUAGE_CODE).
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def density(town):
    """Members of the town placed for the density grid of PZ Testzone (on top of the town).

    The grid's 250 m cells are centred on multiples of 250 m (as X0 and Y0 are): four approved members of
    BIN Alfa share the cell centred at (250, 500); two of BIN Beta share (1500, 500) and stay hidden (below
    3); one of BIN Gamma is alone; a pending member of Alfa and a member of BIN Elders (the other zone) are
    not counted.
    """
    alfa = [member_at(x, y, town.alfa) for x, y in ((310, 420), (330, 460), (360, 380), (340, 440))]
    beta = [member_at(x, y, town.beta) for x, y in ((1560, 530), (1590, 560))]
    gamma = [member_at(5300, 300, town.gamma)]
    pending = member_at(320, 430, town.alfa, status=Membership.Status.PENDING)
    elsewhere = member_at(12700, 700, town.elders)
    return {
        "alfa": alfa,
        "beta": beta,
        "gamma": gamma,
        "pending": pending,
        "elsewhere": elsewhere,
        "counted": alfa + beta + gamma,
    }


@pytest.fixture
def send_alert(django_capture_on_commit_callbacks):
    """Send an alert through the alerts services (tests.factories.alert_sent) and run the fan-out
    in-process; `sent_at` moves it in time afterwards."""
    from alerts.models import Alert

    def _send(user, *, center, sent_at=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            alert = alert_sent(user, center=center, **kwargs)
        if sent_at is not None:
            Alert.objects.filter(pk=alert.pk).update(sent_at=sent_at)
            alert.refresh_from_db()
        return alert

    return _send
