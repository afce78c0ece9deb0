"""Rows of the library's database turned into records, and the one query that reads passages."""

from __future__ import annotations

import json
import sqlite3

from assistant.documents.doc_metadata.stored import meta_from_json
from assistant.records import Document, Passage


def row_to_document(row: sqlite3.Row, passages: int) -> Document:
    return Document(
        doc_id=row["doc_id"],
        title=row["title"],
        source=row["source"],
        kind=row["kind"],
        sha256=row["sha256"],
        status=row["status"],
        error=row["error"],
        passages=passages,
        pages=row["pages"],
        subject=row["subject"],
        partnership=row["partnership"],
        partnership_short=row["partnership_short"],
        review_type=row["review_type"],
        published=row["published"],
        added=row["added"],
        warnings=tuple(json.loads(row["warnings"])),
        **meta_from_json(row["meta"]),
        ocr_pages=row["ocr_pages"],
    )


def row_to_passage(row: sqlite3.Row) -> Passage:
    return Passage(
        id=row["id"],
        doc_id=row["doc_id"],
        title=row["title"],
        section=row["section"],
        recommendation=row["recommendation"],
        page_start=row["page_start"],
        page_end=row["page_end"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        text=row["text"],
        agencies=tuple(a for a in row["agencies"].split(",") if a),
        themes=best_first(row["themes"]),
        ocr_confidence=row["ocr_confidence"],
    )


def best_first(tags: str | None) -> tuple[str, ...]:
    """'theme score,theme score' (any order) → theme ids, highest score first."""
    pairs = [tag.rsplit(" ", 1) for tag in (tags or "").split(",") if tag]
    return tuple(theme for theme, _ in sorted(pairs, key=lambda pair: -float(pair[1])))


PASSAGE_SELECT = """
SELECT p.id, p.doc_id, d.title, p.section, p.recommendation, p.page_start, p.page_end,
       p.char_start, p.char_end, p.text, p.agencies, p.ocr_confidence,
       (SELECT group_concat(theme || ' ' || score) FROM passage_themes t
        WHERE t.passage_id = p.id) AS themes
FROM passages p JOIN documents d USING (doc_id)
"""
