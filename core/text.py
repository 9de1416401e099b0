"""The one normalisation of names for matching, in Python; the database's bin_normalise() (core/sql/
normalise.sql) does the same, and tests/core/test_text.py holds the two to agreeing on every name of the
demo data.

Lower case, no accents, ligatures spelt out, and every run of characters that are neither letters nor
digits turned into one space: "Sint-Jansstraat", "Sint Jansstraat" and "SINT-JANSSTRAAT" all give
"sint jansstraat", "Rue d'Or" gives "rue d or", "Œuvre" gives "oeuvre".
"""

import re
import unicodedata

__all__ = ["normalise"]

# What PostgreSQL's unaccent spells out and Unicode decomposition does not.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "þ": "th", "ð": "d"})
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """`text` folded for comparison: lower case, no accents, punctuation runs as one space, trimmed."""
    # Decomposed before and after case folding: some letters fold only once decomposed (U+210C, black-letter
    # H), others decompose only once folded (U+01C5, Dž).
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", stripped.translate(_LIGATURES)).split())
