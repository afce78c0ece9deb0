"""The library's questions about learning themes: counts, passages by theme, what recurs.

Each answer is read once per library generation and kept (:mod:`assistant.library.generation_memo`):
the Themes page asks the same questions on every rerun, and a generation never changes. The plain
reads are the module's functions, so tests can hold the kept answers to them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.documents.doc_metadata.ages import for_themes
from assistant.field.theme_grid import Axis, Grid, ReviewThemes
from assistant.field.theme_grid import build as build_grid
from assistant.library import store
from assistant.library.generation_memo import GenerationMemo
from assistant.records import Passage, ThemeCount

RECURRING = 3  # a theme recurs when this many reviews carry it


class ThemeQueries:
    """Mixed into :class:`assistant.library.reader.Library`: the theme tables of its database."""

    db: sqlite3.Connection
    generation: int
    memo: GenerationMemo  # answers kept for this generation (a library never changes)

    if TYPE_CHECKING:

        def passages(self, ids: list[int] | None = None, doc_id: str | None = None) -> list[Passage]: ...

    @property
    def tagger_signature(self) -> str | None:
        """The themes file and rule the passages were tagged with (:attr:`Tagger.signature`);
        None before any tagging."""
        row = self.db.execute("SELECT value FROM properties WHERE key=?", (store.TAGGER_KEY,)).fetchone()
        return row[0] if row else None

    def theme_labels(self) -> dict[str, str]:
        """Theme id → label, in the order of the taxonomy the library was tagged with."""
        return dict(self.memo.get(self.generation, "theme_labels", lambda: theme_labels(self.db)))

    def theme_evidence(self, passage_id: int) -> dict[str, tuple[str, ...]]:
        """Theme id → what made the passage's tag: the theme's words found in it, or its cue
        ("his mother … raised concerns"). Read when a passage is shown, so not kept."""
        rows = self.db.execute(
            "SELECT theme, evidence FROM passage_themes WHERE passage_id = ?", (passage_id,)
        ).fetchall()
        return {theme: _evidence(raw) for theme, raw in rows}

    def themes(self) -> list[ThemeCount]:
        """Every theme of the taxonomy with its passages and documents, most widespread first."""
        return list(self.memo.get(self.generation, "themes", lambda: theme_counts(self.db)))

    def theme_passages(
        self,
        theme: str,
        per_document: int | None = None,
        limit: int | None = None,
        doc_ids: list[str] | None = None,
    ) -> list[Passage]:
        """The passages tagged with a theme, strongest first: at most ``per_document`` from each
        document and ``limit`` in all; only from ``doc_ids`` when given (a grid cell's reviews)."""
        chosen = tuple(doc_ids) if doc_ids is not None else None
        question = ("theme_passages", theme, per_document, limit, chosen)
        return list(
            self.memo.get(
                self.generation,
                question,
                lambda: self.passages(
                    strongest(theme_passage_ids(self.db, theme, chosen), per_document, limit)
                ),
            )
        )

    def agency_spread(self) -> dict[str, tuple[int, int]]:
        """Agency id → (passages, documents) addressing it."""
        return dict(self.memo.get(self.generation, "agency_spread", lambda: agency_spread(self.db)))

    def recurring(self, min_documents: int = RECURRING) -> list[ThemeCount]:
        """Learning that recurs: themes found in ``min_documents`` documents or more."""
        return [t for t in self.themes() if len(t.documents) >= min_documents]

    def theme_grid(self, axis: Axis) -> Grid:
        """Reviews per theme and year, publisher or age group; kept for this generation."""
        return self.memo.get(
            self.generation,
            ("theme_grid", axis),
            lambda: build_grid(review_themes(self.db), self.theme_labels(), axis),
        )


def _evidence(raw: str) -> tuple[str, ...]:
    """A stored evidence list; () for what is not one (a library tagged before evidence was kept)."""
    try:
        found = json.loads(raw or "[]")
    except json.JSONDecodeError:
        return ()
    return tuple(str(e) for e in found) if isinstance(found, list) else ()


def theme_labels(db: sqlite3.Connection) -> dict[str, str]:
    """Theme id → label, in the order of the taxonomy the library was tagged with."""
    return dict(db.execute("SELECT id, label FROM themes ORDER BY seq").fetchall())


def theme_counts(db: sqlite3.Connection) -> list[ThemeCount]:
    """Every theme of the taxonomy with its passages and documents (each document ranked by its
    strongest tag), most widespread first."""
    passages: dict[str, int] = {}
    documents: dict[str, dict[str, None]] = {}  # theme → doc ids, strongest tag first
    rows = db.execute(
        "SELECT pt.theme, p.doc_id FROM passage_themes pt JOIN passages p ON p.id = pt.passage_id"
        " ORDER BY pt.score DESC, pt.passage_id"
    )
    for theme, doc_id in rows:
        passages[theme] = passages.get(theme, 0) + 1
        documents.setdefault(theme, {})[doc_id] = None
    found = [
        ThemeCount(theme, label, description, passages.get(theme, 0), tuple(documents.get(theme, ())))
        for theme, label, description in db.execute("SELECT id, label, description FROM themes ORDER BY seq")
    ]
    return sorted(found, key=lambda t: (-len(t.documents), -t.passages))


def agency_spread(db: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """Agency id → (passages, documents) addressing it."""
    passages: dict[str, int] = {}
    documents: dict[str, set[str]] = {}
    for doc_id, listed in db.execute("SELECT doc_id, agencies FROM passages"):
        for agency in filter(None, listed.split(",")):
            passages[agency] = passages.get(agency, 0) + 1
            documents.setdefault(agency, set()).add(doc_id)
    return {agency: (passages[agency], len(documents[agency])) for agency in sorted(passages)}


def strongest(rows: Sequence[tuple[int, str]], per_document: int | None, limit: int | None) -> list[int]:
    """The passage ids of ``rows`` (strongest first): at most ``per_document`` from each document
    and ``limit`` in all."""
    taken: dict[str, int] = {}
    ids: list[int] = []
    for passage_id, doc_id in rows:
        if limit is not None and len(ids) >= limit:
            break
        if per_document is None or taken.get(doc_id, 0) < per_document:
            taken[doc_id] = taken.get(doc_id, 0) + 1
            ids.append(passage_id)
    return ids


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
    """The age groups the theme rule goes by for each passage's document
    (:func:`~assistant.documents.doc_metadata.ages.for_themes`), in the order of ``ids``."""
    rows = db.execute(
        "SELECT p.id, json_extract(d.meta, '$.age_groups'), d.review_type, d.partnership"
        " FROM passages p JOIN documents d USING (doc_id)"
    )
    by_id = {
        pid: for_themes(tuple(json.loads(ages)) if ages else (), review_type, partnership)
        for pid, ages, review_type, partnership in rows
    }
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
