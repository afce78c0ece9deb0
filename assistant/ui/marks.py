"""Marked text: highlights that are not colour alone and survive paragraph breaks.

A highlight is bold as well as coloured (WCAG 1.4.1: colour is not the only sign), and a span
that runs over several paragraphs is marked paragraph by paragraph: Streamlit's
``:color-background[...]`` directive cannot cross a line break, and left a literal ``[`` ... ``]``
around a multi-paragraph passage. All text goes through ``render.escape``: it stays inert.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.markdown_escape import escape

LINE = re.compile(r"\n")


def _pieces(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """The non-blank runs of ``text[start:end]`` between line breaks, without edge white space."""
    cursor = start
    for brk in [m.start() for m in LINE.finditer(text, start, end)] + [end]:
        piece = text[cursor:brk]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            yield cursor + left, cursor + right
        cursor = brk + 1


def marked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escaped Markdown of ``text`` with each span bold on an orange background."""
    out, cursor = [], 0
    for start, end in sorted(spans):
        start, end = max(start, cursor), min(end, len(text))
        if end <= start:
            continue
        for a, b in _pieces(text, start, end):
            out.append(escape(text[cursor:a]))
            out.append(f"**:orange-background[{escape(text[a:b])}]**")
            cursor = b
        out.append(escape(text[cursor:end]))
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)
