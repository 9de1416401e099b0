"""Load the demo data of fixtures/demo through the importers; a second run only checks and returns."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from areas.importers import import_municipalities, import_networks, import_police_zones, link_police_zones
from areas.models import Network
from core.importing import ImportAborted
from streets.importers import import_best_flat, import_postal_names
from streets.models import Address

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_NIS = ["23027", "21004", "63049"]
NETWORK_FIELDS = [
    "status",
    "published",
    "info_evening_date",
    "charter_signed_date",
    "recognised_date",
    "contact_email",
    "description",
]


class Command(BaseCommand):
    help = (
        "Load the demo municipality (Halle, with Lembeek's real addresses), Haren and Malmedy, their police "
        "zones and demo BINs drawn from neighbourhood boundaries. Demo login: admin / admin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="re-import even when the demo data is present"
        )

    def handle(self, *args, force=False, **options):
        if settings.BIN_COUNTRY == "NL":
            # The Dutch demo (fixtures/nl, invented) lives in its own database: the storage CRS differs.
            call_command("load_demo_nl", force=force)
            self.ensure_users()
            return
        networks = json.loads((DEMO / "networks.geojson").read_text())["features"]
        loaded_networks = Network.objects.filter(source_id__startswith="demo:").count()
        loaded_addresses = Address.objects.filter(street__municipality__nis_code__in=DEMO_NIS).count()
        # A finished load is all or nothing (one transaction), so "some of each" means "all of it".
        if not force and loaded_networks == len(networks) and loaded_addresses:
            self.stdout.write(
                f"Demo data present ({loaded_networks} networks, {loaded_addresses} addresses)."
            )
            self.ensure_users()
            call_command("load_demo_members")
            return
        try:
            with transaction.atomic():
                self.load(networks)
        except ImportAborted as exc:
            raise CommandError(f"demo data could not be loaded: {exc}") from exc
        self.ensure_users()
        # Demo members, coordinators, a police officer and a municipality employee (password "demo").
        call_command("load_demo_members")

    def load(self, features):
        steps = [
            (import_police_zones, {"path": DEMO / "police_zones.geojson", "code_field": "code",
                                   "name_field": "name", "number_field": "number"}),
            (import_municipalities, {"path": DEMO / "municipalities.geojson", "nis_field": "nis",
                                     "name_nl_field": "name_nl", "name_fr_field": "name_fr",
                                     "name_de_field": "name_de"}),
            (link_police_zones, {"csv_path": DEMO / "municipality_police_zones.csv"}),
            (import_best_flat, {"path": DEMO / "best_addresses.csv"}),
            # The place names of every Belgian postcode (the flat file has only its own three).
            (import_postal_names, {"path": DEMO / "postal_names.csv"}),
            (import_networks, {"path": DEMO / "networks.geojson", "name_field": "name", "id_field": "id",
                               "kind_field": "kind", "municipality_field": "municipality",
                               "on_error": "stop"}),
        ]  # fmt: skip
        for importer, options in steps:
            self.stdout.write(importer(**options).summary())
        # The importer maps geometry, name, kind and municipality; the life-cycle facts come from the file.
        for feature in features:
            props = feature["properties"]
            Network.objects.filter(source_id=props["id"]).update(**{f: props[f] for f in NETWORK_FIELDS})

    def ensure_users(self):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.be"}
        )
        if created:
            admin.set_password("admin")
            admin.save()
            self.stdout.write("Created the demo superuser admin / admin.")
