"""The members' table as the alerts app's statements read it: who an alert of a police zone can reach, and
how to reach a member. The alerts app composes these into its recipients, outbox and density statements
(alerts/recipients.py, alerts/outbox.py); nothing outside this app names members_member in SQL.

Who an alert reaches: the members with an approved membership in a live network of the police zone (the
networks' rules are areas.rules'). members_member.alert_network_ids holds each member's approved networks,
kept by triggers (members/sql/alert_networks.sql); which of them are live networks of the zone is asked at
send time, a primary-key lookup per network memoized per distinct array (neighbours share theirs), so
suspending a network needs no copying.

A member with further addresses (MemberAddress: the parents', the shop) is reached when any of their
addresses lies in the perimeter, and the membership rule above is the member's, not the address's: one
membership per network and member (a second address in the same BIN has none of its own), so "approved in a
live network of the zone" is asked of the member, as for their own address.
"""

from areas.rules import live_networks_of_zone_sql

__all__ = ["CONTACT_COLUMNS", "contacts_join_sql", "push_subscribed_sql", "reachable_sql"]

# What a sender needs of a member, from the alias `m` that contacts_join_sql joins.
CONTACT_COLUMNS = "m.mobile, m.email, m.language, m.landline, m.sms_opt_out"


def reachable_sql(*, area: str | None = None, zone: str = "%(zone)s") -> str:
    """SELECT the members an alert of police zone `zone` reaches, whose point lies in `area` (an SQL
    geometry expression in the storage CRS; None: anywhere). Columns: member_id, network_ids (their live
    networks of the zone), point, mobile, email, language, quiet_hours_start, quiet_hours_end,
    exercise_opt_in (whether they receive the police's exercises), landline, voice_calls, sms_opt_out.

    The GiST index on the member points answers ST_Intersects against a constant area (PostGIS caches it
    prepared); each member found brings its approved networks along, so the statement costs little more
    than the spatial query alone (scripts/bench_alerts.py).

    With an `area`, a member is also reached when one of their further addresses (MemberAddress) lies in
    it: one row per member all the same, whichever and however many of their addresses are inside.
    """
    inside = f"ST_Intersects(m.point, {area}) AND " if area else ""
    own = f"""
    SELECT {_columns()}
    FROM members_member m
    {_zone_networks(zone)}
    WHERE {inside}zn.ids IS NOT NULL"""
    if area is None:
        return own
    # The members reached through a further address only (members.MemberAddress): those whose own address
    # is not reached, once however many of their addresses lie inside, with the channels any of those
    # addresses allows. The NOT repeats the first branch's condition, so no member comes out twice. Few
    # members have further addresses: this branch is a small index scan next to the first.
    further = f"""
    SELECT {_columns(masked=True)}
    FROM (SELECT member_id, bool_or(sms) AS sms, bool_or(email) AS email, bool_or(voice) AS voice
          FROM members_memberaddress WHERE ST_Intersects(point, {area}) GROUP BY member_id) a
    JOIN members_member m ON m.id = a.member_id
    {_zone_networks(zone)}
    WHERE zn.ids IS NOT NULL
      AND NOT (ST_Intersects(m.point, {area}) AND zn.ids IS NOT NULL)"""
    return f"{own}\n    UNION ALL{further}"


def _zone_networks(zone: str) -> str:
    """The member's approved networks that are live networks of the zone, as zn.ids (NULL: none)."""
    return f"""CROSS JOIN LATERAL (
        SELECT array_agg(x ORDER BY x) AS ids FROM unnest(m.alert_network_ids) AS x
        WHERE x IN ({live_networks_of_zone_sql(zone=zone)})
    ) zn"""


def _columns(*, masked: bool = False) -> str:
    """reachable_sql's columns; `masked`: a channel the reached further addresses (alias a) all turned off
    is blank, as if the member had no such number or address."""

    def channel(column: str, flag: str) -> str:
        return f"CASE WHEN a.{flag} THEN m.{column} ELSE '' END AS {column}" if masked else f"m.{column}"

    return f"""m.id AS member_id, zn.ids AS network_ids, m.point, {channel("mobile", "sms")},
           {channel("email", "email")}, m.language, m.quiet_hours_start, m.quiet_hours_end,
           m.exercise_opt_in, {channel("landline", "voice")}, m.voice_calls, m.sms_opt_out"""


def contacts_join_sql(*, on: str, outer: bool = False) -> str:
    """JOIN the member whose id is the expression `on` as `m` (LEFT JOIN when `outer`: an erased member
    leaves NULLs), for CONTACT_COLUMNS and the quiet hours."""
    return f"{'LEFT ' if outer else ''}JOIN members_member m ON m.id = {on}"


def push_subscribed_sql(*, member: str) -> str:
    """An SQL condition: the member whose id is the expression `member` has a Web Push subscription
    (members.PushSubscription; an index probe on its member_id per recipient)."""
    return f"EXISTS (SELECT 1 FROM members_pushsubscription ps WHERE ps.member_id = {member})"
