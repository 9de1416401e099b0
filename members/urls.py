from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    # Joining, and proposing a new BIN.
    path("bin/join/", views.join, name="join"),
    path("bin/start/", views.network_start, name="network-start"),
    path("bin/<slug:slug>/join/", views.join, name="network-join"),
    path("bin/join/sent/", views.join_sent, name="join-sent"),
    path("bin/start/sent/", views.network_start_sent, name="network-start-sent"),
    path("members/confirm/<str:token>/", views.confirm, name="confirm"),
    # Self-service, through the signed link.
    path("members/link/", views.request_link, name="request-link"),
    path("members/manage/<str:token>/", views.manage, name="manage"),
    path("members/manage/<str:token>/leave/<slug:slug>/", views.leave, name="leave"),
    path("members/manage/<str:token>/my-data.json", views.export, name="export"),
    path("members/manage/<str:token>/erase/", views.erase, name="erase"),
    path("members/manage/<str:token>/sign-out/", views.sign_out, name="sign-out"),
    path("members/invitation/<str:token>/", views.invitation, name="invitation"),
    # Coordinators, police officers, municipality staff.
    path("coordinator/", views.dashboard, name="dashboard"),
    path("coordinator/pending/", views.pending, name="pending"),
    path("coordinator/memberships/<int:pk>/decision/", views.decide, name="decide"),
    path("coordinator/members/<int:pk>/", views.member_detail, name="member-detail"),
    path("coordinator/bin/<slug:slug>/members/", views.network_members_page, name="network-members"),
    path("coordinator/bin/<slug:slug>/members.csv", views.network_members_csv, name="network-members-csv"),
    path("coordinator/bin/<slug:slug>/register/", views.member_register, name="member-register"),
    path("coordinator/counts.json", views.counts_page_json, name="counts"),
]
