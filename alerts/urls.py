"""Alert pages (namespace "alerts"): the officer's form, the member's reaction page, a zone's templates and
saved areas."""

from django.urls import path

from . import content_views, relay_views, views

app_name = "alerts"

urlpatterns = [
    path("alerts/new/", views.alert_new, name="new"),
    path("r/<str:token>/", views.alert_react, name="react"),
    path("alerts/relay/", relay_views.relay_list, name="relays"),
    path("alerts/relay/<int:pk>/", relay_views.relay_page, name="relay"),
    path("alerts/zone/<int:number>/content/", content_views.alert_content_page, name="content"),
]
