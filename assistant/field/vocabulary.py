"""The field's vocabulary: a practitioner's words meet the reviews' words.

Loaded from an editable TOML file (``assistant/field/data/vocabulary.toml`` by default) of groups of
terms that mean the same thing for searching: "GP" and "general practice", "DAISU" and its
spelled-out name, "cot death" and "sudden unexpected death in infancy"; and of narrower lists of
ways of saying one thing ("suicide", "took her own life"), by which "which reviews" decides that a
review holds a word of the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import AssistantError
from assistant.field import data_files
from assistant.field.phrases import phrase_regex

DEFAULT_FILE = Path(__file__).parent / "data" / "vocabulary.toml"


@dataclass(frozen=True)
class Expansion:
    query: str
    matched: tuple[str, ...]  # terms of the vocabulary found in the query
    related: tuple[str, ...]  # the other terms of their groups
    dense_text: str  # the query with acronyms spelled out, for the embedder


def _pattern(term: str, case_sensitive: bool) -> re.Pattern[str]:
    return re.compile(phrase_regex(term), 0 if case_sensitive else re.I)


class Vocabulary:
    def __init__(
        self,
        groups: list[tuple[str, ...]],
        case_sensitive: frozenset[str] = frozenset(),
        same: list[tuple[str, ...]] | None = None,
    ):
        self.groups = groups
        self.case_sensitive = case_sensitive
        self.same = same or []  # the [[same]] lists: ways of saying one thing, for "which reviews"
        self._patterns = [
            [(term, _pattern(term, term in case_sensitive)) for term in group] for group in groups
        ]

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE) -> Vocabulary:
        data, _ = data_files.read(path, "vocabulary file")
        lists: dict[str, list[tuple[str, ...]]] = {"group": [], "same": []}
        for table, found in lists.items():
            for n, group in enumerate(data.get(table, []), start=1):
                terms = group.get("terms") if isinstance(group, dict) else None
                if not terms or not all(isinstance(t, str) and t.strip() for t in terms):
                    raise AssistantError(f"vocabulary file {path}: {table} {n} needs a list of terms")
                found.append(tuple(t.strip() for t in terms))
        case_sensitive = frozenset(data.get("case_sensitive", []))
        for n, same in enumerate(lists["same"], start=1):  # a phrase held in a review is matched in any case
            if acronyms := sorted(case_sensitive.intersection(same)):
                raise AssistantError(
                    f"vocabulary file {path}: same {n} holds {', '.join(acronyms)}, which counts only in"
                    " capitals; a [[same]] term is found in any case, so leave it out"
                )
        return cls(lists["group"], case_sensitive, lists["same"])

    def expand(self, query: str) -> Expansion:
        matched: list[str] = []
        related: list[str] = []
        spelled = query
        for group in self._patterns:
            hits = [term for term, pattern in group if pattern.search(query)]
            if not hits:
                continue
            matched += hits
            related += [term for term, _ in group if term not in hits and term not in related]
            longest = max((t for t, _ in group), key=len)
            for term in hits:
                if term.isupper() and longest not in spelled:
                    spelled = f"{spelled} ({longest})"
        return Expansion(query, tuple(matched), tuple(related), spelled)

    def same_as(self, word: str) -> tuple[str, ...]:
        """The other terms of every [[same]] list that has ``word`` as a term of its own, in any
        case ("suicide" → "took her own life", ...)."""
        wanted = word.casefold()
        return tuple(
            other
            for group in self.same
            if any(t.casefold() == wanted for t in group)
            for other in group
            if other.casefold() != wanted
        )


@lru_cache(maxsize=4)
def load(path: Path = DEFAULT_FILE) -> Vocabulary:
    return Vocabulary.load(path)
