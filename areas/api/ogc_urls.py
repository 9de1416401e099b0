"""The OGC API - Features (areas.api.ogc) under /ogc/, namespace "ogc" (project/urls.py)."""

from django.urls import path

from . import ogc

app_name = "ogc"

urlpatterns = [
    path("", ogc.LandingView.as_view(), name="landing"),
    path("api", ogc.ApiDefinitionView.as_view(), name="api"),
    path("conformance", ogc.ConformanceView.as_view(), name="conformance"),
    path("collections", ogc.CollectionsView.as_view(), name="collections"),
    path("collections/<str:collection_id>", ogc.CollectionView.as_view(), name="collection"),
    path("collections/<str:collection_id>/items", ogc.ItemsView.as_view(), name="items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", ogc.ItemView.as_view(), name="item"),
]
