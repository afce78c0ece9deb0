"""The library rows that "which reviews" reads: which document each passage belongs to.

The only SQL of the reviews feature; it moves into the library package with the restructure.
"""

from __future__ import annotations

import numpy as np

from assistant.library import Library


class PassageOwners:
    """Passage id → its document, for every indexed passage; read once per opened library."""

    def __init__(self, library: Library):
        rows = library.db.execute(
            "SELECT p.id, p.doc_id FROM passages p JOIN documents d USING (doc_id)"
            " WHERE d.status = 'indexed' ORDER BY p.id"
        ).fetchall()
        self.doc_ids: list[str] = sorted({row[1] for row in rows})
        number = {doc_id: n for n, doc_id in enumerate(self.doc_ids)}
        self.ids = np.array([row[0] for row in rows], dtype=np.int64)
        self.owner = np.array([number[row[1]] for row in rows], dtype=np.int64)
        self.position = {int(pid): n for n, pid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)


def document_texts(library: Library) -> dict[str, str]:
    """doc id → its whole cleaned text, for every indexed document (the whole-report baseline)."""
    rows = library.db.execute("SELECT doc_id, text FROM documents WHERE status = 'indexed'")
    return {row[0]: row[1] for row in rows}


def passages_containing(library: Library, term: str, limit: int) -> list[int]:
    """Ids of the passages holding ``term`` (FTS5, Porter-stemmed as the index is), at most ``limit``."""
    phrase = '"' + term.replace('"', " ") + '"'
    rows = library.db.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?", (phrase, limit)
    )
    return [row[0] for row in rows]
