"""Writing learning-theme tags: the taxonomy a library was tagged with and each passage's tags.

A part of :class:`assistant.library.writer.Writer` (as :mod:`.theme_queries` is of the reader):
tags are made from the vectors the library holds, so changing the themes file never embeds a
passage again.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.library import store
from assistant.library.theme_queries import passage_ages

if TYPE_CHECKING:
    from assistant.field.theme_tagger import Tagger
    from assistant.field.themes import ThemeTag


class ThemeWriting:
    """Tagging passages with learning themes, on the writer's private copy."""

    db: sqlite3.Connection
    vectors: Any
    changed: bool
    tagger: Tagger | None

    def tag_with(self, tagger: Tagger, force: bool = False) -> int:
        """Tag the passages put from now on with ``tagger``. The passages already held are
        tagged again when their tags came from another taxonomy or rule (or ``force``), from the vectors
        the library holds: no passage is embedded again. Returns how many were re-tagged."""
        self.tagger = tagger
        row = self.db.execute("SELECT value FROM properties WHERE key=?", (store.TAGGER_KEY,)).fetchone()
        if not force and row is not None and row[0] == tagger.signature:
            return 0
        taxonomy = tagger.taxonomy
        self.db.execute("DELETE FROM passage_themes")
        self.db.execute("DELETE FROM themes")
        self.db.executemany(
            "INSERT INTO themes (id, seq, label, description) VALUES (?,?,?,?)",
            [(t.id, n, t.label, t.description) for n, t in enumerate(taxonomy)],
        )
        self.db.execute(
            "INSERT OR REPLACE INTO properties (key, value) VALUES (?,?)",
            (store.TAGGER_KEY, tagger.signature),
        )
        ids, vectors = store.all_vectors(self.vectors)
        texts = dict(self.db.execute("SELECT id, text FROM passages").fetchall())
        ages = passage_ages(self.db, ids.tolist())
        self.insert_tags(ids.tolist(), tagger.tag([texts[int(i)] for i in ids], vectors, ages))
        self.changed = True
        return len(ids)

    def tag_documents_again(self, doc_ids: list[str]) -> int:
        """Tag the passages of ``doc_ids`` again with the tagger in use (their age groups changed),
        from the vectors held; returns how many passages were tagged (none without a tagger)."""
        if self.tagger is None or not doc_ids:
            return 0
        marks = ",".join("?" * len(doc_ids))
        rows = self.db.execute(f"SELECT id, text FROM passages WHERE doc_id IN ({marks})", doc_ids).fetchall()
        ids = [int(r[0]) for r in rows]
        if not ids:
            return 0
        self.db.executemany("DELETE FROM passage_themes WHERE passage_id=?", [(i,) for i in ids])
        vectors = np.vstack([self.vectors.reconstruct(i) for i in ids]).astype(np.float32)
        ages = passage_ages(self.db, ids)
        self.insert_tags(ids, self.tagger.tag([r[1] for r in rows], vectors, ages))
        self.changed = True
        return len(ids)

    def insert_tags(self, ids: list[int], tags: list[list[ThemeTag]]) -> None:
        self.db.executemany(
            "INSERT INTO passage_themes (passage_id, theme, score, evidence) VALUES (?,?,?,?)",
            [
                (passage_id, tag.theme, tag.score, json.dumps(list(tag.evidence)))
                for passage_id, passage_tags in zip(ids, tags, strict=True)
                for tag in passage_tags
            ],
        )
