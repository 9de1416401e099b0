"""members_member.alert_network_ids: the networks a member's approved memberships are in, kept by the database.

The recipients of an alert are the members whose point lies in the perimeter and whose approved memberships
include a live network of the police zone. Joining the memberships made that statement 2 to 4 times as slow
as the spatial query alone (scripts/bench_alerts.py: 20 km, 113,000 recipients out of 1 M members); with the
network ids on the member row the statement is the spatial scan and a look at a short array per member.

The column is not a Django field on purpose: Django never writes it, so a Member saved from a stale instance
cannot put back memberships that changed meanwhile. Statement-level triggers with transition tables on
members_membership rewrite it for the members an INSERT, UPDATE or DELETE touched (set-based, once per
statement). Network status and zone are not copied: the recipients statement checks them against the zone's
live networks at send time.
"""

from django.db import migrations

from core.sql import RunSQLFile

BEFORE = "ALTER TABLE members_member ADD COLUMN alert_network_ids bigint[] NOT NULL DEFAULT '{}';"
AFTER = "SELECT bin_member_alert_networks_refresh(ARRAY(SELECT DISTINCT member_id FROM members_membership));"

BACKWARD = """
DROP TRIGGER IF EXISTS members_membership_alert_insert ON members_membership;
DROP TRIGGER IF EXISTS members_membership_alert_update ON members_membership;
DROP TRIGGER IF EXISTS members_membership_alert_delete ON members_membership;
DROP FUNCTION IF EXISTS bin_membership_changed();
DROP FUNCTION IF EXISTS bin_member_alert_networks_refresh(bigint[]);
ALTER TABLE members_member DROP COLUMN IF EXISTS alert_network_ids;
"""


class Migration(migrations.Migration):
    dependencies = [("members", "0002_member_pending_email_registered_by")]

    operations = [RunSQLFile("members", "alert_networks.sql", reverse_sql=BACKWARD, before=BEFORE, after=AFTER)]
