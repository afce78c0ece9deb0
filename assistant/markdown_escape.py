"""The one Markdown escaper: text from documents, packs and users shown literally wherever
Markdown is rendered. :func:`escape` for the app (every special character, bare addresses,
HTML); :func:`escape_lines` for a Markdown file (the exported briefing), where words must stay
readable in the raw file too."""

from __future__ import annotations

import re

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:>])")
# GitHub-flavoured Markdown turns bare addresses (http://..., www...., name@host) into links
# after the escapes are undone, so an invisible word joiner (U+2060) goes where its patterns need
# a plain character: after the scheme or "www", and before "@".
AUTOLINK = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*(?=://)|\bwww(?=\.)|(?=@))")
WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Text shown literally: no Markdown, no HTML (Streamlit does not render raw HTML).

    The one helper for every string that reaches Markdown, labels included (an expander's or a
    button's label is Markdown too): links, images, bare addresses, directives and HTML all
    come out as text.
    """
    text = AUTOLINK.sub(lambda m: m.group() + WORD_JOINER, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


# A Markdown file (the exported briefing) keeps its words readable: only what would become markup
# is escaped, inline specials anywhere and block markers at a line's start.
FILE_INLINE = re.compile(r"([\\`*_\[\]!|~$])")  # $: some renderers (Streamlit) do maths
FILE_LINE_START = re.compile(r"^(#|[+\-=]|\d+[.)])")
ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_lines(text: str) -> str:
    """``text`` shown literally by any Markdown renderer, for a Markdown file: each line
    stripped, specials backslashed, ``<``, ``>`` and ``&`` as entities, line breaks kept."""
    lines = []
    for line in text.splitlines():
        line = FILE_INLINE.sub(r"\\\1", line.strip())
        line = FILE_LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)
        lines.append(re.sub(r"[&<>]", lambda m: ENTITIES[m.group(0)], line))
    return "\n".join(lines)
