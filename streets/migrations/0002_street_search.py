"""Accent- and case-insensitive, typo-tolerant street search: a normalising SQL function and trigram indexes.

unaccent() is only STABLE (its dictionary could change), so it cannot appear in an index expression; the
usual remedy is an IMMUTABLE wrapper that names the dictionary explicitly.
"""

from django.db import migrations

NORMALISE = r"""
CREATE OR REPLACE FUNCTION bin_normalise(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)),
                                '[^a-z0-9]+', ' ', 'g'))
$$;
CREATE OR REPLACE FUNCTION bin_street_doc(text, text, text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT bin_normalise(concat_ws(' ', nullif($1, ''), nullif($2, ''), nullif($3, '')))
$$;
"""

INDEXES = """
CREATE INDEX streets_street_doc_trgm ON streets_street
    USING gin (bin_street_doc(name_nl, name_fr, name_de) gin_trgm_ops);
CREATE INDEX streets_street_postcode ON streets_street (postcode);
CREATE INDEX streets_address_postcode ON streets_address (postcode);
"""


class Migration(migrations.Migration):
    dependencies = [("streets", "0001_initial")]

    operations = [
        migrations.RunSQL(
            NORMALISE, "DROP FUNCTION IF EXISTS bin_street_doc(text, text, text); DROP FUNCTION IF EXISTS bin_normalise(text);"
        ),
        migrations.RunSQL(
            INDEXES,
            "DROP INDEX IF EXISTS streets_street_doc_trgm; DROP INDEX IF EXISTS streets_street_postcode; "
            "DROP INDEX IF EXISTS streets_address_postcode;",
        ),
    ]
