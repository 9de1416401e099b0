"""Who answers for the members' personal data, per deployment: the privacy notice shown before a resident
consents (members/privacy.py) names them. base.py imports these; `manage.py check --deploy` warns while
they are empty (members/checks.py), because a notice without a controller is no notice (GDPR art. 13)."""

import environ

env = environ.Env()

# The controller: usually the municipality, or the police zone's association of municipalities.
BIN_PRIVACY_CONTROLLER = env("BIN_PRIVACY_CONTROLLER", default="")
BIN_PRIVACY_CONTROLLER_ADDRESS = env("BIN_PRIVACY_CONTROLLER_ADDRESS", default="")
# Where residents write about their data (access, correction, erasure, objection).
BIN_PRIVACY_CONTACT_EMAIL = env("BIN_PRIVACY_CONTACT_EMAIL", default="")
# The data protection officer (a public authority must have one).
BIN_DPO_EMAIL = env("BIN_DPO_EMAIL", default="")
