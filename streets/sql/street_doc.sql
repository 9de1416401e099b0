-- The names of a street in its languages as one normalised text: what the street search scores against
-- (pg_trgm word similarity) and what the GIN index streets_street_doc_trgm holds.
CREATE OR REPLACE FUNCTION bin_street_doc(text, text, text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT bin_normalise(concat_ws(' ', nullif($1, ''), nullif($2, ''), nullif($3, '')))
$$;
