-- areas_networkgeneration: one row whose token changes whenever the networks, municipalities or police
-- zones change, whoever changes them (service, admin, importers, raw SQL). The in-process point index of
-- the web workers (areas/point_index.py) compares it with the token it was built at and rebuilds when they
-- differ. A random token, not a counter: a change rolled back (a test, a failed import) restores the old
-- token, and an index built from the rolled-back data must not match it.

CREATE TABLE IF NOT EXISTS areas_networkgeneration (
    id integer PRIMARY KEY CHECK (id = 1),
    token uuid NOT NULL,
    changed timestamptz NOT NULL
);
INSERT INTO areas_networkgeneration (id, token, changed) VALUES (1, gen_random_uuid(), now())
ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION bin_network_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE areas_networkgeneration SET token = gen_random_uuid(), changed = clock_timestamp() WHERE id = 1;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS areas_network_generation ON areas_network;
CREATE TRIGGER areas_network_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas_network
    FOR EACH STATEMENT EXECUTE FUNCTION bin_network_generation_bump();
DROP TRIGGER IF EXISTS areas_municipality_generation ON areas_municipality;
CREATE TRIGGER areas_municipality_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas_municipality
    FOR EACH STATEMENT EXECUTE FUNCTION bin_network_generation_bump();
DROP TRIGGER IF EXISTS areas_policezone_generation ON areas_policezone;
CREATE TRIGGER areas_policezone_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas_policezone
    FOR EACH STATEMENT EXECUTE FUNCTION bin_network_generation_bump();
