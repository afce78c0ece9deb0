"""Word stems, by the stemmer the keyword index uses: Porter's (PyStemmer's "porter", as SQLite
FTS5's ``porter`` tokenizer), so a query's words and the index agree on what a word's stem is.

PyStemmer's stemmers are not thread-safe (the app serves each visitor from its own thread): each
thread gets its own.
"""

from __future__ import annotations

import threading

import Stemmer

ALGORITHM = "porter"
_local = threading.local()


def stem(word: str) -> str:
    """The Porter stem of ``word``, lower-cased, without surrounding apostrophes:
    'managed' and 'management' → 'manag', 'safety' → 'safeti'."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer(ALGORITHM)
    return stemmer.stemWord(word.lower().strip("'"))
