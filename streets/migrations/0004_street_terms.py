"""Search terms and the typo index for the street search, kept by the database (see StreetTerm).

Statement-level triggers with transition tables: a bulk import of 300,000 streets runs the trigger once,
set-based, not 300,000 times. An update rewrites the terms only of the streets whose names, municipality or
postcode changed (the importers' re-runs mostly touch geometries). The foreign key with ON DELETE CASCADE
removes the terms with their street; Django's own cascade leaves them alone (DO_NOTHING).
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

from core.sql import RunSQLFile


AFTER = """
ALTER TABLE streets_streetterm ADD CONSTRAINT streets_streetterm_street_fk
    FOREIGN KEY (street_id) REFERENCES streets_street (id) ON DELETE CASCADE;

SELECT bin_street_terms_add(ARRAY(SELECT id FROM streets_street));
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS streets_street_terms_insert ON streets_street;
DROP TRIGGER IF EXISTS streets_street_terms_update ON streets_street;
DROP FUNCTION IF EXISTS bin_street_terms_on_insert();
DROP FUNCTION IF EXISTS bin_street_terms_on_update();
DROP FUNCTION IF EXISTS bin_street_terms_add(bigint[]);
DROP FUNCTION IF EXISTS bin_word_variants(text);
DROP FUNCTION IF EXISTS bin_street_terms(text[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0001_initial'),
        ('streets', '0003_municipality_name_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='StreetWordVariant',
            fields=[
                ('pk', models.CompositePrimaryKey('variant', 'word', blank=True, editable=False, primary_key=True, serialize=False)),
                ('variant', models.TextField(db_collation='C')),
                ('word', models.TextField(db_collation='C')),
            ],
        ),
        migrations.CreateModel(
            name='StreetTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('postcode', models.CharField(blank=True, max_length=8)),
                ('word', models.PositiveSmallIntegerField()),
                ('term', models.TextField(db_collation='C')),
                ('name', models.TextField(db_collation='C')),
                ('municipality', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='areas.municipality')),
                ('street', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='streets.street')),
            ],
            options={
                'indexes': [models.Index(fields=['term'], include=('word', 'street', 'name'), name='streetterm_term'), models.Index(fields=['municipality', 'term'], name='streetterm_municipality'), models.Index(fields=['postcode', 'term'], name='streetterm_postcode'), models.Index(fields=['street'], name='streetterm_street'), django.contrib.postgres.indexes.GinIndex(condition=models.Q(('word', 0)), fields=['term'], name='streetterm_trgm', opclasses=['gin_trgm_ops'])],
            },
        ),
        RunSQLFile("streets", "street_terms.sql", reverse_sql=DROP_SQL, after=AFTER),
    ]
