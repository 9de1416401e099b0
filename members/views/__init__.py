"""Membership pages: join, confirm, self-service, start a BIN; and the coordinators' and partners' pages.

Members have no account: their pages open with the signed link from their e-mails. Coordinators, police
officers and municipality staff log in (access app); what each sees is decided in access/permissions.py, and
member data reaches a page only through the selectors that write the access log.
"""

from .joining import join, join_consent, join_details, join_network, join_sent
from .public import (
    confirm,
    erase,
    export,
    invitation,
    leave,
    manage,
    network_start,
    network_start_sent,
    request_link,
    sign_out,
)
from .staff import (
    counts_page_json,
    dashboard,
    decide,
    member_detail,
    member_register,
    network_members_csv,
    network_members_page,
    pending,
)

__all__ = [
    "confirm",
    "counts_page_json",
    "dashboard",
    "decide",
    "erase",
    "export",
    "invitation",
    "join",
    "join_consent",
    "join_details",
    "join_network",
    "join_sent",
    "leave",
    "manage",
    "member_detail",
    "member_register",
    "network_members_csv",
    "network_members_page",
    "network_start",
    "network_start_sent",
    "pending",
    "request_link",
    "sign_out",
]
