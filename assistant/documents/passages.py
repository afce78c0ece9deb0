"""Clean pages → passages that keep a review's structure, each carrying its citation.

A numbered recommendation and the response that follows it form one passage; the introduction
and other headed sections form their own; long sections are cut at sentence boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from assistant.field.agencies import agencies_in
from assistant.records import Page, Passage
from assistant.sentences import pack, sentence_spans
from assistant.settings import Settings

RECOMMENDATION = re.compile(r"^(?:#+\s*)?recommendation\s*(?:no\.?\s*)?(\d{1,3})\b", re.I)
RESPONSE = re.compile(r"^(?:\w+\s+)?response\b", re.I)
NUMERIC_LINE = re.compile(r"^[\d\s/.,:-]+$")
# A medical cause of death as coroners set it out, a part a line ("Ia Ligature suspension", "I (b)
# Cardiac arrest", "IA MULTIPLE INJURIES"; after one of those, "II Psychotic disorder"): short and
# unpunctuated, but no heading. A bare "II Findings" with no cause before it is one.
CAUSE_OF_DEATH = re.compile(r"^I\s*\(?[a-dA-D]\)?[\s.:)]+\S")
CAUSE_IN_TEXT = re.compile(  # "Ib Cardiac arrest", "... cause of death was: 1a Drowning"
    r"(?:^|\s)(?:1(?:[a-d]|\s*\([a-d]\))|I\s*\(?[a-dA-D]\)?)[\s.:)]+\S"
)
SECOND_CAUSE = re.compile(r"^II[\s.:)]+\S")
MIN_SECTION_CHARS = 40
PAGE_JOIN = "\n\n"


@dataclass
class _Section:
    name: str
    recommendation: int | None
    start: int
    end: int


def _is_heading(lines: list[str], after_cause: bool = False) -> bool:
    """A paragraph of one short line, without closing punctuation, that is not a number nor a part
    of a cause of death (``after_cause``: the paragraph before gave one)."""
    if len(lines) != 1:
        return False
    line = lines[0]
    return (
        3 <= len(line) <= 100
        and line[0].isupper()
        and line[-1] not in ".;:,!?-\u2013"
        and not NUMERIC_LINE.match(line)
        and not RESPONSE.match(line)
        and not CAUSE_OF_DEATH.match(line)
        and not (after_cause and SECOND_CAUSE.match(line))
        and " | " not in line  # a table row
        and sum(ch.isalpha() for ch in line) >= 3
    )


def _paragraphs(text: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, lines) of each run of non-blank lines."""
    found = []
    for match in re.finditer(r"[^\n]+(?:\n[^\S\n]*[^\s][^\n]*)*", text):
        found.append((match.start(), match.end(), match.group().split("\n")))
    return found


def _sections(text: str, title: str) -> list[_Section]:
    sections = [_Section("Introduction", None, 0, 0)]
    first_text = len(text) - len(text.lstrip())  # no text before this offset (not text[:offset]
    after_cause = False  # per heading: that made many headings quadratic)
    for start, _end, lines in _paragraphs(text):
        offset = start
        for i, line in enumerate(lines):
            rec = RECOMMENDATION.match(line.strip())
            if rec:
                sections.append(_Section(f"Recommendation {rec.group(1)}", int(rec.group(1)), offset, 0))
            elif i == 0 and _is_heading(lines, after_cause):
                is_title = line.strip().lower() == title.strip().lower()
                no_text_yet = offset <= first_text
                if not (is_title or no_text_yet):
                    sections.append(_Section(line.strip(), None, offset, 0))
            offset += len(line) + 1
        after_cause = any(CAUSE_IN_TEXT.search(line) for line in lines)
    for current, nxt in zip(sections, [*sections[1:], None], strict=True):
        current.end = nxt.start if nxt else len(text)
    return _merge_small(text, sections)


def _merge_small(text: str, sections: list[_Section]) -> list[_Section]:
    """Fold a section with almost no text (a lone heading) into the section after it."""
    merged: list[_Section] = []
    carry: int | None = None
    for section in sections:
        if carry is not None:
            section.start, carry = carry, None
        body = text[section.start : section.end].strip()
        if len(body) < MIN_SECTION_CHARS or ("\n" not in body and len(body) <= 100):  # a lone heading
            if section is not sections[-1]:
                carry = section.start
                continue
            if merged:
                merged[-1].end = section.end
                continue
        merged.append(section)
    return [s for s in merged if text[s.start : s.end].strip()]


def join_pages(pages: list[Page]) -> tuple[str, list[int]]:
    """The document's cleaned text and the offset at which each page starts."""
    starts, parts, offset = [], [], 0
    for page in pages:
        starts.append(offset)
        parts.append(page.text)
        offset += len(page.text) + len(PAGE_JOIN)
    return PAGE_JOIN.join(parts), starts


def cut(doc_id: str, title: str, pages: list[Page], settings: Settings) -> tuple[str, list[Passage]]:
    """The cleaned text of a document and its passages, in reading order."""
    text, starts = join_pages(pages)

    def page_at(offset: int) -> int | None:
        return pages[max(bisect_right(starts, offset) - 1, 0)].number if pages else None

    passages = []
    for section in _sections(text, title):
        limit = settings.max_recommendation_chars if section.recommendation else settings.max_passage_chars
        spans = sentence_spans(text, section.start, section.end)
        if not spans:
            continue
        whole = (spans[0][0], spans[-1][1])
        chunks = [whole] if whole[1] - whole[0] <= limit else pack(text, spans, settings.max_passage_chars)
        for start, end in chunks:
            body = text[start:end]
            passages.append(
                Passage(
                    doc_id=doc_id,
                    title=title,
                    section=section.name,
                    recommendation=section.recommendation,
                    page_start=page_at(start),
                    page_end=page_at(end - 1),
                    char_start=start,
                    char_end=end,
                    text=body,
                    agencies=agencies_in(body),
                )
            )
    return text, passages
