"""The street search behind the autocomplete and the address lookup: index range scans, not a scan of streets.

Text is compared normalised (bin_normalise: lower case, no accents, words split on anything but letters and
digits) against StreetTerm rows: every name of a street whole, and from each later word on. Four stages: the
words stage fills up what the prefix stage leaves (in the same statement); the typo stages run, in a second
statement, only when nothing matches the text as typed, and the trigram stage only when the typo stage finds
nothing either:

prefix   the text starts a name, or starts at one of its words ("kerkstr", "loi", "rue de la l");
words    each typed word starts a word of the name, in any order, words in between skipped ("rue lou" finds
         Rue de Louvain). The scan runs over the terms of the typed word that starts the fewest terms (counted
         up to 1,000 through the index; words under three letters start none), the other words are checked
         on each term's name;
typo     as `words`, with one typed word replaced by a word of the names one slip away: the same after
         leaving out at most one letter of each (StreetWordVariant): a letter wrong, missing, extra, swapped;
trigram  when no such word exists: the whole names closest to the text by pg_trgm word similarity (GIN index).

Within a stage, an exact
name comes first, then whole names before names matched from a later word, then alphabetical order (or, for
typos, the names closest to what was typed). Each street gets `.score`, the pg_trgm word similarity of the
text to all its names (1.0 for an exact name), and `.stage`.
"""

from areas.models import Municipality
from areas.selectors import MUNICIPALITY_NAMES_SQL, municipality_join_sql
from core.replica import read_connection

from .models import Street

__all__ = ["STAGES", "search_sql", "streets_search"]

STAGES = ("prefix", "words", "typo", "trigram")
# Terms fetched per stage: a street matches through one term per language, so this many give `limit` streets.
ROWS_PER_STREET = 3
# How far the words stage counts a typed word's terms to pick the rarest one.
COUNT_CAP = 1000

# Each function below returns one piece of the statements as text, with `filters` (the municipality and
# postcode conditions on the terms `t`, or "") put in; the %(...)s are the statement's parameters.

_WORDS = """
words AS (
    SELECT u.w, u.ord FROM unnest(string_to_array(bin_normalise(%(q)s), ' ')) WITH ORDINALITY AS u(w, ord)
    WHERE u.w <> ''
)"""


def _range(w: str) -> str:
    """The terms that start with `w`, a column of the outer query: '~' sorts after every normalised
    character. Each such scan sits in a LATERAL subquery, so that it runs once per outer row as an index
    range scan (joined plainly, the planner preferred one ordered scan of the whole index for the LIMIT)."""
    return f"t.term >= {w} AND t.term < {w} || '~'"


def _count(w: str, filters: str) -> str:
    """How many terms start with `w`, counted up to COUNT_CAP: which typed word is the rarest."""
    terms = f"SELECT FROM streets_streetterm t WHERE {_range(w)}{filters} LIMIT %(cap)s"
    return f"SELECT count(*) AS n FROM ({terms}) counted"


def _first(filters: str) -> str:
    """The prefix and words stages."""
    return f"""WITH{_WORDS},
prefix AS (
    SELECT t.street_id, 0 AS stage, (t.term <> bin_normalise(%(q)s))::int AS inexact, t.word, t.term,
           0.0::float4 AS closeness
    FROM streets_streetterm t
    WHERE {_range("bin_normalise(%(q)s)")}{filters}
    ORDER BY t.term LIMIT %(rows)s
),
driver AS (
    SELECT words.w FROM words CROSS JOIN LATERAL ({_count("words.w", filters)}) c
    WHERE (SELECT count(*) FROM words) > 1 AND (SELECT count(DISTINCT street_id) FROM prefix) < %(limit)s
      AND length(words.w) >= 3
    ORDER BY c.n, length(words.w) DESC, words.ord DESC
    LIMIT 1
),
all_words AS (
    SELECT t.street_id, 1 AS stage, 1 AS inexact, t.word, t.term, 0.0::float4 AS closeness
    FROM driver d CROSS JOIN LATERAL (
        SELECT t.street_id, t.word, t.term FROM streets_streetterm t
        WHERE {_range("d.w")}{filters}
          AND NOT EXISTS (SELECT FROM words x WHERE position(' ' || x.w IN ' ' || t.name) = 0)
        ORDER BY t.term LIMIT %(rows)s
    ) t
),
found AS (SELECT * FROM prefix UNION ALL SELECT * FROM all_words)"""


