"""Shared fixtures. Tests assert on English messages; requests through the test client still get the
language they ask for (Accept-Language, LocaleMiddleware)."""

import pytest
from django.utils import translation


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
