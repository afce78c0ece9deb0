"""The library's theme reads that the Themes page and the grid need, one query each.

Tags are computed once, at ingest (or ``retag``), and stored with the passages; these queries
only count them. The library object of a generation never changes, so what they return is kept
on it (see :meth:`assistant.library.Library.theme_grid`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from .theme_grid import ReviewThemes


def review_themes(db: sqlite3.Connection) -> list[ReviewThemes]:
    """Every indexed review with its year, publisher, age groups and the themes of any of its
    passages."""
    rows = db.execute(
        "SELECT d.doc_id, substr(d.published, 1, 4), d.partnership, json_extract(d.meta, '$.age_groups'),"
        " (SELECT group_concat(DISTINCT pt.theme) FROM passage_themes pt JOIN passages p"
        "  ON p.id = pt.passage_id WHERE p.doc_id = d.doc_id)"
        " FROM documents d WHERE d.status = 'indexed' ORDER BY d.doc_id"
    )
    found = []
    for doc_id, year, publisher, ages, themes in rows:
        groups = json.loads(ages) if ages else []
        found.append(
            ReviewThemes(
                doc_id,
                year if (year or "").isdigit() else "",
                publisher or "",
                tuple(g for g in groups if isinstance(g, str)),
                tuple(sorted(filter(None, (themes or "").split(",")))),
            )
        )
    return found


def passage_ages(db: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[str, ...]]:
    """The age groups of each passage's document, in the order of ``ids``."""
    rows = db.execute(
        "SELECT p.id, json_extract(d.meta, '$.age_groups') FROM passages p JOIN documents d USING (doc_id)"
    )
    by_id = {pid: tuple(json.loads(ages)) if ages else () for pid, ages in rows}
    return [by_id.get(int(i), ()) for i in ids]


def theme_passage_ids(
    db: sqlite3.Connection, theme: str, doc_ids: Sequence[str] | None = None
) -> list[tuple[int, str]]:
    """(passage id, doc id) of the passages tagged with ``theme``, strongest first; only those of
    ``doc_ids`` when given."""
    sql = (
        "SELECT pt.passage_id, p.doc_id FROM passage_themes pt JOIN passages p ON p.id = pt.passage_id"
        " WHERE pt.theme=?"
    )
    params: list[object] = [theme]
    if doc_ids is not None:
        sql += f" AND p.doc_id IN ({','.join('?' * len(doc_ids))})"
        params.extend(doc_ids)
    return db.execute(sql + " ORDER BY pt.score DESC, pt.passage_id", params).fetchall()
