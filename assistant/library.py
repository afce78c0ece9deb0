"""The durable library: which generation is current, reading it, and publishing a new one.

Layout of an index folder::

    CURRENT          {"generation": 12, "manifest_sha256": "..."}, replaced atomically
    gen-000012/      the current generation (see assistant.store), never changed once published
    gen-000011/      the one before, kept as the last good state
    sources/         the original files, by content hash, for rebuilds and "show the PDF"
    .lock            held by the one writer

A writer copies the current generation into a temporary folder, changes the copy, fsyncs it,
renames it to ``gen-N`` and only then points ``CURRENT`` at it. A crash at any moment leaves
``CURRENT`` naming a complete generation; readers open a generation read-only and never see a
half-written state.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import store, theme_queries
from .doc_metadata.ages import GROUPS as AGE_ORDER
from .doc_metadata.stored import meta_from_json, meta_to_json
from .errors import LibraryBusy, LibraryCorrupt, LibraryError, LibraryOutdated, ModelMismatch, NotFound
from .records import Document, Passage, ThemeCount
from .writer_lock import take_lock

if TYPE_CHECKING:
    from .theme_grid import Axis, Grid
    from .theme_tagger import Tagger
    from .themes import ThemeTag

CURRENT = "CURRENT"
RECURRING = 3  # a theme recurs when this many reviews carry it
SOURCES = "sources"


def rebuild_hint(index_dir: Path) -> str:
    return f"Rebuild it with: python -m assistant rebuild --index {index_dir}"


def _generation_dir(index_dir: Path, generation: int) -> Path:
    return index_dir / f"gen-{generation:06d}"


def _read_current(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / CURRENT
    if not path.exists():
        return None
    try:
        pointer = json.loads(path.read_text(encoding="utf-8"))
        return {"generation": int(pointer["generation"]), "manifest_sha256": str(pointer["manifest_sha256"])}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LibraryCorrupt(f"{path} is damaged ({exc}). {rebuild_hint(index_dir)}") from exc


def _generations(index_dir: Path) -> list[int]:
    found = []
    for path in index_dir.glob("gen-*"):
        suffix = path.name[4:]
        if suffix.isdigit():
            found.append(int(suffix))
    return sorted(found, reverse=True)


def _row_to_document(row: sqlite3.Row, passages: int) -> Document:
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
        themes=_best_first(row["themes"]),
        ocr_confidence=row["ocr_confidence"],
    )


def _best_first(tags: str | None) -> tuple[str, ...]:
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


class Library:
    """One published generation, opened read-only and verified against its manifest."""

    def __init__(self, index_dir: Path, folder: Path | None, manifest: dict[str, Any] | None):
        self.index_dir = index_dir
        self.folder = folder
        self.manifest = manifest or {}
        self.generation = self.manifest.get("generation", 0)
        self.warning: str | None = None
        self._grids: dict[str, Grid] = {}  # theme grids by axis, for this generation
        if folder is None:
            self.db = sqlite3.connect(":memory:", check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.executescript(store.SCHEMA)
            self.vectors = None
        else:
            self.db = store.connect_readonly(folder / store.DB_FILE)
            self.vectors = store.read_vectors(folder / store.VECTORS_FILE)

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, index_dir: Path, model: str | None = None, dimension: int | None = None) -> Library:
        """The current generation, or the newest good one if the current one is damaged.

        An index folder with no library yet opens as an empty library. ``model`` and
        ``dimension``, when given, must match the ones the library was built with.
        """
        index_dir = Path(index_dir)
        for _attempt in range(3):  # a writer may publish and tidy up while we open
            pointer = _read_current(index_dir)
            if pointer is None:
                return cls(index_dir, None, None)
            try:
                library = cls._open_generation(index_dir, pointer["generation"], pointer["manifest_sha256"])
            except FileNotFoundError as gone:
                if _read_current(index_dir) != pointer:  # a writer published and tidied it away
                    continue
                missing = LibraryCorrupt(f"its folder {Path(str(gone)).name} is missing")
                library = cls._last_good(index_dir, pointer["generation"], missing)
            except LibraryOutdated as outdated:
                raise LibraryOutdated(f"{outdated} {rebuild_hint(index_dir)}") from outdated
            except LibraryCorrupt as damage:
                if _read_current(index_dir) != pointer:  # a writer published and tidied it away
                    continue
                library = cls._last_good(index_dir, pointer["generation"], damage)
            library.check_model(model, dimension)
            return library
        raise LibraryBusy(f"the library at {index_dir} kept changing while it was opened; try again")

    @classmethod
    def _open_generation(cls, index_dir: Path, generation: int, manifest_sha: str | None) -> Library:
        folder = _generation_dir(index_dir, generation)
        if not folder.is_dir():
            raise FileNotFoundError(folder)
        manifest = store.read_manifest(folder, manifest_sha)
        store.verify_files(folder, manifest)
        try:
            library = cls(index_dir, folder, manifest)
        except sqlite3.Error as exc:  # e.g. tidied away by a writer since it was verified
            raise LibraryCorrupt(f"{folder.name}/{store.DB_FILE} cannot be opened ({exc})") from exc
        library.verify_counts()
        return library

    @classmethod
    def _last_good(cls, index_dir: Path, current: int, damage: LibraryCorrupt) -> Library:
        for generation in _generations(index_dir):
            if generation >= current:
                continue
            try:
                library = cls._open_generation(index_dir, generation, None)
            except (LibraryCorrupt, LibraryOutdated, FileNotFoundError):
                continue
            library.warning = (
                f"The current library is damaged ({damage}); showing the last good state "
                f"(generation {generation}). {rebuild_hint(index_dir)}"
            )
            return library
        raise LibraryCorrupt(f"The library at {index_dir} is damaged: {damage}. {rebuild_hint(index_dir)}")

    def check_model(self, model: str | None, dimension: int | None) -> None:
        built = self.manifest.get("model")
        if not built or model is None:
            return
        if built["name"] != model or (dimension is not None and built["dimension"] != dimension):
            raise ModelMismatch(
                f"The library at {self.index_dir} was built with {built['name']} "
                f"({built['dimension']} dimensions), not {model}"
                f"{f' ({dimension} dimensions)' if dimension else ''}. "
                f"{rebuild_hint(self.index_dir)} --model {model}"
            )

    def verify_counts(self) -> None:
        """Counts in the manifest, rows in SQLite and vectors in FAISS must all agree."""
        counts = self.manifest["counts"]
        passages = self.db.execute("SELECT count(*) FROM passages").fetchone()[0]
        indexed = self.db.execute("SELECT count(*) FROM documents WHERE status='indexed'").fetchone()[0]
        vectors = self.vectors.ntotal if self.vectors is not None else 0
        if (passages, indexed, vectors) != (counts["passages"], counts["documents"], counts["vectors"]):
            raise LibraryCorrupt(
                f"{self.folder}: counts disagree (manifest {counts}, database {passages} passages "
                f"in {indexed} documents, {vectors} vectors)"
            )

    def check(self) -> list[str]:
        """Every problem found by a full check; an empty list means the library is sound."""
        problems = []
        ids = {row[0] for row in self.db.execute("SELECT id FROM passages")}
        vector_ids = set(store.vector_ids(self.vectors).tolist()) if self.vectors is not None else set()
        if missing := ids - vector_ids:
            problems.append(f"{len(missing)} passages have no vector (e.g. {sorted(missing)[:5]})")
        if orphans := vector_ids - ids:
            problems.append(f"{len(orphans)} vectors have no passage (e.g. {sorted(orphans)[:5]})")
        fts = self.db.execute("SELECT count(*) FROM passages_fts").fetchone()[0]
        if fts != len(ids):
            problems.append(f"keyword index holds {fts} rows for {len(ids)} passages")
        result = self.db.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            problems.append(f"database integrity check: {result}")
        return problems

    @property
    def model(self) -> dict[str, Any] | None:
        return self.manifest.get("model")

    # -- reading ------------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        counts = dict(self.db.execute("SELECT doc_id, count(*) FROM passages GROUP BY doc_id").fetchall())
        rows = self.db.execute("SELECT * FROM documents ORDER BY status DESC, doc_id").fetchall()
        return [_row_to_document(row, counts.get(row["doc_id"], 0)) for row in rows]

    def document(self, doc_id: str) -> Document:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"no document {doc_id!r} in the library")
        n = self.db.execute("SELECT count(*) FROM passages WHERE doc_id=?", (doc_id,)).fetchone()[0]
        return _row_to_document(row, n)

    def cases(self) -> dict[str, list[str]]:
        """Cases of two or more documents (the review, its response, its briefing): case → doc ids."""
        rows = self.db.execute(
            "SELECT json_extract(meta, '$.case') AS c, doc_id FROM documents"
            " WHERE status='indexed' AND coalesce(c, '') != '' ORDER BY c, published, doc_id"
        )
        found: dict[str, list[str]] = {}
        for case, doc_id in rows:
            found.setdefault(case, []).append(doc_id)
        return {case: ids for case, ids in found.items() if len(ids) > 1}

    def document_text(self, doc_id: str) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"no document {doc_id!r} in the library")
        return row[0]

    def passages(self, ids: list[int] | None = None, doc_id: str | None = None) -> list[Passage]:
        """Passages by id (in the order given), of one document, or all of them."""
        if ids is not None:
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            rows = self.db.execute(f"{PASSAGE_SELECT} WHERE p.id IN ({marks})", ids).fetchall()
            by_id = {row["id"]: row_to_passage(row) for row in rows}
            return [by_id[i] for i in ids if i in by_id]
        if doc_id is not None:
            rows = self.db.execute(f"{PASSAGE_SELECT} WHERE p.doc_id=? ORDER BY p.seq", (doc_id,))
        else:
            rows = self.db.execute(f"{PASSAGE_SELECT} ORDER BY p.doc_id, p.seq")
        return [row_to_passage(row) for row in rows.fetchall()]

    def facets(self) -> dict[str, dict[str, int]]:
        """Passage counts by document, partnership, year, review type and agency: for filters."""
        found: dict[str, dict[str, int]] = {}
        columns = {
            "document": "d.doc_id",
            "partnership": "d.partnership",
            "year": "substr(d.published, 1, 4)",
            "review_type": "d.review_type",
        }
        for facet, column in columns.items():
            rows = self.db.execute(
                f"SELECT {column}, count(*) FROM passages p JOIN documents d USING (doc_id)"
                f" WHERE {column} != '' GROUP BY 1 ORDER BY 1"
            )
            found[facet] = {str(value): n for value, n in rows}
        found["agency"] = {agency: n for agency, (n, _) in self.agency_spread().items()}
        rows = self.db.execute(
            "SELECT a.value, count(*) FROM passages p JOIN documents d USING (doc_id),"
            " json_each(d.meta, '$.age_groups') a GROUP BY 1"
        )
        found["age_group"] = {group: n for group, n in sorted(rows, key=lambda r: AGE_ORDER.index(r[0]))}
        rows = self.db.execute(
            "SELECT theme, count(*) FROM passage_themes GROUP BY theme ORDER BY count(*) DESC, theme"
        )
        found["theme"] = {theme: n for theme, n in rows}
        return found

    # -- learning themes ----------------------------------------------------------------------

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
        self,
        theme: str,
        per_document: int | None = None,
        limit: int | None = None,
        doc_ids: list[str] | None = None,
    ) -> list[Passage]:
        """The passages tagged with a theme, strongest first: at most ``per_document`` from each
        document and ``limit`` in all; only from ``doc_ids`` when given (a grid cell's reviews)."""
        rows = theme_queries.theme_passage_ids(self.db, theme, doc_ids)
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

    def recurring(self, min_documents: int = RECURRING) -> list[ThemeCount]:
        """Learning that recurs: themes found in ``min_documents`` documents or more."""
        return [t for t in self.themes() if len(t.documents) >= min_documents]

    def theme_grid(self, axis: Axis) -> Grid:
        """Reviews per theme and year, publisher or age group. Kept for this generation: a
        library object never changes (a writer publishes a new generation, opened anew)."""
        from .theme_grid import build

        if axis not in self._grids:
            self._grids[axis] = build(theme_queries.review_themes(self.db), self.theme_labels(), axis)
        return self._grids[axis]

    def source_file(self, doc_id: str) -> Path | None:
        """The original file of a document, kept in the library's ``sources`` folder."""
        document = self.document(doc_id)
        path = self.index_dir / SOURCES / document.sha256 / document.source
        return path if path.exists() else None

    @property
    def passage_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM passages").fetchone()[0])

    def close(self) -> None:
        self.db.close()


def indexed_files(index_dir: Path) -> list[tuple[str, str]] | None:
    """(sha256, file name) of the documents the current generation lists as indexed, read from
    its database alone: usable when the library cannot be opened (an older schema). None when
    even that cannot be read."""
    try:
        pointer = _read_current(Path(index_dir))
        if pointer is None:
            return None
        db = store.connect_readonly(_generation_dir(Path(index_dir), pointer["generation"]) / store.DB_FILE)
        try:
            return db.execute("SELECT sha256, source FROM documents WHERE status='indexed'").fetchall()
        finally:
            db.close()
    except (LibraryCorrupt, sqlite3.Error):
        return None


def current_generation_exists(index_dir: Path) -> bool:
    """Whether a library has been published here (its ``CURRENT`` pointer is there)."""
    return (Path(index_dir) / CURRENT).exists()


def current_generation(index_dir: Path) -> int:
    """The generation a reader would open now; cheap enough to poll."""
    pointer = _read_current(Path(index_dir))
    return pointer["generation"] if pointer else 0


# -- writing ------------------------------------------------------------------------------------


class Writer:
    """Changes to a private copy of the current generation, published all at once."""

    def __init__(
        self,
        index_dir: Path,
        folder: Path,
        base: Library,
        model: dict[str, Any],
        approximate_above: int = 50_000,
    ):
        self.index_dir = index_dir
        self.approximate_above = approximate_above
        self.folder = folder
        self.base_generation = base.generation
        self.model = model
        self.changed = False
        self.tagger: Tagger | None = None
        db_path = folder / store.DB_FILE
        if base.folder is None:
            self.db = store.create_db(db_path)
            self.vectors = store.new_vectors(model["dimension"])
        else:
            shutil.copyfile(base.folder / store.DB_FILE, db_path)
            self.db = store.connect_writable(db_path)
            self.vectors = store.read_vectors(base.folder / store.VECTORS_FILE)
        self.db.row_factory = sqlite3.Row

    def find_by_sha(self, sha256: str) -> Document | None:
        row = self.db.execute(
            "SELECT * FROM documents WHERE sha256=? AND status='indexed' AND pipeline=?",
            (sha256, store.PIPELINE_VERSION),
        ).fetchone()
        return _row_to_document(row, 0) if row else None

    def source_of(self, doc_id: str) -> str | None:
        """The file name held under ``doc_id``, or None when the id is free."""
        row = self.db.execute("SELECT source FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _row_to_document(row, 0) if row else None

    def status_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT status FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def remove(self, doc_id: str) -> bool:
        """Delete a document with its passages and vectors; False if it was not there."""
        ids = [r[0] for r in self.db.execute("SELECT id FROM passages WHERE doc_id=?", (doc_id,))]
        if ids:
            self.vectors.remove_ids(np.array(ids, dtype=np.int64))
            self.db.executemany("DELETE FROM passages_fts WHERE rowid=?", [(i,) for i in ids])
        deleted = self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount
        self.changed = self.changed or bool(deleted)
        return bool(deleted)

    def put(self, document: Document, text: str, passages: list[Passage], vectors: np.ndarray) -> None:
        """Add a document, replacing any document of the same id."""
        if len(passages) != len(vectors):
            raise ValueError("one vector per passage is required")
        self.remove(document.doc_id)
        self._insert_document(document, text)
        search_title = f"{document.subject} {document.title}".strip()
        ids = []
        for seq, p in enumerate(passages):
            cursor = self.db.execute(
                "INSERT INTO passages (doc_id, seq, section, recommendation, page_start, page_end,"
                " char_start, char_end, text, agencies, ocr_confidence) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (document.doc_id, seq, p.section, p.recommendation, p.page_start, p.page_end,
                 p.char_start, p.char_end, p.text, ",".join(p.agencies), p.ocr_confidence),
            )  # fmt: skip
            ids.append(cursor.lastrowid)
            self.db.execute(
                "INSERT INTO passages_fts (rowid, text, section, title) VALUES (?,?,?,?)",
                (cursor.lastrowid, p.text, p.section, search_title),
            )
        if ids:
            self.vectors.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.array(ids, dtype=np.int64)
            )
            if self.tagger is not None:
                ages = [document.age_groups] * len(passages)
                self._insert_tags(ids, self.tagger.tag([p.text for p in passages], vectors, ages))
        self.changed = True

    # -- learning themes ----------------------------------------------------------------------

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
        ages = theme_queries.passage_ages(self.db, ids.tolist())
        self._insert_tags(ids.tolist(), tagger.tag([texts[int(i)] for i in ids], vectors, ages))
        self.changed = True
        return len(ids)

    def _insert_tags(self, ids: list[int], tags: list[list[ThemeTag]]) -> None:
        self.db.executemany(
            "INSERT INTO passage_themes (passage_id, theme, score, evidence) VALUES (?,?,?,?)",
            [
                (passage_id, tag.theme, tag.score, json.dumps(list(tag.evidence)))
                for passage_id, passage_tags in zip(ids, tags, strict=True)
                for tag in passage_tags
            ],
        )

    def record_failure(self, document: Document) -> None:
        """List a file that could not be read, unless a good version of it is already indexed."""
        if self.status_of(document.doc_id) == "indexed":
            return
        self.remove(document.doc_id)
        self._insert_document(document, "")
        self.changed = True

    def _insert_document(self, d: Document, text: str) -> None:
        self.db.execute(
            "INSERT INTO documents (doc_id, title, source, kind, sha256, status, error, pages, subject,"
            " partnership, partnership_short, review_type, published, added, warnings, text, pipeline, meta,"
            " ocr_pages) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (d.doc_id, d.title, d.source, d.kind, d.sha256, d.status, d.error, d.pages, d.subject,
             d.partnership, d.partnership_short, d.review_type, d.published,
             d.added or datetime.now(UTC).isoformat(timespec="seconds"), json.dumps(list(d.warnings)),
             text, store.PIPELINE_VERSION, meta_to_json(d), d.ocr_pages),
        )  # fmt: skip

    def update_fields(self, document: Document) -> None:
        """Store corrected fields of a document already held (an edit); its text, passages and
        vectors stay as they are."""
        d = document
        self.db.execute(
            "UPDATE documents SET title=?, subject=?, partnership=?, partnership_short=?, review_type=?,"
            " published=?, meta=? WHERE doc_id=?",
            (d.title, d.subject, d.partnership, d.partnership_short, d.review_type, d.published,
             meta_to_json(d), d.doc_id),
        )  # fmt: skip
        self.db.execute(
            "UPDATE passages_fts SET title=? WHERE rowid IN (SELECT id FROM passages WHERE doc_id=?)",
            (f"{d.subject} {d.title}".strip(), d.doc_id),
        )
        self.changed = True

    def keep_source(self, path: Path, sha256: str, name: str) -> None:
        """Keep the original file, named by its content hash, for rebuilds and viewing."""
        target = self.index_dir / SOURCES / sha256 / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".incoming-{os.getpid()}.tmp")  # short: the name may be 255 bytes
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)

    def finish(self) -> int:
        """Seal the copy as the next generation and make it current; returns its number."""
        counts = {
            "documents": self.db.execute("SELECT count(*) FROM documents WHERE status='indexed'").fetchone()[
                0
            ],
            "failed": self.db.execute("SELECT count(*) FROM documents WHERE status='failed'").fetchone()[0],
            "passages": self.db.execute("SELECT count(*) FROM passages").fetchone()[0],
            "vectors": int(self.vectors.ntotal),
        }
        self.db.close()
        if self.vectors.ntotal >= self.approximate_above and not store.is_approximate(self.vectors):
            self.vectors = store.approximate(self.vectors)
        store.write_vectors(self.vectors, self.folder / store.VECTORS_FILE)
        generation = max([self.base_generation, *_generations(self.index_dir)]) + 1
        manifest_sha = store.write_manifest(self.folder, generation, self.model, counts)
        for name in (store.DB_FILE, store.VECTORS_FILE, store.MANIFEST_FILE):
            store.fsync_path(self.folder / name)
        final = _generation_dir(self.index_dir, generation)
        os.rename(self.folder, final)
        store.fsync_path(self.index_dir)
        _write_atomic(
            self.index_dir / CURRENT,
            json.dumps({"generation": generation, "manifest_sha256": manifest_sha}) + "\n",
        )
        return generation


