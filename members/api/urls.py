"""The membership API (under /api/, namespace "api"): join, member lists and counts, decisions, proposals."""

from django.urls import path

from . import views

urlpatterns = [
    path("members/join/", views.MemberJoinView.as_view(), name="members-join"),
    path("member-counts/", views.MemberCountsView.as_view(), name="member-counts"),
    path("network-proposals/", views.NetworkProposeView.as_view(), name="network-propose"),
    path("networks/<slug:slug>/members/", views.NetworkMembersView.as_view(), name="network-members"),
    path(
        "networks/<slug:slug>/members.csv", views.NetworkMembersCSVView.as_view(), name="network-members-csv"
    ),
    path(
        "networks/<slug:slug>/member-counts/",
        views.NetworkMemberCountsView.as_view(),
        name="network-member-counts",
    ),
    path("memberships/pending/", views.PendingMembershipsView.as_view(), name="memberships-pending"),
    path(
        "memberships/<int:pk>/decision/", views.MembershipDecisionView.as_view(), name="membership-decision"
    ),
]
