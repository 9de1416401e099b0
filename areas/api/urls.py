"""The networks API (under /api/, namespace "api"): the GeoJSON feed and one network, registered on the
project's one router (project/api_router.py); a municipality's and a police zone's networks as GIS files."""

from django.urls import path

from .downloads import MunicipalityNetworksDownload, PoliceZoneNetworksDownload
from .views import NetworkViewSet

VIEWSETS = [("networks", NetworkViewSet, "network")]

urlpatterns = [
    path(
        "municipalities/<str:key>/networks.<str:fmt>",
        MunicipalityNetworksDownload.as_view(),
        name="municipality-networks-file",
    ),
    path(
        "police-zones/<int:number>/networks.<str:fmt>",
        PoliceZoneNetworksDownload.as_view(),
        name="police-zone-networks-file",
    ),
]
