"""The lookup benchmark (scripts/bench_lookup.py, which documents it): a synthetic Belgium, timed lookups.

names     the street and municipality names the generator draws from
country   the plan (sizes, seed), its layout and the marker of the data in the database
generate  the synthetic country, generated inside PostGIS
samples   the timed calls' inputs, drawn from the data
paths     bare SQL, selector, view and HTTP: the four paths of each operation (imports the apps)
measure   timing each path over the samples
report    the table, the targets, the summary lines
run       the whole run, from the database check to the report
"""
