"""Web Push's settings (alerts/backends/push.py, the members' push subscriptions), read from the environment
like the rest (base.py imports them). `manage.py vapid_keys` makes a key pair."""

import environ

env = environ.Env()

# The VAPID key pair (RFC 8292) that signs every push request: the public key (base64url, the uncompressed
# P-256 point) goes to the browsers when they subscribe, the private one (base64url) stays here. Changing
# the pair orphans every subscription made with the old public key: the push services refuse them (403).
BIN_VAPID_PUBLIC_KEY = env("BIN_VAPID_PUBLIC_KEY", default="")
BIN_VAPID_PRIVATE_KEY = env("BIN_VAPID_PRIVATE_KEY", default="")
# Whom the push services contact about our traffic (a mailto: or https: URL; the VAPID "sub" claim).
BIN_VAPID_SUBJECT = env("BIN_VAPID_SUBJECT", default="mailto:bin@example.be")
BIN_PUSH_BACKEND = env("BIN_PUSH_BACKEND", default="alerts.backends.push.WebPushBackend")
# Seconds a push service keeps a notification for a phone that is off; an alert older than this is stale.
BIN_PUSH_TTL = env.int("BIN_PUSH_TTL", default=6 * 3600)
# Seconds to connect to a push service or wait for its answer before the attempt counts as failed (retried).
BIN_PUSH_TIMEOUT = env.float("BIN_PUSH_TIMEOUT", default=10.0)
# Subscriptions must name an https endpoint; the tests and a development machine also accept http on
# loopback (a push service stand-in), never in production.
BIN_PUSH_ALLOW_LOOPBACK = env.bool("BIN_PUSH_ALLOW_LOOPBACK", default=False)
# The push services a subscription may name (host, or a suffix starting with a dot): the browsers' own.
# Anyone holding a member's link can subscribe, and the sender POSTs to the endpoint: without this list
# it could be pointed at a server inside our network.
BIN_PUSH_SERVICE_HOSTS = env.list(
    "BIN_PUSH_SERVICE_HOSTS",
    default=[
        "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet, Opera
        "updates.push.services.mozilla.com",  # Firefox
        ".push.apple.com",  # Safari (macOS, iOS home-screen apps)
        ".notify.windows.com",  # Edge on Windows
    ],
)
