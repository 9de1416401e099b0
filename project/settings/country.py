"""The country of this deployment (core/country.py: BIN_COUNTRY=BE|NL) and the settings whose defaults
follow from it. base.py imports these before it uses them; each can still be set on its own."""

import environ
from django.core.exceptions import ImproperlyConfigured

__all__ = ["BIN_COUNTRY", "BIN_LANGUAGE_CODES", "BIN_SERVICE_BBOX", "BIN_STORAGE_SRID", "LANGUAGES"]

env = environ.Env()

BIN_COUNTRY = env("BIN_COUNTRY", default="BE").upper()
if BIN_COUNTRY not in ("BE", "NL"):
    raise ImproperlyConfigured(f"BIN_COUNTRY must be BE or NL, not {BIN_COUNTRY!r}")
_NL = BIN_COUNTRY == "NL"

# Every geometry is stored in one metric national CRS: Belgian Lambert 72 (EPSG:31370, BeST Address and the
# cadastre) or Amersfoort / RD New (EPSG:28992, the BAG). Changing it after the first migration means a new
# database.
BIN_STORAGE_SRID = env.int("BIN_STORAGE_SRID", default=28992 if _NL else 31370)
# The service area in EPSG:4326 (west, south, east, north): the country with a margin.
_BBOX = [3.2, 50.7, 7.3, 53.6] if _NL else [2.3, 49.4, 6.5, 51.6]
BIN_SERVICE_BBOX = tuple(env.list("BIN_SERVICE_BBOX", cast=float, default=_BBOX))
# The pages' languages: Dutch, French and German in Belgium (German for the East Cantons where data has
# it), Dutch in the Netherlands; English in both.
BIN_LANGUAGE_CODES = ("nl", "en") if _NL else ("nl", "fr", "de", "en")
_NAMES = {"nl": "Nederlands", "fr": "Français", "de": "Deutsch", "en": "English"}
LANGUAGES = [(code, _NAMES[code]) for code in BIN_LANGUAGE_CODES]
