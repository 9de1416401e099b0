"""Postal names (1502 Lembeek) for the address lookup, with an index on their normalised form."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('streets', '0004_street_terms'),
    ]

    operations = [
        migrations.CreateModel(
            name='PostalName',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('postcode', models.CharField(max_length=8, verbose_name='postcode')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
            ],
            options={
                'verbose_name': 'postal name',
                'verbose_name_plural': 'postal names',
                'ordering': ['postcode', 'name'],
                'constraints': [models.UniqueConstraint(fields=('postcode', 'name'), name='postalname_unique')],
            },
        ),
        migrations.RunSQL(
            "CREATE INDEX streets_postalname_norm ON streets_postalname (bin_normalise(name));",
            "DROP INDEX IF EXISTS streets_postalname_norm;",
        ),
    ]
