-- members_member.alert_network_ids: the networks of a member's approved memberships, kept by the database
-- (see members/migrations/0003 for why the column exists and is not a Django field). Statement-level
-- triggers with transition tables on members_membership rewrite it for the members an INSERT, UPDATE or
-- DELETE touched, once per statement.

CREATE OR REPLACE FUNCTION bin_member_alert_networks_refresh(ids bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
    UPDATE members_member m
    SET alert_network_ids = COALESCE(
        (SELECT array_agg(ms.network_id ORDER BY ms.network_id) FROM members_membership ms
         WHERE ms.member_id = m.id AND ms.status = 'approved'),
        '{}')
    WHERE m.id = ANY(ids)
$$;

CREATE OR REPLACE FUNCTION bin_membership_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bin_member_alert_networks_refresh(ARRAY(SELECT DISTINCT member_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM bin_member_alert_networks_refresh(ARRAY(SELECT DISTINCT member_id FROM old_rows));
    ELSE
        PERFORM bin_member_alert_networks_refresh(ARRAY(
            SELECT member_id FROM new_rows UNION SELECT member_id FROM old_rows
        ));
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS members_membership_alert_insert ON members_membership;
CREATE TRIGGER members_membership_alert_insert AFTER INSERT ON members_membership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bin_membership_changed();
DROP TRIGGER IF EXISTS members_membership_alert_update ON members_membership;
CREATE TRIGGER members_membership_alert_update AFTER UPDATE ON members_membership
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bin_membership_changed();
DROP TRIGGER IF EXISTS members_membership_alert_delete ON members_membership;
CREATE TRIGGER members_membership_alert_delete AFTER DELETE ON members_membership
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bin_membership_changed();
