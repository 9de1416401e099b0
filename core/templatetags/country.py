"""The country profile in templates: `{% load country %}{% country_profile as country %}`, then
{{ country.emergency_number }}, {{ country.police_number }}, {{ country.emergency_text }}: core/country.py."""

from django import template

from core.country import CountryProfile, profile

__all__ = ["country_profile", "country_term"]

register = template.Library()


@register.simple_tag
def country_profile() -> CountryProfile:
    return profile()


@register.simple_tag
def country_term(key: str) -> str:
    """The country's word for a thing, translated: {% country_term "police_contact" %}."""
    return str(profile().term(key))
