from django.urls import path

from . import views

urlpatterns = [
    path("", views.resident_lookup, name="resident-lookup"),
    path("bin/start/", views.network_start, name="network-start"),
    path("bin/<slug:slug>/join/", views.network_join, name="network-join"),
]
