"""The phone channels' settings (issue 16): voice calls to landlines and two-way SMS, read from the
environment like the rest (base.py imports them). The webhook contracts are in the README."""

import environ

env = environ.Env()

# --- Voice calls (alerts/backends/voice.py, alerts/voice_calls.py) ---
# "alerts.backends.voice.VoiceGatewayBackend" for real; ConsoleBackend prints, LocmemBackend keeps (tests).
BIN_VOICE_BACKEND = env("BIN_VOICE_BACKEND", default="alerts.backends.voice.ConsoleBackend")
# The gateway's call endpoint (POST JSON) and the bearer token it gave us.
BIN_VOICE_GATEWAY_URL = env("BIN_VOICE_GATEWAY_URL", default="")
BIN_VOICE_GATEWAY_TOKEN = env("BIN_VOICE_GATEWAY_TOKEN", default="")
BIN_VOICE_GATEWAY_TIMEOUT = env.float("BIN_VOICE_GATEWAY_TIMEOUT", default=10.0)
# The name the calls' ids are kept under (ProviderMessage.gateway).
BIN_VOICE_GATEWAY_NAME = env("BIN_VOICE_GATEWAY_NAME", default="voice")
# Whether the gateway reads keypad options (DTMF): without, the call only reads the message.
BIN_VOICE_KEYPAD = env.bool("BIN_VOICE_KEYPAD", default=True)
# The shared secret of the gateway's callbacks (call status, key pressed): HMAC-SHA256, as the receipts.
# Empty: every callback is refused.
BIN_VOICE_CALLBACK_SECRET = env("BIN_VOICE_CALLBACK_SECRET", default="")
# A busy line or a call nobody answered is tried again after this many seconds, up to this many calls.
BIN_VOICE_RETRY_SECONDS = env.float("BIN_VOICE_RETRY_SECONDS", default=120.0)
BIN_VOICE_MAX_CALLS = env.int("BIN_VOICE_MAX_CALLS", default=3)

# --- Two-way SMS (alerts/inbound.py, POST /api/sms/inbound/) ---
# The shared secret of the gateway's inbound-SMS webhook (HMAC-SHA256, as the receipts). Empty: refused.
BIN_SMS_INBOUND_SECRET = env("BIN_SMS_INBOUND_SECRET", default="")
# A reply reacts to the latest alert the member received by SMS within this many hours.
BIN_SMS_REPLY_WINDOW_HOURS = env.int("BIN_SMS_REPLY_WINDOW_HOURS", default=24)
# Webhook requests per minute from one address (core.throttle), and replies per hour from one number.
BIN_SMS_INBOUND_PER_MINUTE = env.int("BIN_SMS_INBOUND_PER_MINUTE", default=600)
BIN_SMS_INBOUND_PER_NUMBER_HOUR = env.int("BIN_SMS_INBOUND_PER_NUMBER_HOUR", default=20)
