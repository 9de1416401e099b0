-- The street search's terms and typo index (streets.models.StreetTerm, StreetWordVariant), kept by the
-- database: statement-level triggers with transition tables on streets_street, so that a bulk import of
-- 300,000 streets runs the trigger once, set-based. An update rewrites the terms only of the streets whose
-- names, municipality or postcode changed (the importers' re-runs mostly touch geometries).

-- The terms of a street's names: each distinct normalised name whole, and from each later word of three
-- letters or more on ("rue de la loi": "rue de la loi", "loi").
CREATE OR REPLACE FUNCTION bin_street_terms(VARIADIC names text[])
RETURNS TABLE (word smallint, term text, name text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT (i - 1)::smallint, array_to_string(a.w[i:], ' '), n.name
    FROM (SELECT DISTINCT bin_normalise(x) AS name FROM unnest(names) AS x WHERE x <> '') n
    CROSS JOIN LATERAL string_to_array(n.name, ' ') AS a(w)
    CROSS JOIN LATERAL generate_subscripts(a.w, 1) AS i
    WHERE n.name <> '' AND (i = 1 OR length(a.w[i]) >= 3)
$$;

-- A word and the word with one letter left out (words of three letters or more).
CREATE OR REPLACE FUNCTION bin_word_variants(word text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT word
    UNION
    SELECT overlay(word PLACING '' FROM i FOR 1) FROM generate_series(1, length(word)) AS i
    WHERE length(word) >= 3
$$;

-- Write the terms of these streets, and the variants of words not seen before.
CREATE OR REPLACE FUNCTION bin_street_terms_add(ids bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
    WITH added AS (
        INSERT INTO streets_streetterm (street_id, municipality_id, postcode, word, term, name)
        SELECT s.id, s.municipality_id, s.postcode, t.word, t.term, t.name
        FROM streets_street s CROSS JOIN LATERAL bin_street_terms(s.name_nl, s.name_fr, s.name_de) AS t
        WHERE s.id = ANY(ids)
        RETURNING word, name
    ), words AS (
        SELECT DISTINCT x.w FROM added CROSS JOIN LATERAL unnest(string_to_array(added.name, ' ')) AS x(w)
        WHERE added.word = 0
    )
    INSERT INTO streets_streetwordvariant (variant, word)
    SELECT v.v, words.w FROM words CROSS JOIN LATERAL bin_word_variants(words.w) AS v(v)
    WHERE NOT EXISTS (SELECT 1 FROM streets_streetwordvariant e WHERE e.variant = words.w AND e.word = words.w)
    ON CONFLICT DO NOTHING
$$;

CREATE OR REPLACE FUNCTION bin_street_terms_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bin_street_terms_add(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bin_street_terms_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
BEGIN
    changed := ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.name_nl, n.name_fr, n.name_de, n.municipality_id, n.postcode)
              IS DISTINCT FROM (o.name_nl, o.name_fr, o.name_de, o.municipality_id, o.postcode)
    );
    IF cardinality(changed) > 0 THEN
        DELETE FROM streets_streetterm WHERE street_id = ANY(changed);
        PERFORM bin_street_terms_add(changed);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS streets_street_terms_insert ON streets_street;
CREATE TRIGGER streets_street_terms_insert AFTER INSERT ON streets_street
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bin_street_terms_on_insert();
DROP TRIGGER IF EXISTS streets_street_terms_update ON streets_street;
CREATE TRIGGER streets_street_terms_update AFTER UPDATE ON streets_street
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION bin_street_terms_on_update();
