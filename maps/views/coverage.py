"""The coverage report of a municipality (streets.coverage_report) for its staff, the police of its zone and
administrators (access.permissions.can_see_coverage): a page with the map and the lists, and the addresses
in no BIN as CSV (?format=csv) or the whole report as JSON (?format=json)."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from access.permissions import can_admin_in_municipality, can_see_coverage
from areas.models import Municipality, Network
from streets.coverage_report import CoverageReport, coverage_report, coverage_runs

from ..builders import municipality_name
from ..coverage import coverage_map, coverage_points_note
from .public import map_parts

__all__ = ["CSV_COLUMNS", "municipality_coverage"]

# Streets per page of the list: a municipality with thousands of uncovered addresses stays a light page.
STREETS_PER_PAGE = 100
MAP_HEIGHT = "100%"  # the page sizes the map's frame
CSV_COLUMNS = ["nis_code", "street", "postcode", "house_number", "box_number", "longitude", "latitude"]


def _cell(text: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheet programs: quote it (as members.exports does).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(report: CoverageReport) -> HttpResponse:
    nis = report.municipality.nis_code
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{nis}-addresses-in-no-bin.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    names = {row.street.pk: str(row.street) for row in report.streets}
    for a in report.uncovered:
        writer.writerow(
            [
                nis,
                _cell(names[a.street_id]),
                a.postcode,
                _cell(a.house_number),
                _cell(a.box_number),
                f"{a.lon:.7f}",
                f"{a.lat:.7f}",
            ]
        )
    return response


def _network(n: Network) -> dict:
    return {"slug": n.slug, "name": n.name, "kind": n.kind, "status": n.status}


def _json(report: CoverageReport) -> dict:
    return {
        "municipality": report.municipality.nis_code,
        "addresses": report.addresses,
        "uncovered": report.uncovered_count,
        "uncovered_share": report.share,
        "streets": [
            {
                "street_id": row.street.pk,
                "street": str(row.street),
                "postcode": row.street.postcode,
                "count": row.count,
                "ranges": [
                    {"side": r.side, "from": r.first, "to": r.last, "count": r.count} for r in row.ranges
                ],
                "unnumbered": row.unnumbered,
            }
            for row in report.streets
        ],
        "overlaps": [
            {
                "first": _network(o.first),
                "second": _network(o.second),
                "m2": round(o.m2, 2),
                "residential": o.residential,
            }
            for o in report.overlaps
        ],
        "missing_contacts": [
            {
                **_network(n),
                "coordinator": n.coordinator_count > 0,
                "police_contact": n.police_contact_id is not None,
            }
            for n in report.missing_contacts
        ],
    }


def _missing_rows(request, report: CoverageReport) -> list[dict]:
    admin = can_admin_in_municipality(request.user, report.municipality.pk)
    return [
        {
            "network": n,
            "coordinator": n.coordinator_count > 0,
            "police_contact": n.police_contact_id is not None,
            "admin_url": reverse("admin:areas_network_change", args=[n.pk]) if admin else None,
        }
        for n in report.missing_contacts
    ]


@never_cache
@login_required
def municipality_coverage(request, nis):
    """The coverage report of the municipality with NIS code `nis`."""
    municipality = get_object_or_404(Municipality.objects.select_related("police_zone"), nis_code=nis)
    if not can_see_coverage(request.user, municipality):
        raise PermissionDenied(_("The coverage report is for the municipality and the police of its zone."))
    form = request.GET.get("format")
    # The CSV lists addresses, and the page shows the runs of one page of streets: neither needs them all.
    report = coverage_report(municipality=municipality, runs=form == "json")
    if form == "csv":
        return _csv(report)
    if form == "json":
        return JsonResponse(_json(report))
    # Every network but the dissolved ones, published or not, as the police maps show them.
    networks = Network.objects.existing().filter(municipality=municipality)
    page = Paginator(report.streets, STREETS_PER_PAGE).get_page(request.GET.get("page"))
    coverage_runs(report=report, rows=list(page.object_list))
    context = {
        "title": _("Coverage of %(name)s") % {"name": municipality_name(municipality)},
        "municipality": municipality,
        "report": report,
        "share_percent": None if report.share is None else report.share * 100,
        "streets_page": page,
        "overlaps": report.overlaps,
        "missing": _missing_rows(request, report),
        "points_note": coverage_points_note(report),
        **map_parts(coverage_map(report=report, networks=networks, height=MAP_HEIGHT)),
    }
    return render(request, "maps/coverage_page.html", context)
