"""Passages listed without a query (a theme's passages, say) as hits, so they are shown, cited
and acted on like search results."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.library import Library
from assistant.records import Hit, Passage


def as_hits(
    library: Library, passages: Sequence[Passage], highlights: Sequence[tuple[tuple[int, int], ...]] = ()
) -> list[Hit]:
    """``passages`` ranked in the order given, with no score; ``highlights`` (one tuple of spans
    per passage, when given) mark sentences in each."""
    marks = list(highlights) or [()] * len(passages)
    return [
        Hit(n, 0.0, passage, library.document(passage.doc_id), spans, None)
        for n, (passage, spans) in enumerate(zip(passages, marks, strict=True), start=1)
    ]
