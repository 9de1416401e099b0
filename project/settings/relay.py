"""Relay networks' settings (helper "relay", issue 17; alerts/relay.py), read from the environment like
the rest (base.py imports them; its CELERY_BEAT_SCHEDULE runs alerts.tasks.relay_reminders)."""

import environ

env = environ.Env()

# An urgent message still waiting for the coordinator this many minutes after it went out is e-mailed
# again to all coordinators of the network (any of them may then forward it); beat looks every minute
# (the default queue).
BIN_RELAY_REMINDER_MINUTES = env.int("BIN_RELAY_REMINDER_MINUTES", default=15)
