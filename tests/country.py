"""Marks for tests of one country profile (core/country.py). The suite runs with BIN_COUNTRY=BE; `scripts/
dev.sh test` runs tests/nl/ and the lookup suite a second time with BIN_COUNTRY=NL (RD New, its own test
database), where the Belgian-only tests skip themselves."""

import pytest
from django.conf import settings

__all__ = ["belgium_only", "netherlands_only"]

# Belgian address conventions (French street names, "bus 2") or Belgian numbers and coordinates.
belgium_only = pytest.mark.skipif(
    settings.BIN_COUNTRY != "BE", reason="Belgian profile only (BIN_COUNTRY=BE)"
)
netherlands_only = pytest.mark.skipif(
    settings.BIN_COUNTRY != "NL",
    reason="Dutch profile only: runs in the BIN_COUNTRY=NL pass of scripts/dev.sh test",
)
