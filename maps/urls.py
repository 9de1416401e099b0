"""Pages with a map (namespace "maps"): the resident's lookup at the root; per municipality (by NIS code or
name) and per police zone, full page and embeddable; the police alert map, an alert's page and the
evaluation map; the caching tile proxy (BIN_TILE_PROXY, core/tiles.py)."""

from django.urls import path

from . import views
from .tiles import tile

app_name = "maps"

urlpatterns = [
    path("", views.resident_lookup, name="lookup"),
    # Where a login leads (settings.LOGIN_REDIRECT_URL): on to the user's own start page.
    path("home/", views.home, name="home"),
    path("police/", views.police_home, name="police-home"),
    path("municipality/", views.municipality_home, name="municipality-home"),
    path("maps/zone/<int:number>/", views.police_zone_page, name="police-zone"),
    path("maps/zone/<int:number>/embed/", views.police_zone_embed, name="police-zone-embed"),
    path("maps/zone/<int:number>/alert/", views.police_alert_page, name="police-alert"),
    path("maps/zone/<int:number>/evaluation/", views.evaluation_page, name="evaluation"),
    path("maps/alerts/<int:pk>/", views.alert_page, name="alert"),
    path("maps/alerts/<int:pk>/approval/", views.alert_approval_page, name="alert-approval"),
    path("maps/<str:key>/", views.municipality_page, name="municipality"),
    path("maps/<str:key>/embed/", views.municipality_embed, name="municipality-embed"),
    # core.tiles.PROXY_PATH
    path("tiles/<int:z>/<int:x>/<int:y>.png", tile, name="tile"),
]
