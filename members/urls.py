from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    # Joining. /bin/<slug>/join/ (name "network-join") and /bin/start/ ("network-start") are wired in
    # streets/urls.py to views here, under the names other pages already use.
    path("bin/join/", views.join, name="join"),
    path("bin/join/sent/", views.join_sent, name="join-sent"),
    path("bin/start/sent/", views.network_start_sent, name="network-start-sent"),
    path("members/confirm/<str:token>/", views.confirm, name="confirm"),
    # Self-service, through the signed link.
    path("members/link/", views.request_link, name="request-link"),
    path("members/manage/<str:token>/", views.manage, name="manage"),
    path("members/manage/<str:token>/leave/<slug:slug>/", views.leave, name="leave"),
    path("members/manage/<str:token>/my-data.json", views.export, name="export"),
    path("members/manage/<str:token>/erase/", views.erase, name="erase"),
    # Coordinators, police officers, municipality staff.
    path("coordinator/login/", views.LoginView.as_view(), name="login"),
    path("coordinator/logout/", auth_views.LogoutView.as_view(next_page="members:login"), name="logout"),
    path("coordinator/", views.dashboard, name="dashboard"),
    path("coordinator/pending/", views.pending, name="pending"),
    path("coordinator/memberships/<int:pk>/decision/", views.decide, name="decide"),
    path("coordinator/members/<int:pk>/", views.member_detail, name="member-detail"),
    path("coordinator/bin/<slug:slug>/members/", views.network_members_page, name="network-members"),
    path("coordinator/bin/<slug:slug>/members.csv", views.network_members_csv, name="network-members-csv"),
    path("coordinator/bin/<slug:slug>/register/", views.member_register, name="member-register"),
    path("coordinator/counts.json", views.counts_page_json, name="counts"),
]
