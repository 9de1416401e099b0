"""Alert pages (namespace "alerts"): the officer's form and the member's reaction page."""

from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/new/", views.alert_new, name="new"),
    path("r/<str:token>/", views.alert_react, name="react"),
]
