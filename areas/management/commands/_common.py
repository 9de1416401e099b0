"""What the area import commands add to core's ImportCommand: the vector file, its layer and its CRS."""

from core.importing import ImportCommand

__all__ = ["VectorImportCommand"]


class VectorImportCommand(ImportCommand):
    """An import command of areas.importers: a vector file, and the options every import command has."""

    def add_arguments(self, parser):
        parser.add_argument("path", help="GeoJSON, GeoPackage or Shapefile (any vector format GDAL reads).")
        parser.add_argument("--layer", help="Layer name or index (default: the first layer).")
        parser.add_argument(
            "--srid",
            type=int,
            dest="source_srid",
            help="EPSG code of the coordinates, when the file does not say (or says wrong), e.g. 31370.",
        )
        super().add_arguments(parser)

    def source_kwargs(self, options) -> dict:
        return {"path": options["path"], "layer": options["layer"], "source_srid": options["source_srid"]}
