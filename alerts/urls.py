from django.urls import path

from . import views
from .api import views as api

urlpatterns = [
    path("api/alerts/", api.AlertListCreateView.as_view(), name="alert-list"),
    path("api/alerts/preview/", api.AlertPreviewView.as_view(), name="alert-preview"),
    path("api/alerts/stats/", api.AlertStatsView.as_view(), name="alert-stats"),
    path("api/alerts/tips/", api.TipListView.as_view(), name="alert-tips"),
    path("api/alerts/tips/<int:pk>/", api.TipDetailView.as_view(), name="alert-tip"),
    path("api/alerts/<int:pk>/", api.AlertDetailView.as_view(), name="alert-detail"),
    path("api/alerts/<int:pk>/send/", api.AlertSendView.as_view(), name="alert-send"),
    path(
        "api/alerts/<int:pk>/update/", api.AlertFollowUpView.as_view(msg_type="update"), name="alert-update"
    ),
    path(
        "api/alerts/<int:pk>/cancel/", api.AlertFollowUpView.as_view(msg_type="cancel"), name="alert-cancel"
    ),
    path(
        "api/alerts/<int:pk>/feedback/",
        api.AlertFollowUpView.as_view(msg_type="feedback"),
        name="alert-feedback",
    ),
    path("api/alerts/<int:pk>/reactions/", api.AlertReactionsView.as_view(), name="alert-reactions"),
    path("api/alerts/<int:pk>/cap.xml", api.AlertCapView.as_view(), name="alert-cap"),
    path("alerts/new/", views.alert_new, name="alert-new"),
    path("r/<str:token>/", views.alert_react, name="alert-react"),
]
