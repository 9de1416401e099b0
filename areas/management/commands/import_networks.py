from argparse import BooleanOptionalAction

from areas.importers import import_networks
from areas.models import Network

from ._common import VectorImportCommand


class Command(VectorImportCommand):
    help = (
        "Create or update networks (BIN, BIN-Z…) from a polygon file. Each feature is checked as in the "
        "admin (valid polygon, no overlap with another residential BIN); bad ones are listed by position."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        fields = parser.add_argument_group("fields of the file")
        fields.add_argument(
            "--name-field", default="name", help="Field with the network's name (default: name)."
        )
        fields.add_argument(
            "--id-field",
            help="Field with a stable identifier: re-imports update the network that has it. Without it, "
            "networks are matched on name and municipality.",
        )
        fields.add_argument(
            "--id-prefix", default="", help="Prefix for the identifiers, when two sources could share ids."
        )
        fields.add_argument("--kind-field", help=f"Field with the kind ({', '.join(Network.Kind.values)}).")
        fields.add_argument(
            "--municipality-field",
            help="Field with the municipality's NIS code. Without it (or --municipality), the municipality "
            "is the one that contains the area.",
        )
        defaults = parser.add_argument_group("values for fields the file does not have")
        defaults.add_argument("--kind", choices=Network.Kind.values)
        defaults.add_argument("--status", choices=Network.Status.values)
        defaults.add_argument("--published", action=BooleanOptionalAction, default=None)
        defaults.add_argument("--municipality", help="NIS code of the municipality of every network.")
        defaults.add_argument(
            "--police-zone", help="Code or number of the police zone (default: the municipality's)."
        )

    def handle(self, *args, **options):
        defaults = {
            key: options[key]
            for key in ("kind", "status", "published", "municipality", "police_zone")
            if options[key] is not None
        }
        self.run_import(
            import_networks,
            options,
            **self.source_kwargs(options),
            name_field=options["name_field"],
            id_field=options["id_field"],
            id_prefix=options["id_prefix"],
            kind_field=options["kind_field"],
            municipality_field=options["municipality_field"],
            defaults=defaults,
        )
