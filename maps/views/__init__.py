"""The pages with a map: the resident's lookup, the public maps of municipalities and police zones, and the
police maps."""

from .lookup import resident_lookup
from .police import alert_page, evaluation_page, police_alert_page
from .public import municipality_embed, municipality_page, police_zone_embed, police_zone_page

__all__ = [
    "alert_page",
    "evaluation_page",
    "municipality_embed",
    "municipality_page",
    "police_alert_page",
    "police_zone_embed",
    "police_zone_page",
    "resident_lookup",
]
