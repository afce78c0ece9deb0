"""Suggested topics: the library's own most common learning themes, not a fixed list.

A library of road deaths suggests its road themes; the seed library its bath safety. A topic is
a theme's label, searched for like any typed query, and only themes found in at least one
review are suggested.
"""

from __future__ import annotations

from assistant.records import ThemeCount

TOPICS = 6  # how many to suggest


def suggested(themes: list[ThemeCount], n: int = TOPICS) -> list[str]:
    """The labels of the ``n`` themes found in the most reviews (then the most passages)."""
    found = [t for t in themes if t.documents]
    found.sort(key=lambda t: (-len(t.documents), -t.passages, t.label))
    return [t.label for t in found[:n]]
