"""Reading the library: one published generation, opened read-only and checked."""

from __future__ import annotations

import sqlite3
from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.documents.doc_metadata import publishers
from assistant.documents.doc_metadata.ages import GROUPS as AGE_ORDER
from assistant.errors import LibraryBusy, LibraryCorrupt, LibraryOutdated, ModelMismatch, NotFound
from assistant.library import migrations, store
from assistant.library.generation_memo import GenerationMemo
from assistant.library.generations import (
    SOURCES,
    generation_dir,
    generation_numbers,
    read_current,
    rebuild_hint,
)
from assistant.library.passage_queries import PassageQueries
from assistant.library.rows import PASSAGE_SELECT, row_to_document, row_to_passage
from assistant.library.theme_queries import ThemeQueries
from assistant.records import Document, Passage


class Library(ThemeQueries, PassageQueries):
    """One published generation, opened read-only and verified against its manifest."""

    def __init__(self, index_dir: Path, folder: Path | None, manifest: dict[str, Any] | None):
        self.index_dir = index_dir
        self.folder = folder
        self.manifest = manifest or {}
        self.generation = self.manifest.get("generation", 0)
        self.warning: str | None = None
        self.memo = GenerationMemo()
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
            pointer = read_current(index_dir)
            if pointer is None:
                return cls(index_dir, None, None)
            try:
                library = cls._open_generation(index_dir, pointer["generation"], pointer["manifest_sha256"])
            except FileNotFoundError as gone:
                if read_current(index_dir) != pointer:  # a writer published and tidied it away
                    continue
                missing = LibraryCorrupt(f"its folder {Path(str(gone)).name} is missing")
                library = cls._last_good(index_dir, pointer["generation"], missing)
            except LibraryOutdated as outdated:
                schema = outdated.schema
                raise LibraryOutdated(
                    f"{outdated} {migrations.hint(index_dir, schema)}", schema
                ) from outdated
            except LibraryCorrupt as damage:
                if read_current(index_dir) != pointer:  # a writer published and tidied it away
                    continue
                library = cls._last_good(index_dir, pointer["generation"], damage)
            library.check_model(model, dimension)
            return library
        raise LibraryBusy(f"the library at {index_dir} kept changing while it was opened; try again")

    @classmethod
    def _open_generation(cls, index_dir: Path, generation: int, manifest_sha: str | None) -> Library:
        folder = generation_dir(index_dir, generation)
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
        for generation in generation_numbers(index_dir):
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
            encoders = ", ".join(e.partition("@")[0] for e in self.encoders) or "not recorded"
            raise ModelMismatch(
                f"The library at {self.index_dir} was built with {built['name']} "
                f"({built['dimension']} dimensions, encoder {encoders}), not {model}"
                f"{f' ({dimension} dimensions)' if dimension else ''}. Search it with the model and"
                " encoder it was built with (ASSISTANT_MODEL, ASSISTANT_ENCODER), or re-embed it for"
                f" these: {rebuild_hint(self.index_dir)}"
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

    @property
    def encoders(self) -> list[str]:
        """What made the library's vectors (``Embedder.encoder``; torch and onnx-fp32 make the
        same ones for the packaged model). Manifests written before encoders were recorded hold
        torch's vectors unless the model's name names an ONNX encoder."""
        model = self.model or {}
        if "encoders" in model:
            return list(model["encoders"])
        if not model:
            return []
        _, onnx, encoder = model.get("name", "").rpartition("+onnx-")  # '<model>+onnx-int8@<sha12>'
        return [f"onnx-{encoder}"] if onnx else ["torch"]

    # -- reading ------------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        counts = dict(self.db.execute("SELECT doc_id, count(*) FROM passages GROUP BY doc_id").fetchall())
        rows = self.db.execute("SELECT * FROM documents ORDER BY status DESC, doc_id").fetchall()
        return [row_to_document(row, counts.get(row["doc_id"], 0)) for row in rows]

    def document(self, doc_id: str) -> Document:
        """One document by id; kept for this generation (every result card asks for its own)."""
        return self.memo.get(self.generation, ("document", doc_id), lambda: self._read_document(doc_id))

    def _read_document(self, doc_id: str) -> Document:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            raise NotFound(f"no document {doc_id!r} in the library")
        n = self.db.execute("SELECT count(*) FROM passages WHERE doc_id=?", (doc_id,)).fetchone()[0]
        return row_to_document(row, n)

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
            cursor = self.db.execute(f"{PASSAGE_SELECT} WHERE p.doc_id=? ORDER BY p.seq", (doc_id,))
        else:
            cursor = self.db.execute(f"{PASSAGE_SELECT} ORDER BY p.doc_id, p.seq")
        return [row_to_passage(row) for row in cursor.fetchall()]

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
        documents = self.db.execute(
            "SELECT partnership, count(*) FROM documents WHERE status = 'indexed' GROUP BY 1"
        ).fetchall()
        named = publishers.labels(dict(documents))  # named as in the Themes grid: by its documents
        found["partnership"] = publishers.merged(found["partnership"], named)  # one publisher, one choice
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

    def source_file(self, doc_id: str) -> Path | None:
        """The original file of a document, kept in the library's ``sources`` folder."""
        document = self.document(doc_id)
        path = self.index_dir / SOURCES / document.sha256 / document.source
        return path if path.exists() else None

    @property
    def document_count(self) -> int:
        """Documents of every status, as :meth:`documents` lists them, without reading them."""
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    @cached_property
    def passage_count(self) -> int:
        """Counted once: a generation never changes (counting 100,000 passages took ~7 ms, and
        every search asks)."""
        return int(self.db.execute("SELECT count(*) FROM passages").fetchone()[0])

    def close(self) -> None:
        self.db.close()
