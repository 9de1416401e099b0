"""OpenStreetMap streets are keyed "osm:<NIS>:<normalised name>"; the name is now normalised by the one
normaliser (core.text.normalise, bin_normalise in SQL), which turns punctuation into spaces where the OSM
importer's own kept it ("sint-jansstraat" becomes "sint jansstraat"). Streets imported before get their new
key, so that a re-import finds them; a key that would collide with another street's stays as it was."""

from django.db import migrations

RENAME = r"""
WITH renamed AS (
    SELECT id,
           substring(source_id FROM '^(osm:[0-9]+:)')
           || left(bin_normalise(substring(source_id FROM '^osm:[0-9]+:(.*)$')), 89) AS new_id
    FROM streets_street WHERE source_id ~ '^osm:[0-9]+:.'
)
UPDATE streets_street s SET source_id = r.new_id
FROM renamed r
WHERE s.id = r.id AND r.new_id <> s.source_id
  AND NOT EXISTS (SELECT 1 FROM streets_street o WHERE o.source_id = r.new_id)
  AND r.new_id IN (SELECT new_id FROM renamed GROUP BY new_id HAVING count(*) = 1);
"""


class Migration(migrations.Migration):
    dependencies = [("streets", "0005_postal_names")]

    operations = [migrations.RunSQL(RENAME, migrations.RunSQL.noop)]
