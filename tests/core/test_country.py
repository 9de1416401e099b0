"""The country profile (core/country.py) in the default Belgian run; tests/nl/ checks the Dutch one."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from core.country import COUNTRIES, profile, validate_municipality_code
from tests.country import belgium_only

pytestmark = belgium_only


def test_the_default_profile_is_belgium():
    assert settings.BIN_COUNTRY == "BE" and profile().code == "BE"
    assert settings.BIN_STORAGE_SRID == profile().storage_srid == 31370
    assert [code for code, _name in settings.LANGUAGES] == ["nl", "fr", "de", "en"]
    assert profile().emergency_text() == "In an emergency call 112, or 101 for the police."
    assert str(profile().term("police_contact")) == "neighbourhood police officer"


def test_the_municipality_code_follows_the_profile(settings):
    validate_municipality_code("23027")
    with pytest.raises(ValidationError, match="NIS code such as 23027"):
        validate_municipality_code("GM0363")
    settings.BIN_COUNTRY = "NL"
    validate_municipality_code("GM0363")
    with pytest.raises(ValidationError, match="CBS code such as GM0363"):
        validate_municipality_code("23027")


def test_each_profile_has_every_term_and_valid_examples():
    keys = {frozenset(country.terms) for country in COUNTRIES.values()}
    assert len(keys) == 1
    for country in COUNTRIES.values():
        assert country.valid_municipality_code(country.municipality_code_example)
    assert COUNTRIES["NL"].valid_postcode("1234AB") and not COUNTRIES["NL"].valid_postcode("0123AB")
    assert COUNTRIES["BE"].valid_postcode("1502") and not COUNTRIES["BE"].valid_postcode("0502")
