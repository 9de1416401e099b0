"""Write a municipality's (or police zone's) network map as one self-contained HTML file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from areas.models import PoliceZone
from areas.selectors import municipality_by_key
from maps.assets import standalone_html
from maps.builders import AreaMapOptions, municipality_map, municipality_name, police_zone_map


class Command(BaseCommand):
    help = (
        "Write the public map of a municipality (NIS code or name) or, with --zone, of a police zone as one "
        "HTML file that opens from disk or any web server: Leaflet, the styles and the BIN areas are inside "
        "the file. The address search is left out, since it needs this service's lookup API; join links "
        "point to --site-url and are left out without it. Only published networks are drawn."
    )

    def add_arguments(self, parser):
        parser.add_argument("municipality", nargs="?", help="NIS code (23027) or name (halle)")
        parser.add_argument("--zone", type=int, help="police zone number (5905) instead of a municipality")
        parser.add_argument("-o", "--output", required=True, help="the HTML file to write")
        parser.add_argument(
            "--site-url",
            default=None,
            help="where the service lives, for the join links: https://bin.example.be",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=None,
            help="simplification in metres (default: by the area's size)",
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the map's labels (default: %(default)s)",
        )

    def handle(self, *args, municipality=None, zone=None, output, site_url=None, tolerance=None, **options):
        if (municipality is None) == (zone is None):
            raise CommandError("give either a municipality or --zone, not both")
        with translation.override(options["language"]):
            html, title = self.build(municipality, zone, site_url, tolerance)
        path = Path(output)
        path.write_text(html, encoding="utf-8")
        self.stdout.write(f"Wrote {path} ({len(html.encode()):,} bytes): {title}.")
        self.stdout.write("The address search is not in the file: it needs the service's lookup API.")
        if site_url is None:
            self.stdout.write("No --site-url: the popups have no join links.")

    def build(self, municipality, zone, site_url, tolerance) -> tuple[str, str]:
        common: AreaMapOptions = {
            "simplify_tolerance_m": tolerance,
            "address_search": False,
            "site_url": site_url,
        }
        if zone is not None:
            police_zone = PoliceZone.objects.filter(number=zone).first()
            if police_zone is None:
                raise CommandError(f"no police zone {zone}")
            m = police_zone_map(police_zone=police_zone, **common)
            name = police_zone.name
            title = _("Neighbourhood information networks in police zone %(name)s") % {"name": name}
        else:
            found = municipality_by_key(municipality)
            if found is None:
                raise CommandError(f"no municipality {municipality}")
            m = municipality_map(municipality=found, **common)
            title = _("Neighbourhood information networks in %(name)s") % {"name": municipality_name(found)}
        return standalone_html(m, title=title), title
