"""Schema 3 → 4: ``passages.text_sha256``, the content hash of each passage's text.

With it a rebuild, or a changed file ingested again, finds the vector already stored for the
same text instead of embedding it again. Existing rows are hashed here; the writer hashes new ones.
"""

from __future__ import annotations

import sqlite3

from assistant.library.store import text_sha256

SCHEMA = 4


def upgrade(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE passages ADD COLUMN text_sha256 TEXT NOT NULL DEFAULT ''")
    rows = db.execute("SELECT id, text FROM passages").fetchall()
    db.executemany("UPDATE passages SET text_sha256=? WHERE id=?", [(text_sha256(t), i) for i, t in rows])
    db.execute("CREATE INDEX passages_text_sha ON passages(text_sha256)")
