"""The SMPP 3.4 gateway's settings (alerts/backends/smpp.py, manage.py smpp_receipts), read from the
environment like the rest (base.py imports them)."""

import environ

env = environ.Env()

# The SMSC's address (BIN_SMS_BACKEND = "alerts.backends.smpp.SmppBackend").
BIN_SMPP_HOST = env("BIN_SMPP_HOST", default="127.0.0.1")
BIN_SMPP_PORT = env.int("BIN_SMPP_PORT", default=2775)
# The account the operator gave us: bind credentials and the system_type it asks for (often empty).
BIN_SMPP_SYSTEM_ID = env("BIN_SMPP_SYSTEM_ID", default="")
BIN_SMPP_PASSWORD = env("BIN_SMPP_PASSWORD", default="")
BIN_SMPP_SYSTEM_TYPE = env("BIN_SMPP_SYSTEM_TYPE", default="")
# The sender members see: a number (+32…) or up to 11 letters and digits (alphanumeric, TON 5).
BIN_SMPP_SOURCE_ADDR = env("BIN_SMPP_SOURCE_ADDR", default="BIN")
# "transceiver": the workers' sessions also take the delivery receipts; "transmitter": they only send,
# and `manage.py smpp_receipts` (a receiver session) takes the receipts.
BIN_SMPP_BIND = env("BIN_SMPP_BIND", default="transceiver")
# submit_sm in flight per worker process without an answer; keep it at or under the operator's window.
BIN_SMPP_WINDOW = env.int("BIN_SMPP_WINDOW", default=50)
# An idle session sends enquire_link after this many seconds (SMSCs drop silent sessions after ~60 s).
BIN_SMPP_ENQUIRE_LINK_SECONDS = env.float("BIN_SMPP_ENQUIRE_LINK_SECONDS", default=30.0)
# Seconds to connect, bind, or wait for an answer before the connection counts as lost.
BIN_SMPP_TIMEOUT = env.float("BIN_SMPP_TIMEOUT", default=10.0)
