"""The lookup and street API (under /api/, namespace "api"): address and point lookup, street autocomplete,
the networks of a street, the streets of a network."""

from django.urls import path

from . import views
from .street_lists import MunicipalityStreetListsView

urlpatterns = [
    path("lookup/", views.LookupView.as_view(), name="lookup"),
    path("streets/", views.StreetSearchView.as_view(), name="street-search"),
    path("streets/<int:pk>/networks/", views.StreetNetworksView.as_view(), name="street-networks"),
    path("networks/<slug:slug>/streets/", views.NetworkStreetsView.as_view(), name="network-streets"),
    path(
        "municipalities/<str:key>/street-lists.csv",
        MunicipalityStreetListsView.as_view(),
        name="municipality-street-lists",
    ),
]
