-- bin_normalise(text): the one normalisation of names for matching, as core/text.py's normalise() does it
-- in Python (tests/core/test_text.py keeps the two in agreement): lower case, no accents (unaccent), every
-- run of characters other than a-z and 0-9 one space, trimmed.
--
-- unaccent() is only STABLE (its dictionary could change), so it cannot appear in an index expression;
-- naming the dictionary explicitly makes the wrapper IMMUTABLE, which the expression indexes on street,
-- municipality and postal names need.
CREATE OR REPLACE FUNCTION bin_normalise(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)),
                                '[^a-z0-9]+', ' ', 'g'))
$$;
