"""The shapes member data leaves in: the CSV member list and the counts (shared by pages and API)."""

import csv

from django.http import HttpResponse
from django.utils import timezone

from areas.models import Network
from core.geometry import to_wgs84

from .models import Membership

__all__ = ["CSV_COLUMNS", "counts_json", "members_csv"]


CSV_COLUMNS = [
    "status",
    "kind",
    "name",
    "business_name",
    "business_type",
    "contact_person",
    "address",
    "address_unverified",
    "latitude",
    "longitude",
    "mobile",
    "email",
    "landline",
    "language",
    "quiet_hours_from",
    "quiet_hours_until",
    "requested_at",
    "decided_at",
]


def _safe(text: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheet programs: quote it (names, addresses).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def members_csv(network: Network, memberships: list[Membership]) -> HttpResponse:
    """The member list of a network as CSV (UTF-8 with BOM, so that spreadsheets read the accents)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{network.slug}-members-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for m in memberships:
        member = m.member
        if getattr(m, "withheld", not m.shares_data):
            # A request not confirmed or an invitation not accepted: its status and date, no member data.
            row = dict.fromkeys(CSV_COLUMNS, "")
            row.update(status=m.status, kind=member.kind, requested_at=_local(m.requested_at))
            writer.writerow([row[c] for c in CSV_COLUMNS])
            continue
        p = to_wgs84(member.point)
        writer.writerow(
            [
                m.status,
                member.kind,
                _safe(member.name),
                _safe(member.business_name),
                member.business_type,
                _safe(member.contact_person),
                _safe(member.address_text),
                "yes" if member.address_unverified else "",
                f"{p.y:.6f}",
                f"{p.x:.6f}",
                member.mobile,
                _safe(member.email),
                member.landline,
                member.language,
                member.quiet_hours_start.strftime("%H:%M") if member.quiet_hours_start else "",
                member.quiet_hours_end.strftime("%H:%M") if member.quiet_hours_end else "",
                _local(m.requested_at),
                _local(m.decided_at),
            ]
        )
    return response


def counts_json(networks, counts) -> list[dict]:
    return [
        {
            "network": n.slug,
            "name": n.name,
            "kind": n.kind,
            "status": n.status,
            "municipality": n.municipality.name,
            **counts[n.pk],
        }
        for n in networks
    ]
