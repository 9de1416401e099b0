"""Pages with a map (namespace "maps"): the resident's lookup at the root; per municipality (by NIS code or
name) and per police zone, full page and embeddable; the police alert map, an alert's page and the
evaluation map. The tiles are in maps/tile_urls.py."""

from django.urls import path

from . import views
from .views.coverage import municipality_coverage
from .views.municipalities import municipality_list

app_name = "maps"

# Under the language prefix (/nl/, /fr/, /de/, /en/: project/urls.py). The tiles are not pages and have no
# prefix: maps/tile_urls.py (namespace "tiles").
urlpatterns = [
    path("", views.resident_lookup, name="lookup"),
    # Where a login leads (settings.LOGIN_REDIRECT_URL): on to the user's own start page.
    path("home/", views.home, name="home"),
    path("police/", views.police_home, name="police-home"),
    path("municipality/", views.municipality_home, name="municipality-home"),
    # The coverage report of a municipality (addresses in no BIN, overlaps, missing contacts).
    path("municipality/<str:nis>/coverage/", municipality_coverage, name="municipality-coverage"),
    # Every municipality with a BIN on the map (the home page's "maps" link).
    path("maps/", municipality_list, name="municipalities"),
    path("maps/zone/<int:number>/", views.police_zone_page, name="police-zone"),
    path("maps/zone/<int:number>/embed/", views.police_zone_embed, name="police-zone-embed"),
    path("maps/zone/<int:number>/alert/", views.police_alert_page, name="police-alert"),
    path("maps/zone/<int:number>/evaluation/", views.evaluation_page, name="evaluation"),
    path("maps/alerts/<int:pk>/", views.alert_page, name="alert"),
    path("maps/alerts/<int:pk>/approval/", views.alert_approval_page, name="alert-approval"),
    path("maps/<str:key>/", views.municipality_page, name="municipality"),
    path("maps/<str:key>/embed/", views.municipality_embed, name="municipality-embed"),
]
