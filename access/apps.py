from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _

# Registers the deployment checks with Django's check framework.
from . import checks  # noqa: F401


class AccessConfig(AppConfig):
    default = True
    name = "access"
    verbose_name = _("Roles and access")


class BinAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site (settings.INSTALLED_APPS names this instead of Django's)."""

    default = False  # "access" alone means AccessConfig
    default_site = "access.admin_site.BinAdminSite"
