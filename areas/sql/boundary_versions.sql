-- areas_networkboundaryversion: every boundary a network has had (see areas/versions.py for why), kept by
-- the database so that every writer is recorded: service, admin, importers, street lists, raw SQL.
-- Who, why and which writer come from transaction-local settings (set_config(…, true)) that
-- areas.services.boundary_change sets; unset they are NULL, '' and 'sql'. A setting once used in a session
-- reads '' after its transaction, not NULL: hence nullif.
-- clock_timestamp(), not now(): two changes in one transaction (an import that moves a border twice) get
-- versions in their order rather than one instant.

CREATE OR REPLACE FUNCTION bin_boundary_version_add(ids bigint[], at timestamptz) RETURNS void
LANGUAGE sql VOLATILE AS $$
    INSERT INTO areas_networkboundaryversion (network_id, boundary, valid_from, valid_to, changed_by_id,
                                              reason, source)
    SELECT n.id, n.boundary, at, NULL, nullif(current_setting('bin.changed_by', true), '')::bigint,
           coalesce(current_setting('bin.change_reason', true), ''),
           coalesce(nullif(current_setting('bin.change_source', true), ''), 'sql')
    FROM areas_network n
    WHERE n.id = ANY(ids) AND n.boundary IS NOT NULL;
$$;

CREATE OR REPLACE FUNCTION bin_network_boundary_versioned() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    at timestamptz := clock_timestamp();
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bin_boundary_version_add(ARRAY(SELECT id FROM new_rows), at);
    ELSIF TG_OP = 'UPDATE' THEN
        -- Only the rows whose boundary changed: the admin and the services save every column each time.
        ids := ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE ST_AsEWKB(n.boundary) IS DISTINCT FROM ST_AsEWKB(o.boundary)
        );
        IF cardinality(ids) > 0 THEN
            UPDATE areas_networkboundaryversion SET valid_to = at
            WHERE network_id = ANY(ids) AND valid_to IS NULL;
            PERFORM bin_boundary_version_add(ids, at);
        END IF;
    ELSE
        -- A deleted network keeps its history, closed at the deletion.
        UPDATE areas_networkboundaryversion SET valid_to = at
        WHERE network_id IN (SELECT id FROM old_rows) AND valid_to IS NULL;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS areas_network_version_insert ON areas_network;
CREATE TRIGGER areas_network_version_insert AFTER INSERT ON areas_network
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bin_network_boundary_versioned();
DROP TRIGGER IF EXISTS areas_network_version_update ON areas_network;
CREATE TRIGGER areas_network_version_update AFTER UPDATE ON areas_network
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bin_network_boundary_versioned();
DROP TRIGGER IF EXISTS areas_network_version_delete ON areas_network;
CREATE TRIGGER areas_network_version_delete AFTER DELETE ON areas_network
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bin_network_boundary_versioned();
