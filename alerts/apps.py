from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self):
        from members.erasure import register_erasure_step

        from .anonymise import reactions_anonymise
        from .inbound import inbound_sms_erase

        # An erased member's reactions stay (what was seen, for the police) without them.
        register_erasure_step(reactions_anonymise)
        # Their incoming SMS (number and text) go with them.
        register_erasure_step(inbound_sms_erase)
