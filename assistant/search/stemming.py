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


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Porter stem of ``word``, lower-cased, without surrounding apostrophes:
    'managed' and 'management' → 'manag', 'safety' → 'safeti'. Remembered (bounded): a search
    highlights ten passages, stemming every word of each (~800 words, ~2 ms a search uncached)."""
    return _stemmer().stemWord(word.lower().strip("'"))


def stem_all(words: list[str]) -> list[str]:
    """The Porter stems of many lower-case words at once, not remembered: for words made up
    once (a misspelling's neighbours) that would only push real ones out of :func:`stem`'s memory."""
    return list(_stemmer().stemWords(words))


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer(ALGORITHM)
    return stemmer
