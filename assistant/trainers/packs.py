"""A trainer's packs: gathered passages and the briefing drafted from them, as records and files.

A pack item is keyed by its document's content hash, its character offsets into that document's cleaned
text and the quoted words themselves, never by passage id: ids change when a file is replaced or the
library is rebuilt, the words and their place do not. A pack is written as one JSON file
(:mod:`assistant.trainers.pack_files`, kept by :mod:`assistant.trainers.pack_store`); this module owns the
records and finding a quotation again in the current library."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from assistant.errors import PackError
from assistant.records import Hit

if TYPE_CHECKING:
    from assistant.library import Library

MAX_ITEMS = 60  # passages in one pack
MAX_QUOTES = 12  # quotations in one part of a briefing
MAX_QUESTIONS = 12
MAX_READING = 30
MAX_TEXT = 20_000  # characters in any one field (a passage, a note, a part's own words)
MAX_NAME = 120
GONE = "no longer in the library"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Quote:
    """Words copied from a review: ``text`` is its cleaned text from ``start`` to ``end``."""

    text: str
    citation: str  # "Child J (HSCP, 2019): Recommendation 1"
    sha256: str  # the content hash of the document the words are in
    start: int
    end: int
    doc_id: str = ""
    title: str = ""
    cut: bool = False  # the sentence goes on after ``end`` (exports add "…")


@dataclass(frozen=True)
class PackItem:
    """One passage gathered by the trainer, with its own note."""

    passage: Quote
    section: str = ""
    note: str = ""  # the trainer's words
    highlights: tuple[tuple[int, int], ...] = ()  # the best sentences, as offsets into the passage
    themes: tuple[str, ...] = ()  # learning-theme ids, best first

    @property
    def key(self) -> str:
        q = self.passage
        return f"{q.sha256[:16]}-{q.start}-{q.end}"

    @classmethod
    def from_hit(cls, hit: Hit, note: str = "") -> PackItem:
        p = hit.passage
        quote = Quote(p.text, hit.citation, hit.document.sha256, p.char_start, p.char_end, p.doc_id,
                      hit.document.title)  # fmt: skip
        return cls(quote, p.section, note, tuple(hit.highlights), tuple(p.themes))


@dataclass(frozen=True)
class Part:
    """One part of a briefing: quotations from the reviews, then the trainer's own words."""

    quotes: tuple[Quote, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Reading:
    citation: str
    title: str = ""
    url: str = ""


PART_NAMES = {
    "background": "Background",
    "why": "Why it matters",
    "learning": "Key learning",
    "actions": "What to do",
    "good": "What good looks like",
}


@dataclass(frozen=True)
class Briefing:
    """A seven-minute briefing: five parts of quotations and own words, questions and reading."""

    title: str = ""
    audience: str = ""
    background: Part = Part()
    why: Part = Part()
    learning: Part = Part()
    actions: Part = Part()
    good: Part = Part()
    questions: tuple[str, ...] = ()
    reading: tuple[Reading, ...] = ()

    def parts(self) -> list[tuple[str, str, Part]]:
        """(key, heading, part) of the five quoted parts, in the briefing's order."""
        return [(key, name, getattr(self, key)) for key, name in PART_NAMES.items()]

    def with_quotes(self, change: Callable[[Quote], Quote]) -> Briefing:
        """The briefing with every quotation of its five parts passed through ``change``, in order."""

        def changed(part: Part) -> Part:
            return replace(part, quotes=tuple(change(q) for q in part.quotes))

        return replace(self, background=changed(self.background), why=changed(self.why),
                       learning=changed(self.learning), actions=changed(self.actions),
                       good=changed(self.good))  # fmt: skip


@dataclass(frozen=True)
class Pack:
    name: str
    items: tuple[PackItem, ...] = ()
    briefing: Briefing | None = None
    used: str = ""  # the trainer's record of how the briefing was used
    created: str = field(default_factory=now)
    updated: str = field(default_factory=now)

    def with_item(self, item: PackItem) -> Pack:
        if any(i.key == item.key for i in self.items):
            return self
        if len(self.items) >= MAX_ITEMS:
            raise PackError(f"the pack {self.name!r} is full ({MAX_ITEMS} passages); start another pack")
        return replace(self, items=(*self.items, item))


def clean_name(name: str) -> str:
    """A pack's name on one line, white space collapsed; PackError when empty or too long."""
    name = " ".join(name.split())
    if not name:
        raise PackError("a pack needs a name")
    if len(name) > MAX_NAME:
        raise PackError(f"a pack's name can be at most {MAX_NAME} characters")
    return name


# ---- finding the words again ----------------------------------------------------------------


class Locator:
    """Finds quoted words in the current library: by content hash and offsets, then by the same
    words elsewhere in that document, then in a replaced version of the document (same id)."""

    def __init__(self, library: Library):
        self.library = library
        documents = [d for d in library.documents() if d.status == "indexed"]
        self.by_sha = {d.sha256: d for d in documents}
        self.by_id = {d.doc_id: d for d in documents}
        self._texts: dict[str, str] = {}

    def _text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            self._texts[doc_id] = self.library.document_text(doc_id)
        return self._texts[doc_id]

    def find(self, quote: Quote) -> Quote | None:
        """The quote as it is in the library now (re-anchored if it moved), or None if it is gone."""
        candidates = [self.by_sha.get(quote.sha256), self.by_id.get(quote.doc_id)]
        for document in candidates:
            if document is None:
                continue
            text = self._text(document.doc_id)
            if text[quote.start : quote.end] == quote.text:
                start = quote.start
            else:
                start = text.find(quote.text)
                if start < 0:
                    continue
            return replace(quote, sha256=document.sha256, doc_id=document.doc_id, start=start,
                           end=start + len(quote.text))  # fmt: skip
        return None

    def present(self, quote: Quote) -> bool:
        return self.find(quote) is not None
