"""Showing records: document text always as text, highlights, citation lines, result cards."""

from __future__ import annotations

import re

from ..records import Hit
from . import pack_session

SEARCH_PAGE = "assistant/ui/search_page.py"
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


def marked(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
    """Escaped text with the given spans highlighted (bold on a colour, paragraph by paragraph)."""
    from .marks import marked as _marked

    return _marked(text, spans)


def add_to_pack(hit: Hit) -> None:
    pack_session.add_hit(hit)  # kept in the pack store (assistant/ui/pack_session.py)


def show_in_document(hit: Hit) -> None:
    """The passage in its review (assistant/ui/passage_view.py)."""
    from .passage_view import open_at

    open_at(int(hit.passage.id or 0))


def hit_card(hit: Hit, key: str) -> None:
    """One result (assistant/ui/result_card.py)."""
    from .result_card import hit_card as _card

    _card(hit, key)
