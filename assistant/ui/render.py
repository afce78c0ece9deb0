"""Showing records: document text always as text, highlights, citation lines, result cards."""

from __future__ import annotations

from assistant.markdown_escape import escape
from assistant.records import Hit
from assistant.ui import pack_session

SEARCH_PAGE = "assistant/ui/search_page.py"
__all__ = ["SEARCH_PAGE", "add_to_pack", "escape", "hit_card", "marked", "show_in_document"]


def marked(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
    """Escaped text with the given spans highlighted (bold on a colour, paragraph by paragraph)."""
    from assistant.ui.marks import marked as _marked

    return _marked(text, spans)


def add_to_pack(hit: Hit) -> None:
    pack_session.add_hit(hit)  # kept in the pack store (assistant/ui/pack_session.py)


def show_in_document(hit: Hit) -> None:
    """The passage in its review (assistant/ui/passage_view.py)."""
    from assistant.ui.passage_view import open_at

    open_at(int(hit.passage.id or 0))


def hit_card(hit: Hit, key: str) -> None:
    """One result (assistant/ui/result_card.py)."""
    from assistant.ui.result_card import hit_card as _card

    _card(hit, key)


def counted(n: int, noun: str) -> str:
    """'1 passage', '3 passages': a count and its noun, in words a person reads."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
