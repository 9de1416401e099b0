"""The alerts API (under /api/, namespace "api"): preview, send, follow up, reactions, CAP, statistics,
tips."""

from django.urls import path

from . import approval, content, views

urlpatterns = [
    path("alerts/", views.AlertListCreateView.as_view(), name="alert-list"),
    path("alerts/preview/", views.AlertPreviewView.as_view(), name="alert-preview"),
    path("alerts/stats/", views.AlertStatsView.as_view(), name="alert-stats"),
    path("alerts/tips/", views.TipListView.as_view(), name="alert-tips"),
    path("alerts/tips/<int:pk>/", views.TipDetailView.as_view(), name="alert-tip"),
    path("alerts/templates/", content.TemplateListView.as_view(), name="alert-templates"),
    path("alerts/templates/<int:pk>/", content.TemplateDetailView.as_view(), name="alert-template"),
    path("alerts/areas/", content.SavedAreaListView.as_view(), name="alert-areas"),
    path("alerts/areas/<int:pk>/", content.SavedAreaDetailView.as_view(), name="alert-area"),
    path("alerts/pending/", approval.AlertPendingListView.as_view(), name="alert-pending"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="alert-detail"),
    path("alerts/<int:pk>/edit/", approval.AlertEditView.as_view(), name="alert-edit"),
    path("alerts/<int:pk>/submit/", approval.AlertSubmitView.as_view(), name="alert-submit"),
    path("alerts/<int:pk>/approve/", approval.AlertApproveView.as_view(), name="alert-approve"),
    path("alerts/<int:pk>/return/", approval.AlertReturnView.as_view(), name="alert-return"),
    path("alerts/<int:pk>/history/", approval.AlertHistoryView.as_view(), name="alert-history"),
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
