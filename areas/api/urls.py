"""The networks API (under /api/, namespace "api"): the GeoJSON feed and one network, registered on the
project's one router (project/api_router.py)."""

from .views import NetworkViewSet

VIEWSETS = [("networks", NetworkViewSet, "network")]
