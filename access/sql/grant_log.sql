-- The grant log (access.GrantLog): the database writes a row for every change to who holds which right,
-- whoever makes it. Three tables hold rights: access_role (police and municipality roles), the coordinators
-- of a network (areas' many-to-many table, the one record of coordinators) and auth_user's is_staff and
-- is_superuser. Who acted is the transaction's `bin.actor_id` (a user id) and `bin.via` ("admin",
-- "service", "command: …"), set by access.audit.acting_as; without them the row names no actor.

CREATE OR REPLACE FUNCTION bin_grant_log_write(
    p_action text, p_user bigint, p_username text, p_role_kind text,
    p_network bigint, p_zone bigint, p_municipality bigint, p_before text
) RETURNS void AS $$
DECLARE
    actor bigint := NULLIF(current_setting('bin.actor_id', true), '')::bigint;
BEGIN
    INSERT INTO access_grantlog (
        at, action, user_id, username, actor_id, actor_name, via, role_kind,
        network_id, police_zone_id, municipality_id, before
    ) VALUES (
        clock_timestamp(), p_action, p_user,
        COALESCE(p_username, (SELECT username FROM auth_user WHERE id = p_user), ''),
        actor, COALESCE((SELECT username FROM auth_user WHERE id = actor), ''),
        COALESCE(current_setting('bin.via', true), ''), COALESCE(p_role_kind, ''),
        p_network, p_zone, p_municipality, left(COALESCE(p_before, ''), 300)
    );
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION bin_role_audit() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bin_grant_log_write('role_granted', NEW.user_id, NULL, NEW.kind,
            NEW.network_id, NEW.police_zone_id, NEW.municipality_id, NULL);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM bin_grant_log_write('role_revoked', OLD.user_id, NULL, OLD.kind,
            OLD.network_id, OLD.police_zone_id, OLD.municipality_id, NULL);
    ELSIF NEW.user_id IS DISTINCT FROM OLD.user_id THEN
        -- The role moved to another account: one lost it, the other gained it.
        PERFORM bin_grant_log_write('role_revoked', OLD.user_id, NULL, OLD.kind,
            OLD.network_id, OLD.police_zone_id, OLD.municipality_id, NULL);
        PERFORM bin_grant_log_write('role_granted', NEW.user_id, NULL, NEW.kind,
            NEW.network_id, NEW.police_zone_id, NEW.municipality_id, NULL);
    ELSIF (NEW.kind, NEW.network_id, NEW.police_zone_id, NEW.municipality_id)
          IS DISTINCT FROM (OLD.kind, OLD.network_id, OLD.police_zone_id, OLD.municipality_id) THEN
        PERFORM bin_grant_log_write('role_changed', NEW.user_id, NULL, NEW.kind,
            NEW.network_id, NEW.police_zone_id, NEW.municipality_id,
            format('role %s, network %s, police zone %s, municipality %s',
                   OLD.kind, OLD.network_id, OLD.police_zone_id, OLD.municipality_id));
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS bin_role_audit ON access_role;
CREATE TRIGGER bin_role_audit AFTER INSERT OR UPDATE OR DELETE ON access_role
    FOR EACH ROW EXECUTE FUNCTION bin_role_audit();

CREATE OR REPLACE FUNCTION bin_coordinator_audit() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM bin_grant_log_write('coordinator_removed', OLD.user_id, NULL, NULL,
            OLD.network_id, NULL, NULL, NULL);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM bin_grant_log_write('coordinator_added', NEW.user_id, NULL, NULL,
            NEW.network_id, NULL, NULL, NULL);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- The coordinators are areas' table (Network.coordinators); what a change to it means is access's business.
DROP TRIGGER IF EXISTS bin_coordinator_audit ON areas_network_coordinators;
CREATE TRIGGER bin_coordinator_audit AFTER INSERT OR UPDATE OR DELETE ON areas_network_coordinators
    FOR EACH ROW EXECUTE FUNCTION bin_coordinator_audit();

CREATE OR REPLACE FUNCTION bin_user_flags_audit() RETURNS trigger AS $$
DECLARE
    was_staff boolean := TG_OP <> 'INSERT' AND OLD.is_staff;
    was_superuser boolean := TG_OP <> 'INSERT' AND OLD.is_superuser;
    is_staff_now boolean := TG_OP <> 'DELETE' AND NEW.is_staff;
    is_superuser_now boolean := TG_OP <> 'DELETE' AND NEW.is_superuser;
    who bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    uname text := CASE WHEN TG_OP = 'DELETE' THEN OLD.username ELSE NEW.username END;
BEGIN
    IF is_staff_now AND NOT was_staff THEN
        PERFORM bin_grant_log_write('staff_granted', who, uname, NULL, NULL, NULL, NULL, NULL);
    ELSIF was_staff AND NOT is_staff_now THEN
        PERFORM bin_grant_log_write('staff_revoked', who, uname, NULL, NULL, NULL, NULL, NULL);
    END IF;
    IF is_superuser_now AND NOT was_superuser THEN
        PERFORM bin_grant_log_write('superuser_granted', who, uname, NULL, NULL, NULL, NULL, NULL);
    ELSIF was_superuser AND NOT is_superuser_now THEN
        PERFORM bin_grant_log_write('superuser_revoked', who, uname, NULL, NULL, NULL, NULL, NULL);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- UPDATE OF: a login (which writes last_login only) does not run it.
DROP TRIGGER IF EXISTS bin_user_flags_audit ON auth_user;
CREATE TRIGGER bin_user_flags_audit AFTER INSERT OR DELETE OR UPDATE OF is_staff, is_superuser ON auth_user
    FOR EACH ROW EXECUTE FUNCTION bin_user_flags_audit();
