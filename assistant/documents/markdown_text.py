"""Markdown and plain text → pages of plain text, in time linear in the length of the file.

Every pattern here is written so that no character is scanned from more than a bounded number of
starting points: a run of ``[``, ``<!--``, newlines or ``#`` cannot make it quadratic (80 KB of
``[`` once took 22 s in the link pattern). ``tests/test_reader_limits.py`` times each of them
on such runs.
"""

from __future__ import annotations

import re

from assistant.records import Page

PAGE_MARK = re.compile(r"^[ \t]*<!--[ \t]*page[ \t]*(\d{1,6})[ \t]*-->[ \t]*$", re.I | re.M)
COMMENT_OPEN, COMMENT_CLOSE = "<!--", "-->"
HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*)$", re.M)
_MD_RULES = [
    (re.compile(r"<sup>[ \t]*\w{1,3}[ \t]*</sup>"), ""),  # footnote markers
    (re.compile(r"\[\^\w+\](?!:)"), ""),
    (re.compile(r"^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.M), ""),  # horizontal rules
    # links and images keep their text; neither part may hold its own brackets, so each
    # character is scanned from at most one '[' and one '('
    (re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)"), r"\1"),
    (re.compile(r"(\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w))"), ""),  # emphasis
    (re.compile(r"<br[ \t]*/?>", re.I), "\n"),
]
_FOOTNOTE_DEF = re.compile(r"^\[\^(\w+)\]:[ \t]*([^\n]+)$", re.M)


def without_comments(text: str) -> str:
    """``text`` without its ``<!-- ... -->`` comments; an unclosed one is kept as it is."""
    parts, at = [], 0
    while (start := text.find(COMMENT_OPEN, at)) >= 0:
        end = text.find(COMMENT_CLOSE, start + len(COMMENT_OPEN))
        if end < 0:
            break
        parts.append(text[at:start])
        at = end + len(COMMENT_CLOSE)
    parts.append(text[at:])
    return "".join(parts)


def _heading(match: re.Match[str]) -> str:
    """A heading's text without a closing run of '#' (one that follows a space, as CommonMark)."""
    text = match.group(1).rstrip(" \t")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip(" \t")
    return text


def markdown_to_text(markdown: str) -> str:
    """Plain text of a Markdown page; footnotes move to a 'Notes' block at its end."""
    notes = [f"{key} {text.strip()}" for key, text in _FOOTNOTE_DEF.findall(markdown)]
    text = _FOOTNOTE_DEF.sub("", markdown)
    text = without_comments(text)
    text = HEADING.sub(_heading, text)
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    if notes:
        text = text.rstrip() + "\n\nNotes\n\n" + "\n\n".join(notes) + "\n"
    return text


def split_pages(body: str) -> list[Page]:
    """Pages by ``<!-- page N -->`` marks or form feeds; one unnumbered page otherwise."""
    marks = list(PAGE_MARK.finditer(body))
    if marks:
        pieces = [(1, body[: marks[0].start()])]
        pieces += [
            (int(m.group(1)), body[m.end() : nxt.start() if nxt else len(body)])
            for m, nxt in zip(marks, [*marks[1:], None], strict=True)
        ]
        return [Page(n, t) for n, t in pieces if t.strip()] or [Page(1, "")]
    if "\f" in body:  # form feeds, as pdftotext writes them, also after the last page
        return [Page(i, t) for i, t in enumerate(body.rstrip().split("\f"), start=1)]
    return [Page(None, body)]
