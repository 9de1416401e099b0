"""The pages with a map: the resident's lookup, the public maps of municipalities and police zones, and the
police maps."""

from .approval import alert_approval_page
from .home import home, municipality_home, police_home
from .lookup import resident_lookup
from .police import alert_page, evaluation_page, police_alert_page
from .public import municipality_embed, municipality_page, police_zone_embed, police_zone_page

__all__ = [
    "alert_approval_page",
    "alert_page",
    "evaluation_page",
    "home",
    "municipality_embed",
    "municipality_home",
    "municipality_page",
    "police_alert_page",
    "police_home",
    "police_zone_embed",
    "police_zone_page",
    "resident_lookup",
]