def _write_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    store.fsync_path(path.parent)


@contextmanager
def writer(
    index_dir: Path,
    model: str,
    dimension: int,
    keep_generations: int = 2,
    timeout: float = 600,
    fresh: bool = False,
    approximate_above: int = 50_000,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[Writer]:
    """The one writer of a library. Changes are published when the block ends without error.

    ``fresh`` starts from an empty library instead of the current one (a rebuild). When another
    process is changing the library, ``on_wait`` is told at once, then the writer waits up to
    ``timeout`` seconds (0: not at all) before :class:`LibraryBusy`.
    """
    index_dir = Path(index_dir)
    lock = take_lock(index_dir, timeout, on_wait)
    try:
        _remove_leftovers(index_dir)
        if fresh:
            base = Library(index_dir, None, {"generation": max([0, *_generations(index_dir)])})
        else:
            base = Library.open(index_dir)
            if base.warning:  # never build on top of damage silently
                raise LibraryCorrupt(base.warning)
            base.check_model(model, dimension)
        folder = Path(tempfile.mkdtemp(prefix="tmp-", dir=index_dir))
        try:
            model_info = {"name": model, "dimension": dimension}
            w = Writer(index_dir, folder, base, model_info, approximate_above)
            base.close()
            yield w
            if w.changed:
                w.finish()
                _tidy(index_dir, keep_generations)
            else:
                w.db.close()
        except (OSError, sqlite3.Error) as exc:
            if (reason := _storage_failure(exc)) is None:
                raise
            raise LibraryError(
                f"The library at {index_dir} could not be written ({reason}). Nothing was changed: "
                "check the free space and try again."
            ) from exc
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        lock.release()


DISK_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


SQLITE_FULL, SQLITE_IOERR_WRITE = 13, 778  # extended result codes of a refused write


def _storage_failure(exc: OSError | sqlite3.Error) -> str | None:
    """Why the disk refused a write (full, over quota, file too large), or None for other errors."""
    if isinstance(exc, OSError):
        return os.strerror(exc.errno) if exc.errno in DISK_FULL else None
    code = getattr(exc, "sqlite_errorcode", None)
    return str(exc) if code in (SQLITE_FULL, SQLITE_IOERR_WRITE) else None


def _remove_leftovers(index_dir: Path) -> None:
    """Temporary folders left by a writer that was killed."""
    for path in index_dir.glob("tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def _tidy(index_dir: Path, keep: int) -> None:
    """Drop old generations and the source files no kept generation refers to."""
    generations = _generations(index_dir)
    for generation in generations[max(keep, 1) :]:
        shutil.rmtree(_generation_dir(index_dir, generation), ignore_errors=True)
    wanted: set[str] = set()
    for generation in generations[: max(keep, 1)]:
        db_path = _generation_dir(index_dir, generation) / store.DB_FILE
        try:
            db = store.connect_readonly(db_path)
            wanted |= {row[0] for row in db.execute("SELECT sha256 FROM documents WHERE status='indexed'")}
            db.close()
        except sqlite3.DatabaseError:
            return  # unsure what is still needed: keep every source
    sources = index_dir / SOURCES
    if sources.is_dir():
        for folder in sources.iterdir():
            if folder.name not in wanted:
                shutil.rmtree(folder, ignore_errors=True)
