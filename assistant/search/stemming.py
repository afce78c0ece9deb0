"""Word stems, by the stemmer the keyword index uses: Porter's (PyStemmer's "porter", as SQLite
FTS5's ``porter`` tokenizer), so a query's words and the index agree on what a word's stem is.

PyStemmer's stemmers are not thread-safe (the app serves each visitor from its own thread): each
thread gets its own.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import Stemmer

ALGORITHM = "porter"
_local = threading.local()
# Singular and plural that Porter's stemmer keeps apart ("lives" → "live", "life" → "life"), so
# that "took their own lives" is held by a report that says "took his own life".
IRREGULAR = (
    ("life", "lives"), ("wife", "wives"), ("knife", "knives"), ("half", "halves"), ("self", "selves"),
    ("shelf", "shelves"), ("thief", "thieves"), ("child", "children"), ("man", "men"),
    ("woman", "women"), ("person", "people"), ("foot", "feet"), ("tooth", "teeth"),
)  # fmt: skip
# Forms looked for only as what they are, never for another word: the keyword index finds a word
# by its stem, and these forms' stems are other words' too ("lives": "live", as "lived" and
# "living"; "person": "personal"), so "life" would be held by "he lived with his mother".
STEM_SHARED = frozenset({"lives", "person"})
_OTHER_FORM = {a: b for pair in IRREGULAR for a, b in (pair, pair[::-1]) if b not in STEM_SHARED}


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Porter stem of ``word``, lower-cased, without surrounding apostrophes:
    'managed' and 'management' → 'manag', 'safety' → 'safeti'. Remembered (bounded): a search
    highlights ten passages, stemming every word of each (~800 words, ~2 ms a search uncached)."""
    return _stemmer().stemWord(word.lower().strip("'"))


def other_form(word: str) -> str | None:
    """The singular of an irregular plural, or the plural of its singular ("lives" → "life",
    "child" → "children"), when their stems differ and the other form's stem is that form's
    alone; None for any other word."""
    return _OTHER_FORM.get(word.lower())


def stem_all(words: list[str]) -> list[str]:
    """The Porter stems of many lower-case words at once, not remembered: for words made up
    once (a misspelling's neighbours) that would only push real ones out of :func:`stem`'s memory."""
    return list(_stemmer().stemWords(words))


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer(ALGORITHM)
    return stemmer
