"""Writing the library: changes to a private copy of the current generation, published at once.

A writer copies the current generation into a temporary folder, changes the copy, fsyncs it,
renames it to ``gen-N`` and only then points ``CURRENT`` at it (see
:mod:`assistant.library.generations`).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.documents.doc_metadata import TEXT, ages
from assistant.documents.doc_metadata.ages import for_themes
from assistant.documents.doc_metadata.stored import meta_to_json
from assistant.errors import LibraryCorrupt, LibraryError
from assistant.library import generations, store
from assistant.library.generations import SOURCES, generation_dir, generation_numbers, remove_leftovers
from assistant.library.reader import Library
from assistant.library.rows import row_to_document
from assistant.library.theme_writing import ThemeWriting
from assistant.library.writer_lock import take_lock
from assistant.records import Document, Passage

if TYPE_CHECKING:
    from assistant.field.theme_tagger import Tagger


class Writer(ThemeWriting):
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
        return row_to_document(row, 0) if row else None

    def source_of(self, doc_id: str) -> str | None:
        """The file name held under ``doc_id``, or None when the id is free."""
        row = self.db.execute("SELECT source FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document(self, doc_id: str) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row_to_document(row, 0) if row else None

    def status_of(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT status FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def stored_vector(self, text_sha256: str) -> np.ndarray | None:
        """The vector this copy holds for a passage of that text hash, if any (see vector_reuse)."""
        sql = "SELECT id FROM passages WHERE text_sha256=? LIMIT 1"
        row = self.db.execute(sql, (text_sha256,)).fetchone()
        return None if row is None else self.vectors.reconstruct(int(row[0]))

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
                " char_start, char_end, text, agencies, ocr_confidence, text_sha256)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (document.doc_id, seq, p.section, p.recommendation, p.page_start, p.page_end,
                 p.char_start, p.char_end, p.text, ",".join(p.agencies), p.ocr_confidence,
                 store.text_sha256(p.text)),
            )  # fmt: skip
            if cursor.lastrowid is None:  # sqlite3 gives None only when no row was inserted
                raise LibraryError(f"passage {seq} of {document.doc_id} was not stored")
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
                ages = [for_themes(document.age_groups, document.review_type, document.partnership)] * len(
                    passages
                )
                self.insert_tags(ids, self.tagger.tag([p.text for p in passages], vectors, ages))
        self.changed = True

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

    def read_ages_again(self) -> list[str]:
        """Read again, from the text held, the age groups of every document when the library's
        were read by an older reading of ages (:data:`~assistant.documents.doc_metadata.ages.READER`),
        so a better reading reaches a library without reading its files again. Groups not read
        from the text (corrected by hand) stay. Returns the doc ids whose groups changed: the
        caller tags their passages again (:meth:`tag_documents_again`), as the theme rule goes
        by them."""
        row = self.db.execute("SELECT value FROM properties WHERE key=?", (store.AGES_KEY,)).fetchone()
        if row is not None and row[0] == str(ages.READER):
            return []
        changed = []
        rows = self.db.execute("SELECT doc_id, text, meta FROM documents WHERE status='indexed'").fetchall()
        for doc_id, text, meta_text in rows:
            meta = json.loads(meta_text or "{}")
            sources = meta.setdefault("field_sources", {})
            if sources.get("age_groups", TEXT) != TEXT or "age_groups" in meta.get("edited", {}):
                continue
            groups = list(ages.age_groups(text or ""))
            if groups == list(meta.get("age_groups", [])):
                continue
            meta["age_groups"] = groups
            if groups:
                sources["age_groups"] = TEXT
            else:
                sources.pop("age_groups", None)
            self.db.execute(
                "UPDATE documents SET meta=? WHERE doc_id=?", (json.dumps(meta, sort_keys=True), doc_id)
            )
            changed.append(doc_id)
        self.db.execute(
            "INSERT OR REPLACE INTO properties (key, value) VALUES (?,?)", (store.AGES_KEY, str(ages.READER))
        )
        self.changed = True
        return changed

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
        counts = store.count_rows(self.db, int(self.vectors.ntotal))
        self.db.close()
        if self.vectors.ntotal >= self.approximate_above and not store.is_approximate(self.vectors):
            self.vectors = store.approximate(self.vectors)
        store.write_vectors(self.vectors, self.folder / store.VECTORS_FILE)
        return generations.publish(self.index_dir, self.folder, self.base_generation, self.model, counts)

    def checkpoint(self, keep_generations: int = 2) -> int:
        """Publish what is written so far (all or nothing, like :meth:`finish`) and go on
        writing on a private copy of it; returns the generation published."""
        generation = self.finish()
        generations.tidy(self.index_dir, keep_generations)
        folder = Path(tempfile.mkdtemp(prefix="tmp-", dir=self.index_dir))
        shutil.copyfile(generation_dir(self.index_dir, generation) / store.DB_FILE, folder / store.DB_FILE)
        self.folder, self.base_generation, self.changed = folder, generation, False
        self.db = store.connect_writable(folder / store.DB_FILE)
        self.db.row_factory = sqlite3.Row
        return generation


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
    encoders: Iterable[str] = (),
) -> Iterator[Writer]:
    """The one writer of a library. Changes are published when the block ends without error.

    ``fresh`` starts from an empty library instead of the current one (a rebuild). When another
    process is changing the library, ``on_wait`` is told at once, then the writer waits up to
    ``timeout`` seconds (0: not at all) before :class:`LibraryBusy`. ``encoders`` name what
    makes the vectors added (``Embedder.encoder``); the manifest's ``model.encoders`` lists every
    encoder whose vectors the library holds (torch and onnx-fp32 make the same ones).
    """
    index_dir = Path(index_dir)
    lock = take_lock(index_dir, timeout, on_wait)
    try:
        remove_leftovers(index_dir)
        if fresh:
            base = Library(index_dir, None, {"generation": max([0, *generation_numbers(index_dir)])})
        else:
            base = Library.open(index_dir)
            if base.warning:  # never build on top of damage silently
                raise LibraryCorrupt(base.warning)
            base.check_model(model, dimension)
        folder = Path(tempfile.mkdtemp(prefix="tmp-", dir=index_dir))
        try:
            kept = [] if fresh else base.encoders
            model_info = {"name": model, "dimension": dimension, "encoders": sorted({*kept, *encoders})}
            w = Writer(index_dir, folder, base, model_info, approximate_above)
            base.close()
            try:
                yield w
                if w.changed:
                    w.finish()
                    generations.tidy(index_dir, keep_generations)
                else:
                    w.db.close()
            finally:
                if w.folder != folder:  # a checkpoint's copy (published ones were renamed away)
                    shutil.rmtree(w.folder, ignore_errors=True)
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
