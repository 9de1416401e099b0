from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The top of the layering: settings, the root URLs, the one API router, the site's base template and
    the demo loaders (management commands load_demo and load_demo_members)."""

    name = "project"
    verbose_name = "BIN GIS"
