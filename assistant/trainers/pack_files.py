"""A pack as a file: JSON written by :func:`to_json`, read back and checked field by field by
:func:`from_json` (every problem names the file and the field; sizes are bounded), so a pack
can be kept, shared and imported, and a damaged or hostile file is refused by name."""

from __future__ import annotations

import json
from typing import Any

from assistant.errors import PackError
from assistant.trainers.packs import (
    MAX_ITEMS,
    MAX_NAME,
    MAX_QUESTIONS,
    MAX_QUOTES,
    MAX_READING,
    MAX_TEXT,
    PART_NAMES,
    Briefing,
    Pack,
    PackItem,
    Part,
    Quote,
    Reading,
    clean_name,
)

FORMAT = "safeguarding-briefing-pack"
VERSION = 1
MAX_FILE_BYTES = 2_000_000  # a pack file read for import


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
