"""What a "how many reviews ..." question counts besides a topic: the whole library ("how many
reviews are there?"), the documents of a year ("published in 2019") or of a publisher ("in
Hertfordshire"). These are counted from the documents' fields, and said as such; a topic is
counted by "which reviews" (:mod:`assistant.answers.conversation`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answers.questions import QUESTION_WORDS
from assistant.documents.doc_metadata import publishers
from assistant.documents.doc_metadata.ages import query_groups
from assistant.records import Document
from assistant.search.searcher import content_words

LIBRARY_WORDS = frozenset({"there", "library", "held", "kept", "total", "altogether", "all"})
BY_FIELD = re.compile(r"(?:(?:published|written|held)\s+)?(?:in|from|by|for)\s+(.+)", re.I | re.S)
YEAR = re.compile(r"(?:19|20)\d\d")
LISTED = 10  # documents named under a count


@dataclass(frozen=True)
class FieldCount:
    lead: str  # the count, in the app's words
    documents: tuple[Document, ...]  # the documents counted, to name (at most LISTED)


def by_fields(topic: str, documents: Sequence[Document]) -> FieldCount | None:
    """The count a topic asks of the documents' fields, or None when it asks about a subject."""
    indexed = [d for d in documents if d.status == "indexed"]
    words = [w for w in content_words(topic) if w not in QUESTION_WORDS and w not in LIBRARY_WORDS]
    if not words and not query_groups(topic):
        return FieldCount(f"The library holds {_documents(len(indexed))}.", ())
    m = BY_FIELD.fullmatch(topic.strip())
    if m is None:
        return None
    value = m.group(1).strip()
    if YEAR.fullmatch(value):
        found = tuple(d for d in indexed if d.year == int(value))
        return FieldCount(
            f"{_documents(len(found), 'in this library')} published in {value}.{_named(found)}",
            found[:LISTED],
        )
    wanted = set(publishers.key(value).split())
    found = tuple(
        d for d in indexed if d.partnership and wanted <= set(publishers.key(d.partnership).split())
    )
    if not found:
        return None  # "in prisons": a subject, not a publisher
    names = sorted({d.partnership for d in found})
    shown = "; ".join(names[:3]) + ("; …" if len(names) > 3 else "")
    lead = f"{_documents(len(found), 'in this library')} published by {shown}.{_named(found)}"
    return FieldCount(lead, found[:LISTED])


def _named(found: Sequence[Document]) -> str:
    """Said when the list under a count is not all of it."""
    return (
        f" Named here: the first {LISTED} (the Library page lists them all)." if len(found) > LISTED else ""
    )


def _documents(n: int, where: str = "") -> str:
    noun = "document" if n == 1 else "documents"
    verb = ("is" if n == 1 else "are") if where else ""
    return " ".join(p for p in (str(n), noun, where, verb) if p)
