"""Public map pages: per municipality (by NIS code or name) and per police zone, full page and embeddable."""

from django.urls import path

from . import views

app_name = "maps"

urlpatterns = [
    path("zone/<int:number>/", views.police_zone_page, name="police-zone"),
    path("zone/<int:number>/embed/", views.police_zone_embed, name="police-zone-embed"),
    path("<str:key>/", views.municipality_page, name="municipality"),
    path("<str:key>/embed/", views.municipality_embed, name="municipality-embed"),
]
