"""Words of a query that no passage of the library holds, and the nearest word that some do:
'suicde' → 'suicide'. Said beside the results, never searched instead: the person chooses.

The library's words are its keyword index's own (SQLite FTS5's ``fts5vocab``: each Porter stem
with the number of passages holding it), read once per opened library. A suggestion is a stem
held by two passages or more: of a word one slip away, else the most alike (``difflib``),
shown as the passages holding it spell it.
"""

from __future__ import annotations

import difflib
import re
import string
import threading
from collections import Counter
from typing import TYPE_CHECKING

from assistant.library.review_rows import passages_containing
from assistant.search.stemming import stem, stem_all

if TYPE_CHECKING:
    from assistant.library.reader import Library

CUTOFF = 0.8  # how alike a misspelling and the word it stands for are (difflib's ratio)
MIN_LETTERS = 3  # shorter words are abbreviations or initials, not misspellings
MIN_PASSAGES = 2  # a word held by one passage may be a misspelling itself
LOOKED_UP = 20  # words of one query looked up (a long query cannot make the lookups unbounded)
MAX_WORDS = 5  # words no passage holds named for one query
READ = 20  # passages read to find how the library spells a stem
REMEMBERED = 1024  # suggestions kept (a misspelling is often typed again, as the page reruns)


class Spelling:
    """The words of one opened library, for telling a person which of theirs it does not hold."""

    def __init__(self, library: Library):
        self.library = library
        self._stems: dict[str, int] | None = None
        self._suggested: dict[str, str | None] = {}
        self._lock = threading.Lock()

    @property
    def stems(self) -> dict[str, int]:
        """Stem → passages holding it: those at least :data:`MIN_PASSAGES` hold, alphabetic."""
        with self._lock:
            if self._stems is None:
                db = self.library.db
                for name, kind in (("spelling_words", "col"), ("spelling_places", "instance")):
                    db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name}"
                               f" USING fts5vocab(main, passages_fts, '{kind}')")  # fmt: skip
                rows = db.execute(  # the passages' own text: a word of a title is not in every passage
                    "SELECT term, doc FROM temp.spelling_words WHERE col = 'text' AND doc >= ?",
                    (MIN_PASSAGES,),
                ).fetchall()
                self._stems = {t: n for t, n in rows if t.isalpha() and len(t) >= MIN_LETTERS}
            return self._stems

    def unknown(self, words: list[str]) -> list[str]:
        """Those of ``words`` (a query's content words) that no passage holds: of the first
        :data:`LOOKED_UP` of them, at most :data:`MAX_WORDS`."""
        candidates = [w for w in dict.fromkeys(words) if w.isalpha() and len(w) >= MIN_LETTERS]
        missing = [w for w in candidates[:LOOKED_UP] if not passages_containing(self.library, w, 1)]
        return missing[:MAX_WORDS]

    def suggest(self, word: str) -> str | None:
        """The word the library holds that ``word`` most likely misspells, or None.

        Its stem is that of a word one slip away (a letter left out, added, changed, or two
        swapped: 'informaton', 'saftey') that the library holds; else one of the stems most
        alike (two slips or more); with the same first letter either way (a first letter is
        seldom the slip). It is shown as the passages spell it, in the word nearest the person's,
        which must itself be one slip away or alike ('neglegence' is not 'negligible')."""
        stems, spelt = self.stems, word.lower()
        wanted = stem(spelt)
        slips = {w for w in _one_slip(spelt) if w[:1] == spelt[0]}  # a first letter is seldom the slip
        near = set(stem_all(sorted(slips))) & stems.keys()
        if not near:  # two slips or more: the most alike
            alike_start = [s for s in stems if s[0] == wanted[0]]
            near = set(difflib.get_close_matches(wanted, alike_start, cutoff=CUTOFF))
        if not near:
            return None
        # A slip's stem may be another word's ('waitng' → 'waing' → 'wai', of 'ways'): the stem most
        # like the person's, then the commonest.
        best = max(sorted(near), key=lambda s: (difflib.SequenceMatcher(None, wanted, s).ratio(), stems[s]))
        rows = self.library.db.execute(  # the passages holding that very stem (a match would stem it again)
            "SELECT p.text FROM passages p WHERE p.id IN (SELECT DISTINCT doc FROM temp.spelling_places"
            " WHERE term = ? AND col = 'text' LIMIT ?)",
            (best, READ),
        )
        said = Counter(w.lower() for (text,) in rows for w in _letter_words(text) if stem(w) == best)

        def likeness(w: str) -> tuple[bool, float, int]:
            return w in slips, difflib.SequenceMatcher(None, spelt, w).ratio(), said[w]

        nearest = max(sorted(said), key=likeness, default=None)
        if nearest is None or not (nearest in slips or likeness(nearest)[1] >= CUTOFF):
            return None
        return nearest

    def forget(self) -> None:
        """Drop the suggestions remembered (the words stay read)."""
        self._suggested.clear()

    def check(self, words: list[str]) -> list[tuple[str, str | None]]:
        """(word, the word it likely misspells or None) for each of ``words`` no passage holds."""
        found = []
        for word in self.unknown(words):
            try:  # one read: another thread may clear what is remembered between two
                nearest = self._suggested[word]
            except KeyError:
                nearest = self.suggest(word)
                if len(self._suggested) >= REMEMBERED:
                    self._suggested.clear()
                self._suggested[word] = nearest
            found.append((word, nearest))
        return found

    def note(self, words: list[str]) -> str | None:
        """'no passage in the library holds “suicde” (did you mean “suicide”?)', or None when
        every word is held."""
        parts = [f"“{w}” (did you mean “{near}”?)" if near else f"“{w}”" for w, near in self.check(words)]
        return f"no passage in the library holds {', '.join(parts)}" if parts else None

    def respelled(self, query: str, words: list[str]) -> str | None:
        """``query`` with each of ``words`` that no passage holds spelt as the library spells it;
        None when there is nothing to respell."""
        swaps = {w: near for w, near in self.check(words) if near}
        if not swaps:
            return None
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, swaps)) + r")\b", re.I)
        return pattern.sub(lambda m: swaps[m.group().lower()], query)


def _one_slip(word: str) -> set[str]:
    """Every string one slip from ``word``: a letter left out, swapped with the next, changed or
    added (Norvig's edits; about 54n + 25 of them)."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


def _letter_words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalpha() else " " for c in text).split() if len(w) >= MIN_LETTERS]
