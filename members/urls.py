from django.urls import path

from . import views
from .views import addresses, push

app_name = "members"

urlpatterns = [
    # Joining, and proposing a new BIN.
    path("bin/join/", views.join, name="join"),
    path("bin/start/", views.network_start, name="network-start"),
    path("bin/<slug:slug>/join/", views.join, name="network-join"),
    path("bin/join/bin/", views.join_network, name="join-network"),
    path("bin/join/details/", views.join_details, name="join-details"),
    path("bin/join/consent/", views.join_consent, name="join-consent"),
    path("bin/join/sent/", views.join_sent, name="join-sent"),
    path("bin/start/sent/", views.network_start_sent, name="network-start-sent"),
    path("members/confirm/<str:token>/", views.confirm, name="confirm"),
    # Self-service, through the signed link.
    path("members/link/", views.request_link, name="request-link"),
    path("members/manage/<str:token>/", views.manage, name="manage"),
    path("members/manage/<str:token>/leave/<slug:slug>/", views.leave, name="leave"),
    path("members/manage/<str:token>/my-data.json", views.export, name="export"),
    path("members/manage/<str:token>/erase/", views.erase, name="erase"),
    # Further addresses (up to five in all).
    path("members/manage/<str:token>/addresses/", addresses.addresses_page, name="addresses"),
    path(
        "members/manage/<str:token>/addresses/<int:pk>/", addresses.address_channels, name="address-channels"
    ),
    path(
        "members/manage/<str:token>/addresses/<int:pk>/remove/",
        addresses.address_remove,
        name="address-remove",
    ),
    path("members/manage/<str:token>/sign-out/", views.sign_out, name="sign-out"),
    # Web Push: the browser's subscription (JSON, from members/static/members/push.js).
    path("members/manage/<str:token>/push/", push.push_subscribe, name="push-subscribe"),
    path("members/manage/<str:token>/push/off/", push.push_unsubscribe, name="push-unsubscribe"),
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