def _second(filters: str) -> str:
    """The typo and trigram stages."""
    return f"""WITH{_WORDS},
fixes AS (
    SELECT DISTINCT w.ord, v.word AS fix
    FROM words w
    CROSS JOIN LATERAL bin_word_variants(w.w) AS q(variant)
    JOIN streets_streetwordvariant v ON v.variant = q.variant
    WHERE length(w.w) >= 3 AND v.word <> w.w
),
fixed AS (
    SELECT f.ord AS fixed, f.fix, w.ord, CASE WHEN w.ord = f.ord THEN f.fix ELSE w.w END AS w
    FROM fixes f CROSS JOIN words w
),
counted AS (
    SELECT c.w, k.n FROM (SELECT DISTINCT w FROM fixed WHERE length(w) >= 3) c
    CROSS JOIN LATERAL ({_count("c.w", filters)}) k
),
drivers AS (
    SELECT DISTINCT ON (f.fixed, f.fix) f.fixed, f.fix, f.w AS driver
    FROM fixed f JOIN counted USING (w)
    ORDER BY f.fixed, f.fix, counted.n, length(f.w) DESC
),
typo AS (
    SELECT t.street_id, 2 AS stage, 1 AS inexact, t.word, t.term,
           similarity(bin_normalise(%(q)s), t.name) AS closeness
    FROM drivers d CROSS JOIN LATERAL (
        SELECT t.street_id, t.word, t.term, t.name FROM streets_streetterm t
        WHERE {_range("d.driver")}{filters}
          AND NOT EXISTS (
              SELECT FROM fixed x
              WHERE x.fixed = d.fixed AND x.fix = d.fix AND position(' ' || x.w IN ' ' || t.name) = 0
          )
        ORDER BY t.term LIMIT %(rows)s
    ) t
),
trigram AS (
    SELECT t.street_id, 3 AS stage, 1 AS inexact, t.word, t.term,
           word_similarity(bin_normalise(%(q)s), t.term) AS closeness
    FROM streets_streetterm t
    WHERE (SELECT count(*) FROM typo) = 0 AND t.word = 0 AND bin_normalise(%(q)s) <%% t.term{filters}
    ORDER BY closeness DESC, similarity(bin_normalise(%(q)s), t.term) DESC, t.term
    LIMIT %(rows)s
),
found AS (SELECT * FROM typo UNION ALL SELECT * FROM trigram)"""


_RESULT = f"""
SELECT f.stage, s.id, s.municipality_id, s.name_nl, s.name_fr, s.name_de, s.postcode, s.source_id,
       {MUNICIPALITY_NAMES_SQL},
       word_similarity(bin_normalise(%(q)s), bin_street_doc(s.name_nl, s.name_fr, s.name_de)) AS score
FROM (
    SELECT DISTINCT ON (street_id) * FROM found
    ORDER BY street_id, stage, inexact, word > 0, closeness DESC, term
) f
JOIN streets_street s ON s.id = f.street_id
{municipality_join_sql(on="s.municipality_id")}
ORDER BY f.stage, f.inexact, f.word > 0, f.closeness DESC, f.term, s.id
LIMIT %(limit)s
"""

# In the order of the models' fields, as Model.from_db wants them.
_STREET_COLUMNS = ["id", "municipality_id", "name_nl", "name_fr", "name_de", "postcode", "source_id"]
_MUNICIPALITY_COLUMNS = ["id", "nis_code", "name_nl", "name_fr", "name_de"]


def _postcodes(postcode: str, postcodes) -> list[str]:
    return [postcode] if postcode else list(postcodes or [])


def search_sql(*, typo: bool, municipality_ids: list[int] | None, postcode: str = "", postcodes=None) -> str:
    """The statement of the first (prefix, words) or the second (typo, trigram) pass, with these filters."""
    filters = ""
    if municipality_ids:
        filters += " AND t.municipality_id = ANY(%(municipalities)s)"
    if _postcodes(postcode, postcodes):
        filters += " AND t.postcode = ANY(%(postcodes)s)"
    return (_second(filters) if typo else _first(filters)) + _RESULT


def search_params(*, q: str, municipality_ids, postcode: str = "", postcodes=None, limit: int) -> dict:
    return {
        "q": q,
        "municipalities": list(municipality_ids or []),
        "postcodes": _postcodes(postcode, postcodes),
        "limit": limit,
        "rows": limit * ROWS_PER_STREET,
        "cap": COUNT_CAP,
    }


def streets_search(
    *,
    q: str,
    municipality_ids: list[int] | None = None,
    postcode: str = "",
    postcodes: list[str] | None = None,
    limit: int = 10,
) -> list[Street]:
    """Streets whose names match `q` as typed (any language, no accents, typos tolerated), best first,
    in these municipalities and with this postcode (or one of these postcodes) when given.

    One statement, two when nothing matches the text as typed (see the module doc). Each street comes with its
    municipality, `.score` (0..1) and `.stage` (one of STAGES); its geometry loads only when read.
    """
    postcodes = _postcodes(postcode, postcodes)
    params = search_params(q=q, municipality_ids=municipality_ids, postcodes=postcodes, limit=limit)
    streets = _run(search_sql(typo=False, municipality_ids=municipality_ids, postcodes=postcodes), params)
    if not streets:
        streets = _run(search_sql(typo=True, municipality_ids=municipality_ids, postcodes=postcodes), params)
    return streets


def _run(sql: str, params: dict) -> list[Street]:
    with read_connection(Street).cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    municipalities: dict[int, Municipality] = {}
    streets = []
    # A row: the stage, the street's columns, the municipality's names (MUNICIPALITY_NAMES_SQL), the score.
    for stage, *street_values, nis_code, m_name_nl, m_name_fr, m_name_de, score in rows:
        street = Street.from_db("default", _STREET_COLUMNS, street_values)
        municipality_id = street.municipality_id
        if municipality_id not in municipalities:
            municipalities[municipality_id] = Municipality.from_db(
                "default", _MUNICIPALITY_COLUMNS, [municipality_id, nis_code, m_name_nl, m_name_fr, m_name_de]
            )
        street.municipality = municipalities[municipality_id]
        street.score = round(float(score), 3)
        street.stage = STAGES[stage]
        streets.append(street)
    return streets
