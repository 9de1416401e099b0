"""Importers of streets and addresses: the BeST Address register (two layouts) and OpenStreetMap XML."""

from .best import import_best_flat, import_best_register
from .osm import import_osm

__all__ = ["import_best_flat", "import_best_register", "import_osm"]
