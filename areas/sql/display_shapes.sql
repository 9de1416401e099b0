-- areas_networkdisplayshape: each network's boundary simplified for the maps, kept by the database (see
-- areas/migrations/0002 for why). One row per display tolerance of bin_display_tolerances(), as GeoJSON in
-- EPSG:4326 with 6 decimals (maps.selectors.DISPLAY_TOLERANCES and COORDINATE_DECIMALS: a test holds them
-- equal, and the maps only read rows whose tolerance and decimals are their own, so a changed setting
-- falls back to simplifying per request until a migration reloads this file).

CREATE OR REPLACE FUNCTION bin_display_tolerances() RETURNS float8[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[0.5, 1, 2, 4, 8, 16, 32, 50]::float8[] $$;

CREATE OR REPLACE FUNCTION bin_network_display_shapes_refresh(ids bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
    DELETE FROM areas_networkdisplayshape WHERE network_id = ANY(ids);
    -- Simplified in the metric storage CRS, where the tolerance means metres; only then to EPSG:4326.
    INSERT INTO areas_networkdisplayshape (network_id, tolerance_m, decimals, geojson)
    SELECT n.id, t, 6, ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(n.boundary, t), 4326), 6)
    FROM areas_network n CROSS JOIN unnest(bin_display_tolerances()) AS t
    WHERE n.id = ANY(ids) AND n.boundary IS NOT NULL;
$$;

CREATE OR REPLACE FUNCTION bin_network_boundary_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bin_network_display_shapes_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE
        -- Only the rows whose boundary changed: the admin and the services save every column each time.
        PERFORM bin_network_display_shapes_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE ST_AsEWKB(n.boundary) IS DISTINCT FROM ST_AsEWKB(o.boundary)
        ));
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS areas_network_display_insert ON areas_network;
CREATE TRIGGER areas_network_display_insert AFTER INSERT ON areas_network
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bin_network_boundary_changed();
DROP TRIGGER IF EXISTS areas_network_display_update ON areas_network;
CREATE TRIGGER areas_network_display_update AFTER UPDATE ON areas_network
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bin_network_boundary_changed();
