from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Registers the deployment checks with Django's check framework.
from . import checks  # noqa: F401


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Roles and access")
