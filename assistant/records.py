"""The chain of records from a file to a search hit. Data only; the logic lives beside them.

file --readers--> SourceText --passages--> Passage --library--> Document / stored Passage
     --search--> Hit
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

FileKind = Literal["pdf", "docx", "markdown", "text"]  # what a reader found the content to be
DocumentStatus = Literal["indexed", "failed"]  # a failed document is kept to say why, with no passages
IngestOutcome = Literal["added", "replaced", "unchanged", "failed"]  # what ingesting one file did


@dataclass(frozen=True)
class Page:
    number: int | None  # 1-based page of the original, None where the format has no pages
    text: str


@dataclass(frozen=True)
class SourceText:
    """What a reader got out of one file, before cleaning and cutting."""

    name: str  # the file's name, as people know it
    kind: FileKind
    pages: list[Page]
    meta: dict[str, str] = field(default_factory=dict)  # title, subject, partnership, ...
    warnings: list[str] = field(default_factory=list)
    ocr_pages: dict[int, float] = field(default_factory=dict)  # page read by OCR → its confidence


@dataclass(frozen=True)
class Passage:
    """A cut of a document's cleaned text that carries its own citation."""

    doc_id: str
    title: str
    section: str  # "Introduction", "Recommendation 3", ...
    recommendation: int | None
    page_start: int | None
    page_end: int | None
    char_start: int  # offsets into the document's cleaned text
    char_end: int
    text: str
    agencies: tuple[str, ...] = ()
    id: int | None = None  # assigned by the library
    themes: tuple[str, ...] = ()  # learning-theme ids, best first; tagged by the library
    ocr_confidence: float | None = None  # read by OCR: the lowest confidence (0-100) of its pages

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["agencies"] = list(self.agencies)
        d["themes"] = list(self.themes)
        return d


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    source: str  # file name as ingested
    kind: str
    sha256: str
    status: DocumentStatus
    error: str | None = None
    passages: int = 0
    pages: int | None = None
    subject: str = ""
    partnership: str = ""
    partnership_short: str = ""
    review_type: str = ""
    published: str = ""  # ISO date or "" where the text gives none
    added: str = ""
    warnings: tuple[str, ...] = ()
    # Read from the document itself (assistant.documents.doc_metadata); stored as JSON in documents.meta.
    field_sources: dict[str, str] = field(default_factory=dict)  # field → front matter | text | ...
    age_groups: tuple[str, ...] = ()  # baby, young-child, teenager, adult, older
    url: str = ""  # the address it was downloaded from, when it was
    case: str = ""  # documents about the same case share this id
    reference: str = ""  # a coroner's report number ("2013-0170")
    edited: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {when, by, was}

    @property
    def name(self) -> str:
        """How people name it: 'Michael Thornton, PFD report 2013-0170, Somerset, August 2013'."""
        from assistant.documents.doc_metadata.naming import display_name

        return display_name(self)

    ocr_pages: int = 0  # pages read by OCR

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published[:4].isdigit() else None

    def cite(self) -> str:
        """'Child J (HSCP, 2019)': the short form people quote."""
        name = self.subject or self.title
        extra = ", ".join(x for x in (self.partnership_short, str(self.year or "")) if x)
        return f"{name} ({extra})" if extra else name

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        d["year"] = self.year
        d["citation"] = self.cite()
        d["age_groups"] = list(self.age_groups)
        d["name"] = self.name
        return d


@dataclass(frozen=True)
class FileReport:
    """The outcome of ingesting one file: what a person sees per file."""

    name: str
    status: IngestOutcome
    doc_id: str | None = None
    passages: int = 0
    reason: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        return d


@dataclass(frozen=True)
class Filters:
    """Search filters; an empty tuple means 'any'."""

    doc_ids: tuple[str, ...] = ()
    partnerships: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    agencies: tuple[str, ...] = ()
    review_types: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()  # learning-theme ids
    age_groups: tuple[str, ...] = ()  # documents about someone of these ages (doc_metadata.ages)
    year_from: int | None = None  # publication years from .. to, both included
    year_to: int | None = None

    def __bool__(self) -> bool:
        return any(
            (self.doc_ids, self.partnerships, self.years, self.agencies, self.review_types, self.themes,
             self.age_groups, self.year_from is not None, self.year_to is not None)
        )  # fmt: skip

    def backwards_years(self) -> str | None:
        """What to say of a year range that ends before it starts (no review is in it); else None."""
        start, end = self.year_from, self.year_to
        if start is None or end is None or start <= end:
            return None
        return f"the years run backwards: from {start} up to {end} holds no year; swap them"


def citation(passage: Passage, document: Document) -> str:
    """Where a passage is: document, section and pages (and its OCR confidence, if read by OCR)."""
    where = passage.section
    page = passage.page_start
    if page is not None:
        end = passage.page_end
        where += f", page {page}" if end in (None, page) else f", pages {page}-{end}"
    if passage.ocr_confidence is not None:
        where += f" (read by OCR, confidence {passage.ocr_confidence:.0f}%)"
    return f"{document.cite()}: {where}"


@dataclass(frozen=True)
class QuotedStatus:
    """A recommendation's response status as people see it: the status id (``field/data/status.toml``),
    its label, and the clause that says it, quoted from the passage ("…" marks a cut; "" when no
    words say it, as with no response)."""

    status: str
    label: str
    quote: str


@dataclass(frozen=True)
class Hit:
    """A passage found by a search, with where it came from and why it matched."""

    rank: int
    score: float
    passage: Passage
    document: Document
    highlights: tuple[tuple[int, int], ...]  # spans in passage.text
    similarity: float | None  # cosine similarity of query and passage, when computed

    @property
    def page(self) -> int | None:
        return self.passage.page_start

    @property
    def citation(self) -> str:
        return citation(self.passage, self.document)

    @cached_property
    def response_status(self) -> QuotedStatus | None:
        """The response status of a passage that holds a recommendation, None for any other:
        read from the passage's words (:func:`assistant.field.status_quote.quoted_status`) the
        first time it is asked for, so every hit carries it and a search that only ranks pays
        nothing (about 0.3 ms a recommendation)."""
        from assistant.field.status_quote import quoted_status  # it imports this module

        return quoted_status(self.passage)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "passage_id": self.passage.id,
            "doc_id": self.passage.doc_id,
            "title": self.document.title,
            "source": self.document.source,
            "section": self.passage.section,
            "recommendation": self.passage.recommendation,
            "page": self.page,
            "text": self.passage.text,
            "highlights": [list(span) for span in self.highlights],
            "agencies": list(self.passage.agencies),
            "themes": list(self.passage.themes),
            "citation": self.citation,
            "ocr_confidence": self.passage.ocr_confidence,
            "response_status": None if self.response_status is None else asdict(self.response_status),
        }


@dataclass(frozen=True)
class ThemeCount:
    """A learning theme across the library: the passages and documents tagged with it."""

    theme: str
    label: str
    description: str
    passages: int
    documents: tuple[str, ...]  # doc ids, most strongly tagged first

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["documents"] = list(self.documents)
        return d
