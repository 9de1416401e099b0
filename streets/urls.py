from django.urls import path

from members import views as member_views

from . import views

urlpatterns = [
    path("", views.resident_lookup, name="resident-lookup"),
    path("bin/start/", member_views.network_start, name="network-start"),
    path("bin/<slug:slug>/join/", member_views.join, name="network-join"),
]
