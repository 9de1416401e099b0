"""Load the invented Dutch demo of fixtures/nl (BIN_COUNTRY=NL) with the importers; once only."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from areas.importers import import_municipalities, import_networks, import_police_zones
from areas.models import Network
from core.importing import ImportAborted
from streets.importers.bag import import_bag
from streets.models import Address

DEMO_NL = Path(settings.BASE_DIR) / "fixtures" / "nl"
DEMO_CBS = "GM9999"  # the invented gemeente "Ons Dorp"
NETWORK_FIELDS = ["status", "published", "contact_email", "description"]


class Command(BaseCommand):
    help = (
        "Load the invented Dutch demo: the village Ons Dorp (gemeente 9999) with its BAG-style addresses, "
        "a police unit and two buurtpreventie areas. Meant for BIN_COUNTRY=NL (storage in RD New)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="re-import even when the demo data is present"
        )

    def handle(self, *args, force=False, **options):
        features = json.loads((DEMO_NL / "networks.geojson").read_text())["features"]
        loaded_networks = Network.objects.filter(source_id__startswith="demo-nl:").count()
        loaded_addresses = Address.objects.filter(street__municipality__nis_code=DEMO_CBS).count()
        if not force and loaded_networks == len(features) and loaded_addresses:
            self.stdout.write(
                f"Dutch demo data present ({loaded_networks} networks, {loaded_addresses} addresses)."
            )
            return
        try:
            with transaction.atomic():
                self.load(features)
        except ImportAborted as exc:
            raise CommandError(f"Dutch demo data could not be loaded: {exc}") from exc

    def load(self, features):
        steps = [
            (import_police_zones, {"path": DEMO_NL / "police_units.geojson", "code_field": "code",
                                   "name_field": "name"}),
            (import_municipalities, {"path": DEMO_NL / "municipalities.geojson", "nis_field": "cbs",
                                     "name_nl_field": "name", "police_zone_field": "police_zone"}),
            (import_bag, {"path": DEMO_NL / "bag_addresses.csv", "on_error": "stop"}),
            (import_networks, {"path": DEMO_NL / "networks.geojson", "name_field": "name", "id_field": "id",
                               "kind_field": "kind", "municipality_field": "municipality",
                               "on_error": "stop"}),
        ]  # fmt: skip
        for importer, options in steps:
            self.stdout.write(importer(**options).summary())
        for feature in features:
            props = feature["properties"]
            Network.objects.filter(source_id=props["id"]).update(**{f: props[f] for f in NETWORK_FIELDS})
