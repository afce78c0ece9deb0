"""What a document says it is: title, subject, publisher, date, review type and age groups,
each with the place it was read from.

Order of trust: the front matter (written by a person) > the document's own text > the PDF or
DOCX properties. A property that looks like a file name ("Microsoft Word - SCR v3.docx") is
ignored. A value not found stays empty; a date that cannot be a publication date (in the future,
before 1990) is dropped with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from assistant.documents.doc_metadata import ages, dates, genres

Source = Literal["front matter", "text", "properties", "edited", "file name"]  # where a value was read
FRONT_MATTER, TEXT, PROPERTIES, EDITED, FILE_NAME = get_args(Source)
Genre = Literal["pfd", "review", ""]  # "": not read yet
FIELDS = ("title", "subject", "partnership", "partnership_short", "review_type", "published", "age_groups")
FILE_LIKE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)\b|untitled\b|document\d*$|slide\s*\d*$)|\.(?:docx?|pdf|rtf|odt|txt)$"
    r"|^[\w.\-]+$",
    re.I,
)


@dataclass(frozen=True)
class Found:
    value: str
    source: Source
    evidence: str = ""  # the phrase it was read from


@dataclass
class Fields:
    found: dict[str, Found] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    genre: Genre = ""
    reference: str = ""  # a coroner's report number ('2013-0170'), where known

    def value(self, name: str) -> str:
        if name == "year":
            return self.value("published")[:4]
        return self.found[name].value if name in self.found else ""

    def sources(self) -> dict[str, str]:
        return {name: f.source for name, f in self.found.items() if f.value}


def looks_like_file_name(value: str) -> bool:
    return bool(FILE_LIKE.search(value.strip()))


def _from_text(name: str, text: str) -> tuple[dict[str, genres.Read], Genre, str]:
    """Values read from the text, the genre, and a report number."""
    read: dict[str, genres.Read] = {}
    if genres.is_pfd(text):
        read["published"] = genres.pfd_date(text)
        read["partnership"] = genres.pfd_area(text)
        read["subject"] = genres.pfd_subject(text)
        read["review_type"] = (genres.PFD_TYPE, "")
        who = read["subject"][0]
        read["title"] = (f"{genres.PFD_TYPE}: {who}" if who else genres.PFD_TYPE, "")
        ref = genres.reference(text)[0] or (m.group() if (m := re.search(r"\d{4}-\d{4}", name)) else "")
        return read, "pfd", ref
    read["title"] = genres.title(text)
    full, short, phrase = genres.partnership(text)
    read["partnership"] = (full, phrase)
    read["partnership_short"] = (short, phrase)
    read["review_type"] = genres.review_type(text)
    read["subject"] = genres.subject(read["title"][0], text)
    read["published"] = genres.published(text)
    return read, "review", ""


def read_fields(name: str, kind: str, meta: dict[str, str], text: str) -> Fields:
    """Every field of a document named ``name`` of reader ``kind``, from the reader's ``meta``
    (front matter for Markdown and text, properties for PDF and DOCX) and its cleaned text."""
    given = FRONT_MATTER if kind in ("markdown", "text") else PROPERTIES
    read, genre, ref = _from_text(name, text)
    result = Fields(genre=genre, reference=ref)
    groups = ages.age_groups(text)
    read["age_groups"] = (",".join(groups), "")
    for key in FIELDS:
        value = str(meta.get(key) or "").strip()
        if value and given == PROPERTIES and looks_like_file_name(value):
            value = ""
        if key == "published" and value:
            value = dates.parse(value) or value
        if value:
            result.found[key] = Found(value, given)
        elif read.get(key, genres.NONE)[0]:
            result.found[key] = Found(read[key][0], TEXT, read[key][1])
    if "published" in result.found:
        why = (
            dates.check(result.found["published"].value)
            if re.match(r"\d{4}", result.found["published"].value)
            else "not a date"
        )
        if why:
            bad = result.found.pop("published")
            result.warnings.append(
                f"date {bad.value!r} ({bad.source}) cannot be a publication date ({why}); left empty"
            )
    return result


def describe(name: str, kind: str, meta: dict[str, str], text: str) -> tuple[dict[str, Any], list[str]]:
    """The :class:`~assistant.records.Document` fields a file gives about itself, and warnings.

    A document always has a title: where neither the front matter, the text nor the properties
    give one, it is the file's name (source 'file name').
    """
    fields = read_fields(name, kind, meta, text)
    about: dict[str, Any] = {key: fields.value(key) for key in FIELDS if key != "age_groups"}
    about["age_groups"] = tuple(g for g in fields.value("age_groups").split(",") if g)
    sources = fields.sources()
    if not about["title"]:
        about["title"] = Path(name).stem.replace("_", " ")
        sources["title"] = FILE_NAME
    about["field_sources"] = sources
    about["reference"] = fields.reference
    return about, fields.warnings
