from argparse import BooleanOptionalAction

from django.conf import settings

from areas.importers import import_networks
from areas.importers.overlaps import DEFAULT_MAX_CLIP_M2, OVERLAPS
from areas.importers.repair import DEFAULT_MAX_REPAIR_CHANGE_PCT
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
        repair = parser.add_argument_group("invalid polygons and overlaps (real data)")
        repair.add_argument(
            "--make-valid",
            action="store_true",
            help="Repair invalid polygons (GEOS make_valid, 'structure' method; polygonal parts only) and "
            "report the change of area of each. Without it an invalid polygon is refused.",
        )
        repair.add_argument(
            "--max-repair-change",
            type=float,
            default=DEFAULT_MAX_REPAIR_CHANGE_PCT,
            metavar="PERCENT",
            help="Refuse a repair that changes the area by more than this "
            f"(default: {DEFAULT_MAX_REPAIR_CHANGE_PCT} %%).",
        )
        repair.add_argument(
            "--overlaps",
            choices=OVERLAPS,
            default="refuse",
            help="What to do with a residential BIN that overlaps another of its municipality by more than "
            "the tolerance: refuse it (default), or clip: leave the overlap to the network that was there "
            "first (one already stored, or an earlier feature of the file).",
        )
        repair.add_argument(
            "--overlap-tolerance-m2",
            type=float,
            default=None,
            metavar="M2",
            help="Overlaps up to this area are accepted as they are "
            f"(default: BIN_OVERLAP_TOLERANCE_M2, {settings.BIN_OVERLAP_TOLERANCE_M2} m²).",
        )
        repair.add_argument(
            "--max-clip-m2",
            type=float,
            default=DEFAULT_MAX_CLIP_M2,
            metavar="M2",
            help="With --overlaps clip, refuse a feature whose overlap with a neighbour is larger than this: "
            f"a real mistake, not slop (default: {DEFAULT_MAX_CLIP_M2:.0f} m²).",
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
            make_valid=options["make_valid"],
            max_repair_change_pct=options["max_repair_change"],
            overlaps=options["overlaps"],
            overlap_tolerance_m2=options["overlap_tolerance_m2"],
            max_clip_m2=options["max_clip_m2"],
        )
