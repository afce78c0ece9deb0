"""The library's questions about learning themes: counts, passages by theme, what recurs."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from assistant.library import store
from assistant.records import Passage, ThemeCount


class ThemeQueries:
    """Mixed into :class:`assistant.library.reader.Library`: the theme tables of its database."""

    db: sqlite3.Connection

    if TYPE_CHECKING:

        def passages(self, ids: list[int] | None = None, doc_id: str | None = None) -> list[Passage]: ...

        def agency_spread(self) -> dict[str, tuple[int, int]]: ...

    @property
    def tagger_signature(self) -> str | None:
        """The themes file and rule the passages were tagged with (:attr:`Tagger.signature`);
        None before any tagging."""
        row = self.db.execute("SELECT value FROM properties WHERE key=?", (store.TAGGER_KEY,)).fetchone()
        return row[0] if row else None

    def theme_labels(self) -> dict[str, str]:
        """Theme id → label, in the order of the taxonomy the library was tagged with."""
        return dict(self.db.execute("SELECT id, label FROM themes ORDER BY seq").fetchall())

    def themes(self) -> list[ThemeCount]:
        """Every theme of the taxonomy with its passages and documents, most widespread first."""
        passages: dict[str, int] = {}
        documents: dict[str, dict[str, None]] = {}  # theme → doc ids, strongest tag first
        rows = self.db.execute(
            "SELECT pt.theme, p.doc_id FROM passage_themes pt JOIN passages p ON p.id = pt.passage_id"
            " ORDER BY pt.score DESC, pt.passage_id"
        )
        for theme, doc_id in rows:
            passages[theme] = passages.get(theme, 0) + 1
            documents.setdefault(theme, {})[doc_id] = None
        found = [
            ThemeCount(theme, label, description, passages.get(theme, 0), tuple(documents.get(theme, ())))
            for theme, label, description in self.db.execute(
                "SELECT id, label, description FROM themes ORDER BY seq"
            )
        ]
        return sorted(found, key=lambda t: (-len(t.documents), -t.passages))

    def theme_passages(
        self, theme: str, per_document: int | None = None, limit: int | None = None
    ) -> list[Passage]:
        """The passages tagged with a theme, strongest first: at most ``per_document`` from each
        document and ``limit`` in all."""
        rows = self.db.execute(
            "SELECT pt.passage_id, p.doc_id FROM passage_themes pt JOIN passages p ON p.id = pt.passage_id"
            " WHERE pt.theme=? ORDER BY pt.score DESC, pt.passage_id",
            (theme,),
        ).fetchall()
        taken: dict[str, int] = {}
        ids = []
        for passage_id, doc_id in rows:
            if limit is not None and len(ids) >= limit:
                break
            if per_document is None or taken.get(doc_id, 0) < per_document:
                taken[doc_id] = taken.get(doc_id, 0) + 1
                ids.append(passage_id)
        return self.passages(ids)

    def agency_spread(self) -> dict[str, tuple[int, int]]:
        """Agency id → (passages, documents) addressing it."""
        passages: dict[str, int] = {}
        documents: dict[str, set[str]] = {}
        for doc_id, listed in self.db.execute("SELECT doc_id, agencies FROM passages"):
            for agency in filter(None, listed.split(",")):
                passages[agency] = passages.get(agency, 0) + 1
                documents.setdefault(agency, set()).add(doc_id)
        return {agency: (passages[agency], len(documents[agency])) for agency in sorted(passages)}

    def recurring(self, min_documents: int = 2) -> list[ThemeCount]:
        """Learning that recurs: themes found in ``min_documents`` documents or more."""
        return [t for t in self.themes() if len(t.documents) >= min_documents]
