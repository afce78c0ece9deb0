"""Sentence spans in a text: used to cut passages, to highlight hits and to quote answers."""

from __future__ import annotations

import re

# A run of stops is matched only from its first character (the look-behind): matching from
# every character of it made 40 KB of "." take a minute.
BOUNDARY = re.compile(
    r"(?<![.!?])[.!?]+[\"'\u201d\u2019)\]]*(?:\s+)|\n\s*\n|\n(?=\s*(?:[-\u2022*]|\d+[.)])\s)"
)
PARAGRAPH = re.compile(r"\n\s*\n")
ABBREVIATIONS = {
    "e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "no", "vs", "cf", "st", "para", "approx",
    "fig", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec",
}  # fmt: skip
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")


def _is_abbreviation(text: str, end: int) -> bool:
    match = _WORD_BEFORE.search(text, max(0, end - 40), end)  # look back a word, not the whole text
    if not match:
        return False
    word = match.group(1).lower().rstrip(".")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in ``text[start:end]``, white space trimmed."""
    end = len(text) if end is None else end
    spans = []
    cursor = start
    for match in BOUNDARY.finditer(text, start, end):
        stop = match.end()
        # A blank line ends a sentence whatever is before or after it ("... letters etc.\n\nb) Forms");
        # within a paragraph, "e.g. the" and "Dr. Smith" go on.
        if not PARAGRAPH.search(match.group()):
            if text[match.start()] == "." and _is_abbreviation(text, match.start()):
                continue
            nxt = text[stop : stop + 1]
            if text[match.start()] in ".!?" and nxt and nxt.islower():
                continue
        spans.append((cursor, stop))
        cursor = stop
    spans.append((cursor, end))
    return [trimmed for s, e in spans if (trimmed := _trim(text, s, e))[1] > trimmed[0]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def pack(text: str, spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """Group consecutive sentence spans into chunks of at most ``limit`` characters.

    A single sentence longer than ``limit`` is cut at white space.
    """
    pieces: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > limit:
            cut = text.rfind(" ", s, s + limit)
            cut = cut if cut > s else s + limit
            pieces.append((s, cut))
            s, _ = _trim(text, cut, e)
        pieces.append((s, e))
    chunks: list[tuple[int, int]] = []
    for s, e in pieces:
        if chunks and e - chunks[-1][0] <= limit:
            chunks[-1] = (chunks[-1][0], e)
        else:
            chunks.append((s, e))
    return chunks
