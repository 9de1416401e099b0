"""The alerts API (under /api/, namespace "api"): preview, send, follow up, reactions, CAP, statistics,
tips."""

from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.AlertListCreateView.as_view(), name="alert-list"),
    path("alerts/preview/", views.AlertPreviewView.as_view(), name="alert-preview"),
    path("alerts/stats/", views.AlertStatsView.as_view(), name="alert-stats"),
    path("alerts/tips/", views.TipListView.as_view(), name="alert-tips"),
    path("alerts/tips/<int:pk>/", views.TipDetailView.as_view(), name="alert-tip"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="alert-detail"),
    path("alerts/<int:pk>/send/", views.AlertSendView.as_view(), name="alert-send"),
    path("alerts/<int:pk>/update/", views.AlertFollowUpView.as_view(msg_type="update"), name="alert-update"),
    path("alerts/<int:pk>/cancel/", views.AlertFollowUpView.as_view(msg_type="cancel"), name="alert-cancel"),
    path(
        "alerts/<int:pk>/feedback/",
        views.AlertFollowUpView.as_view(msg_type="feedback"),
        name="alert-feedback",
    ),
    path("alerts/<int:pk>/reactions/", views.AlertReactionsView.as_view(), name="alert-reactions"),
    path("alerts/<int:pk>/progress/", views.AlertProgressView.as_view(), name="alert-progress"),
    path("alerts/<int:pk>/cap.xml", views.AlertCapView.as_view(), name="alert-cap"),
]
