"""The members' table as the alerts app's statements read it: who an alert of a police zone can reach, and
how to reach a member. The alerts app composes these into its recipients, outbox and density statements
(alerts/recipients.py, alerts/outbox.py); nothing outside this app names members_member in SQL.

Who an alert reaches: the members with an approved membership in a live network of the police zone (the
networks' rules are areas.rules'). members_member.alert_network_ids holds each member's approved networks,
kept by triggers (members/sql/alert_networks.sql); which of them are live networks of the zone is asked at
send time, a primary-key lookup per network memoized per distinct array (neighbours share theirs), so
suspending a network needs no copying.
"""

from areas.rules import live_networks_of_zone_sql

__all__ = ["CONTACT_COLUMNS", "contacts_join_sql", "reachable_sql"]

# What a sender needs of a member, from the alias `m` that contacts_join_sql joins.
CONTACT_COLUMNS = "m.mobile, m.email, m.language"


def reachable_sql(*, area: str | None = None, zone: str = "%(zone)s") -> str:
    """SELECT the members an alert of police zone `zone` reaches, whose point lies in `area` (an SQL
    geometry expression in the storage CRS; None: anywhere). Columns: member_id, network_ids (their live
    networks of the zone), point, mobile, email, language, quiet_hours_start, quiet_hours_end,
    exercise_opt_in (whether they receive the police's exercises).

    The GiST index on the member points answers ST_Intersects against a constant area (PostGIS caches it
    prepared); each member found brings its approved networks along, so the statement costs little more
    than the spatial query alone (scripts/bench_alerts.py).
    """
    inside = f"ST_Intersects(m.point, {area}) AND " if area else ""
    return f"""
    SELECT m.id AS member_id, zn.ids AS network_ids, m.point, m.mobile, m.email, m.language,
           m.quiet_hours_start, m.quiet_hours_end, m.exercise_opt_in
    FROM members_member m
    CROSS JOIN LATERAL (
        SELECT array_agg(x ORDER BY x) AS ids FROM unnest(m.alert_network_ids) AS x
        WHERE x IN ({live_networks_of_zone_sql(zone=zone)})
    ) zn
    WHERE {inside}zn.ids IS NOT NULL"""


def contacts_join_sql(*, on: str, outer: bool = False) -> str:
    """JOIN the member whose id is the expression `on` as `m` (LEFT JOIN when `outer`: an erased member
    leaves NULLs), for CONTACT_COLUMNS and the quiet hours."""
    return f"{'LEFT ' if outer else ''}JOIN members_member m ON m.id = {on}"
