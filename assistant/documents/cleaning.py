"""Raw page text → clean page text: the same words, without the noise of the page.

Removes headers and footers that repeat across pages (such as "HSCP Chair: Jenny Coles" or
"Page 2 of 5"), joins words hyphenated at line ends, drops control characters and footnote
markers, and normalises Unicode to NFC. Right-to-left text is left in its logical order.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from assistant.records import Page

# Control characters, zero-width space, byte-order mark, and lone surrogates (a PDF font's
# ToUnicode map can name one; they cannot be stored as UTF-8).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff\ud800-\udfff]")
HYPHENATED = re.compile(r"(\w)[-\u00ad][ \t]*\n[ \t]*(?=[a-z])")  # OCR layers add spaces
SUPERSCRIPT_MARK = re.compile(r"(?<=[A-Za-z.,;:)])[\u00b9\u00b2\u00b3\u2070-\u2079]+")
SPACES = re.compile(r"[ \t\u00a0]+")
DIGITS = re.compile(r"\d+")
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be furniture


def clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = CONTROL.sub("", text)
    text = HYPHENATED.sub(r"\1", text)
    text = SUPERSCRIPT_MARK.sub("", text)
    lines = [SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _shape(line: str) -> str:
    """A line with its numbers blanked, so 'Page 2 of 5' and 'Page 3 of 5' match."""
    return DIGITS.sub("#", line.lower())


def _edges(lines: list[str]) -> set[str]:
    filled = [line for line in lines if line]
    return {_shape(line) for line in filled[:EDGE_LINES] + filled[-EDGE_LINES:]}


def repeated_furniture(pages: list[list[str]]) -> set[str]:
    """Line shapes found at the top or bottom of most pages: headers and footers."""
    if len(pages) < 2:
        return set()
    counts = Counter(shape for lines in pages for shape in _edges(lines))
    needed = max(2, (len(pages) * 6 + 9) // 10)  # on at least 60% of pages
    return {shape for shape, n in counts.items() if n >= needed and len(shape) <= 120}


def clean_pages(pages: list[Page]) -> list[Page]:
    """Clean every page, then drop the header and footer lines that repeat across pages.

    When every line is such a line (the same short text on each page) nothing is dropped.
    """
    cleaned = [clean_text(page.text).split("\n") for page in pages]
    furniture = repeated_furniture(cleaned)
    result = []
    for page, lines in zip(pages, cleaned, strict=True):
        if furniture:
            filled = [i for i, line in enumerate(lines) if line]
            edge = set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])
            lines = [ln for i, ln in enumerate(lines) if i not in edge or _shape(ln) not in furniture]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        result.append(Page(page.number, text))
    if furniture and not any(page.text for page in result):
        kept = ["\n".join(lines).strip() for lines in cleaned]
        return [Page(page.number, text) for page, text in zip(pages, kept, strict=True)]
    return result
