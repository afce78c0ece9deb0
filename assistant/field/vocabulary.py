"""The field's vocabulary: a practitioner's words meet the reviews' words.

Loaded from an editable TOML file (``assistant/field/data/vocabulary.toml`` by default) of groups of
terms that mean the same thing for searching: "GP" and "general practice", "DAISU" and its
spelled-out name, "cot death" and "sudden unexpected death in infancy".
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
    def __init__(self, groups: list[tuple[str, ...]], case_sensitive: frozenset[str] = frozenset()):
        self.groups = groups
        self._patterns = [
            [(term, _pattern(term, term in case_sensitive)) for term in group] for group in groups
        ]

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE) -> Vocabulary:
        data, _ = data_files.read(path, "vocabulary file")
        groups = []
        for n, group in enumerate(data.get("group", []), start=1):
            terms = group.get("terms") if isinstance(group, dict) else None
            if not terms or not all(isinstance(t, str) and t.strip() for t in terms):
                raise AssistantError(f"vocabulary file {path}: group {n} needs a list of terms")
            groups.append(tuple(t.strip() for t in terms))
        return cls(groups, frozenset(data.get("case_sensitive", [])))

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


@lru_cache(maxsize=4)
def load(path: Path = DEFAULT_FILE) -> Vocabulary:
    return Vocabulary.load(path)
