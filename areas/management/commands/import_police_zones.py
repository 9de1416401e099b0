from areas.importers import import_police_zones

from ._common import VectorImportCommand


class Command(VectorImportCommand):
    help = "Create or update police zones from a polygon file, matched on their source code (e.g. ipz32)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--code-field", required=True, help="Field with the zone's code, e.g. politiezon."
        )
        parser.add_argument("--name-field", help="Field with the zone's name.")
        parser.add_argument("--number-field", help="Field with the federal zone number, e.g. 5412.")
        parser.add_argument(
            "--names-table",
            help="CSV with the columns 'geoitem code' and 'name' (politiezone_names.csv) to name the zones.",
        )

    def handle(self, *args, **options):
        self.run_import(
            import_police_zones,
            options,
            **self.source_kwargs(options),
            code_field=options["code_field"],
            name_field=options["name_field"],
            number_field=options["number_field"],
            names_table=options["names_table"],
        )
