from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members and roles")

    def ready(self):
        from . import checks  # noqa: F401 - registers the privacy notice's deployment check
