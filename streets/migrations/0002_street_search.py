"""Accent- and case-insensitive, typo-tolerant street search: the normalising SQL functions (core/sql/
normalise.sql, streets/sql/street_doc.sql) and trigram indexes."""

from django.db import migrations

from core.sql import RunSQLFile


INDEXES = """
CREATE INDEX streets_street_doc_trgm ON streets_street
    USING gin (bin_street_doc(name_nl, name_fr, name_de) gin_trgm_ops);
CREATE INDEX streets_street_postcode ON streets_street (postcode);
CREATE INDEX streets_address_postcode ON streets_address (postcode);
"""


class Migration(migrations.Migration):
    dependencies = [("streets", "0001_initial")]

    operations = [
        RunSQLFile("core", "normalise.sql", reverse_sql="DROP FUNCTION IF EXISTS bin_normalise(text);"),
        RunSQLFile("streets", "street_doc.sql", reverse_sql="DROP FUNCTION IF EXISTS bin_street_doc(text, text, text);"),
        migrations.RunSQL(
            INDEXES,
            "DROP INDEX IF EXISTS streets_street_doc_trgm; DROP INDEX IF EXISTS streets_street_postcode; "
            "DROP INDEX IF EXISTS streets_address_postcode;",
        ),
    ]
