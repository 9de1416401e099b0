"""manage.py coverage_report <nis>: the numbers of a municipality's coverage report (the page's, from the same
functions, streets.coverage_report) and how long it took."""

import time

from django.core.management.base import BaseCommand, CommandError

from areas.models import Municipality
from streets.coverage_report import coverage_report, coverage_runs


class Command(BaseCommand):
    help = (
        "Print a municipality's coverage report: its addresses in no live BIN (count, share, by street with "
        "their house-number runs), the overlaps between its networks (m²), and its live networks without a "
        "coordinator or a police contact."
    )

    def add_arguments(self, parser):
        parser.add_argument("nis", help="the municipality's NIS code, e.g. 23027")
        parser.add_argument("--streets", type=int, default=20, help="list this many streets (0: none)")

    def handle(self, *args, nis, streets, **options):
        municipality = Municipality.objects.filter(nis_code=nis).first()
        if municipality is None:
            raise CommandError(f"no municipality with NIS code {nis}")
        start = time.perf_counter()
        report = coverage_report(municipality=municipality, runs=False)
        coverage_runs(report=report, rows=report.streets[:streets])
        seconds = time.perf_counter() - start
        share = f"{report.share:.1%}" if report.share is not None else "-"
        out = self.stdout.write
        out(f"{municipality.nis_code} {municipality}")
        out(f"addresses: {report.addresses}")
        out(f"in no BIN: {report.uncovered_count} ({share}) in {len(report.streets)} streets")
        for row in report.streets[:streets]:
            runs = ", ".join(
                f"{r.side} {r.first}" + (f"-{r.last}" if r.last != r.first else "") + f" ({r.count})"
                for r in row.ranges
            )
            extra = f"; without number: {', '.join(row.unnumbered)}" if row.unnumbered else ""
            out(f"  {row.street} {row.street.postcode}: {row.count}: {runs}{extra}")
        if len(report.streets) > streets > 0:
            out(f"  … {len(report.streets) - streets} more streets")
        out(f"overlaps: {len(report.overlaps)}")
        for o in report.overlaps:
            mark = "  BINs overlap!" if o.residential else ""
            out(f"  {o.first} | {o.second}: {o.m2:.1f} m²{mark}")
        out(f"networks without a coordinator or a police contact: {len(report.missing_contacts)}")
        for n in report.missing_contacts:
            lacks = [
                w
                for w, missing in (
                    ("coordinator", not n.coordinator_count),
                    ("police contact", n.police_contact_id is None),
                )
                if missing
            ]
            out(f"  {n} ({n.status}): no {' and no '.join(lacks)}")
        out(f"time: {seconds:.3f} s")
