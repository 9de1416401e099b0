from areas.importers import import_municipalities

from ._common import VectorImportCommand


class Command(VectorImportCommand):
    help = "Create or update municipalities from a polygon file, matched on their NIS code."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--nis-field", required=True, help="Field with the NIS code, e.g. geoitem.")
        parser.add_argument("--name-nl-field", help="Field with the Dutch name, e.g. naam.")
        parser.add_argument("--name-fr-field", help="Field with the French name.")
        parser.add_argument("--name-de-field", help="Field with the German name.")
        parser.add_argument("--police-zone-field", help="Field with the police zone's code or number.")
        parser.add_argument(
            "--police-zone-table",
            help="CSV with the columns 'gemeente' (NIS code) and 'politiezone' (code), e.g. "
            "gemeente_politiezone.csv: the police zone of each municipality whose --police-zone-field is "
            "empty or not given.",
        )

    def handle(self, *args, **options):
        self.run_import(
            import_municipalities,
            options,
            **self.source_kwargs(options),
            nis_field=options["nis_field"],
            name_nl_field=options["name_nl_field"],
            name_fr_field=options["name_fr_field"],
            name_de_field=options["name_de_field"],
            police_zone_field=options["police_zone_field"],
            police_zone_table=options["police_zone_table"],
        )
