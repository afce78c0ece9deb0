"""A trainer's packs: gathered passages and the briefing drafted from them, as records and files.

A pack item is keyed by its document's content hash, its character offsets into that
document's cleaned text and the quoted words themselves, never by passage id: ids change when
a file is replaced or the library is rebuilt, the words and their place do not. A pack is
written as one JSON file (see :mod:`assistant.pack_store`); this module owns the records, their
checked reading and writing, and finding a quotation again in the current library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import PackError
from .records import Hit

if TYPE_CHECKING:
    from .library import Library

FORMAT = "safeguarding-briefing-pack"
VERSION = 1
MAX_ITEMS = 60  # passages in one pack
MAX_QUOTES = 12  # quotations in one part of a briefing
MAX_QUESTIONS = 12
MAX_READING = 30
MAX_TEXT = 20_000  # characters in any one field (a passage, a note, a part's own words)
MAX_NAME = 120
MAX_FILE_BYTES = 2_000_000  # a pack file read for import
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


# ---- to and from JSON -----------------------------------------------------------------------


def to_json(pack: Pack) -> str:
    def quote(q: Quote) -> dict[str, Any]:
        return {"text": q.text, "citation": q.citation, "sha256": q.sha256, "start": q.start, "end": q.end,
                "doc_id": q.doc_id, "title": q.title, "cut": q.cut}  # fmt: skip

    def part(p: Part) -> dict[str, Any]:
        return {"quotes": [quote(q) for q in p.quotes], "text": p.text}

    b = pack.briefing
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "name": pack.name,
        "created": pack.created,
        "updated": pack.updated,
        "used": pack.used,
        "items": [
            {
                "passage": quote(i.passage),
                "section": i.section,
                "note": i.note,
                "highlights": [list(s) for s in i.highlights],
                "themes": list(i.themes),
            }
            for i in pack.items
        ],  # fmt: skip
        "briefing": None
        if b is None
        else {
            "title": b.title,
            "audience": b.audience,
            **{key: part(p) for key, _, p in b.parts()},
            "questions": list(b.questions),
            "reading": [{"citation": r.citation, "title": r.title, "url": r.url} for r in b.reading],
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


class _Reader:
    """Checked access to a parsed pack file: every problem names the file and the field."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, problem: str) -> PackError:
        return PackError(f"{self.source}: {where}: {problem}")

    def text(
        self, data: dict[str, Any], key: str, where: str, limit: int = MAX_TEXT, default: str = ""
    ) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(f"{where}.{key}", "is not text")
        if len(value) > limit:
            raise self.fail(f"{where}.{key}", f"is longer than {limit} characters")
        return value

    def listed(self, data: dict[str, Any], key: str, where: str, limit: int) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{where}.{key}", "is not a list")
        if len(value) > limit:
            raise self.fail(f"{where}.{key}", f"has more than {limit} entries")
        return value

    def table(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "is not a table of fields")
        return value

    def quote(self, value: Any, where: str) -> Quote:
        d = self.table(value, where)
        start, end = d.get("start"), d.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
            raise self.fail(where, "start and end must be whole numbers with start <= end")
        text = self.text(d, "text", where)
        if not text.strip():
            raise self.fail(f"{where}.text", "is empty")
        citation, sha = self.text(d, "citation", where, 500), self.text(d, "sha256", where, 64)
        return Quote(text, citation, sha, start, end, self.text(d, "doc_id", where, 200),
                     self.text(d, "title", where, 500), bool(d.get("cut", False)))  # fmt: skip

    def item(self, value: Any, where: str) -> PackItem:
        d = self.table(value, where)
        spans = []
        for n, span in enumerate(self.listed(d, "highlights", where, 20)):
            if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
                raise self.fail(f"{where}.highlights[{n}]", "is not a pair of offsets")
            spans.append((span[0], span[1]))
        themes = self.listed(d, "themes", where, 20)
        if not all(isinstance(t, str) and len(t) <= 100 for t in themes):
            raise self.fail(f"{where}.themes", "must be theme ids")
        return PackItem(self.quote(d.get("passage"), f"{where}.passage"), self.text(d, "section", where, 500),
                        self.text(d, "note", where), tuple(spans), tuple(themes))  # fmt: skip

    def part(self, value: Any, where: str) -> Part:
        d = self.table(value if value is not None else {}, where)
        quotes = self.listed(d, "quotes", where, MAX_QUOTES)
        return Part(tuple(self.quote(q, f"{where}.quotes[{n}]") for n, q in enumerate(quotes)),
                    self.text(d, "text", where))  # fmt: skip

    def briefing(self, value: Any) -> Briefing:
        d = self.table(value, "briefing")
        questions = self.listed(d, "questions", "briefing", MAX_QUESTIONS)
        if not all(isinstance(q, str) and len(q) <= 1000 for q in questions):
            raise self.fail("briefing.questions", "must be text of at most 1000 characters each")
        reading = []
        for n, entry in enumerate(self.listed(d, "reading", "briefing", MAX_READING)):
            e = self.table(entry, f"briefing.reading[{n}]")
            where = f"briefing.reading[{n}]"
            reading.append(Reading(self.text(e, "citation", where, 500), self.text(e, "title", where, 500),
                                   self.text(e, "url", where, 2000)))  # fmt: skip
        parts = {key: self.part(d.get(key), f"briefing.{key}") for key in PART_NAMES}
        return Briefing(self.text(d, "title", "briefing", 300), self.text(d, "audience", "briefing", 300),
                        **parts, questions=tuple(questions), reading=tuple(reading))  # fmt: skip


def from_json(raw: str | bytes, source: str = "pack file") -> Pack:
    """A pack read back from :func:`to_json`'s text, checked field by field (PackError if not)."""
    if len(raw) > MAX_FILE_BYTES:
        raise PackError(f"{source}: larger than {MAX_FILE_BYTES // 1_000_000} MB; not a pack file")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackError(f"{source}: not a pack file (not JSON: {exc})") from exc
    r = _Reader(source)
    data = r.table(data, "the file")
    if data.get("format") != FORMAT:
        raise PackError(f'{source}: not a pack file (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise PackError(
            f"{source}: pack file version {data.get('version')!r}; this app reads version {VERSION}"
        )
    try:
        name = clean_name(r.text(data, "name", "pack", MAX_NAME))
    except PackError as exc:
        raise r.fail("name", str(exc)) from exc
    items = tuple(r.item(v, f"items[{n}]") for n, v in enumerate(r.listed(data, "items", "pack", MAX_ITEMS)))
    briefing = r.briefing(data["briefing"]) if data.get("briefing") is not None else None
    return Pack(name, items, briefing, r.text(data, "used", "pack"), r.text(data, "created", "pack", 40),
                r.text(data, "updated", "pack", 40))  # fmt: skip


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
