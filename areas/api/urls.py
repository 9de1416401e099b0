from django.urls import include, path
from rest_framework.routers import DefaultRouter

from streets.api import views as street_views

from .views import NetworkViewSet

app_name = "api"

router = DefaultRouter()
router.register("networks", NetworkViewSet, basename="network")

urlpatterns = [
    path("lookup/", street_views.LookupView.as_view(), name="lookup"),
    path("streets/", street_views.StreetSearchView.as_view(), name="street-search"),
    path("streets/<int:pk>/networks/", street_views.StreetNetworksView.as_view(), name="street-networks"),
    path("", include(router.urls)),
]
