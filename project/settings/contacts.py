"""Whom the resident's answer page names for an address in no BIN (maps/answer.py): the police zones' and
municipalities' public phone, e-mail and web site, which the models do not hold. base.py imports this."""

import environ

env = environ.Env()

# JSON, per deployment (keys: the zone number, the NIS code; every field optional):
# {"police_zones": {"5415": {"name": …, "phone": …, "email": …, "url": …}}, "municipalities": {"23027": {…}}}
# Without an entry the page gives the zone's or municipality's name and its map page.
BIN_PUBLIC_CONTACTS = env.json("BIN_PUBLIC_CONTACTS", default={})
