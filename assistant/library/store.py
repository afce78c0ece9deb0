"""Low-level files of one library generation: the SQLite schema, the FAISS file, the manifest.

A generation is a folder (``gen-000012``) that is never changed once published. It holds
``library.sqlite`` (documents, passages, FTS5 keyword index, learning-theme tags and the
taxonomy they were made with), ``vectors.faiss`` (one vector per
passage, keyed by passage id) and ``manifest.json`` (schema, model, versions, counts, checksums).
:mod:`assistant.library.generations` decides which generation is current and how a new one is published.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from assistant.errors import LibraryCorrupt, LibraryError, LibraryOutdated

# 2: learning-theme tags; 3: documents.meta (field sources, age groups, edits) and OCR marks
# (passages.ocr_confidence, documents.ocr_pages); 4: passages.text_sha256, so a vector is reused
# for the same text. From schema 3 on, each step is a numbered migration
# (:mod:`assistant.library.migrations`) that keeps the vectors.
SCHEMA_VERSION = 4
# Bump when reading, cleaning or cutting changes what a file becomes: documents cut by an older
# pipeline are read again on the next ingest even though the file is unchanged.
# 4: metadata read from the text (assistant.documents.doc_metadata); scanned pages by OCR
# 5: a blank line always ends a sentence ("a) ... etc.\n\nb) ..."); a line of
#    a medical cause of death ("Ia Multiple injuries") is not a section heading
PIPELINE_VERSION = 5
DB_FILE = "library.sqlite"
VECTORS_FILE = "vectors.faiss"
MANIFEST_FILE = "manifest.json"

SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
    error TEXT,
    pages INTEGER,
    subject TEXT NOT NULL DEFAULT '',
    partnership TEXT NOT NULL DEFAULT '',
    partnership_short TEXT NOT NULL DEFAULT '',
    review_type TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    pipeline INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',  -- JSON: field_sources, age_groups, url, case, reference, edited
    ocr_pages INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX documents_sha ON documents(sha256);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    section TEXT NOT NULL,
    recommendation INTEGER,
    page_start INTEGER,
    page_end INTEGER,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    agencies TEXT NOT NULL DEFAULT '',
    ocr_confidence REAL,
    text_sha256 TEXT NOT NULL DEFAULT ''  -- of text: the vector of the same text is reused
);
CREATE INDEX passages_doc ON passages(doc_id, seq);
CREATE INDEX passages_text_sha ON passages(text_sha256);
CREATE VIRTUAL TABLE passages_fts USING fts5(text, section, title, tokenize='porter unicode61');
CREATE TABLE themes (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    label TEXT NOT NULL,
    description TEXT NOT NULL
);
CREATE TABLE passage_themes (
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    theme TEXT NOT NULL REFERENCES themes(id),
    score REAL NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (passage_id, theme)
) WITHOUT ROWID;
CREATE INDEX passage_themes_theme ON passage_themes(theme, passage_id);
CREATE TABLE properties (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
TAGGER_KEY = "tagger"  # in properties: the themes file and rule the tags were made with
AGES_KEY = "ages_reader"  # in properties: the reading of ages the documents' age groups came from


def versions() -> dict[str, str]:
    found = {"sqlite": sqlite3.sqlite_version, "faiss": faiss.__version__}
    for package in ("assistant", "sentence-transformers", "pypdf", "numpy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "unknown"
    return found


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_sha256(text: str) -> str:
    """The content hash of a passage's text, by which its vector is found again."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_db(path: Path) -> sqlite3.Connection:
    db = connect_writable(path)
    db.executescript(SCHEMA)
    return db


def connect_writable(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")  # the generation swap is the transaction
    db.execute("PRAGMA synchronous=OFF")  # files are fsynced once, before publishing
    db.execute("PRAGMA foreign_keys=ON")
    return db


def connect_readonly(path: Path) -> sqlite3.Connection:
    uri = f"file:{path.resolve()}?mode=ro&immutable=1"
    db = sqlite3.connect(uri, uri=True, check_same_thread=False)
    db.row_factory = sqlite3.Row
    return db


NPROBE = 32  # lists an approximate index visits per query


def new_vectors(dimension: int) -> faiss.IndexIDMap2:
    """An exact index: every query is compared with every vector."""
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))


def is_approximate(index: Any) -> bool:
    return isinstance(index, faiss.IndexIVF)


def all_vectors(index: Any) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of every vector held."""
    ids = vector_ids(index)
    vectors = np.vstack([index.reconstruct(int(i)) for i in ids]) if len(ids) else np.zeros((0, index.d))
    return ids, vectors.astype(np.float32)


def approximate(index: Any) -> Any:
    """The same vectors in an inverted-file index (IVF): approximate, fast at large sizes.

    Its lists are trained on the vectors it starts with; vectors added later join the nearest
    list. Removal and reconstruction by id still work (a hash-table direct map).
    """
    ids, vectors = all_vectors(index)
    nlist = max(1, min(int(np.sqrt(len(ids))), len(ids) // 39))  # sqrt(n) lists, 39+ points each
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(index.d), index.d, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors)
    direct_map = faiss.DirectMap.Hashtable  # type: ignore[attr-defined]  # not in faiss's stubs
    ivf.set_direct_map_type(direct_map)
    ivf.add_with_ids(vectors, ids)
    ivf.nprobe = NPROBE
    return ivf


def search_parameters(index: Any, allowed: np.ndarray | None) -> Any:
    selector = faiss.IDSelectorBatch(allowed) if allowed is not None else None
    if is_approximate(index):
        # faiss's stubs give these SWIG classes no keyword constructor; its wrappers accept one
        return faiss.SearchParametersIVF(sel=selector, nprobe=NPROBE)  # type: ignore[call-arg]
    return faiss.SearchParameters(sel=selector) if selector is not None else None  # type: ignore[call-arg]


def read_vectors(path: Path) -> Any:
    try:
        index: Any = faiss.read_index(str(path))  # flat or IVF: the stubs say only Index
        if is_approximate(index):
            index.nprobe = NPROBE
        return index
    except RuntimeError as exc:
        raise LibraryCorrupt(f"{path.name} cannot be read ({str(exc).splitlines()[0]})") from exc


def write_vectors(index: Any, path: Path) -> None:
    """FAISS's own format, written by Python so that a full disk is an OSError with its errno."""
    path.write_bytes(faiss.serialize_index(index).tobytes())


def vector_ids(index: Any) -> np.ndarray:
    if index.ntotal == 0:
        return np.zeros(0, dtype=np.int64)
    if is_approximate(index):
        lists = index.invlists
        parts = [
            faiss.rev_swig_ptr(lists.get_ids(n), lists.list_size(n)).copy()
            for n in range(index.nlist)
            if lists.list_size(n)
        ]
        return np.concatenate(parts).astype(np.int64)
    return faiss.vector_to_array(index.id_map).astype(np.int64)


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def count_rows(db: sqlite3.Connection, vectors: int) -> dict[str, int]:
    """The counts a manifest records, of a generation's database and its number of vectors."""

    def one(sql: str) -> int:
        return int(db.execute(sql).fetchone()[0])

    return {
        "documents": one("SELECT count(*) FROM documents WHERE status='indexed'"),
        "failed": one("SELECT count(*) FROM documents WHERE status='failed'"),
        "passages": one("SELECT count(*) FROM passages"),
        "vectors": vectors,
    }


def write_manifest(folder: Path, generation: int, model: dict[str, Any], counts: dict[str, int]) -> str:
    """Write the manifest of a finished generation; returns its own checksum."""
    files = {
        name: {"sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size}
        for name in (DB_FILE, VECTORS_FILE)
    }
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "generation": generation,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": model,
        "versions": versions(),
        "counts": counts,
        "files": files,
    }
    path = folder / MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return sha256_file(path)


def load_manifest(folder: Path, expected_sha256: str | None) -> dict[str, Any]:
    """The manifest of a generation whatever its schema (for migrations); checked against its checksum."""
    path = folder / MANIFEST_FILE
    try:
        if expected_sha256 and sha256_file(path) != expected_sha256:
            raise LibraryCorrupt(f"{folder.name}/{MANIFEST_FILE} does not match its checksum")
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LibraryCorrupt(f"{folder.name}/{MANIFEST_FILE} cannot be read ({exc})") from exc
    return manifest


def read_manifest(folder: Path, expected_sha256: str | None) -> dict[str, Any]:
    """The manifest of a generation this version can read; another schema is refused."""
    manifest = load_manifest(folder, expected_sha256)
    schema = manifest.get("schema_version")
    if isinstance(schema, int) and schema > SCHEMA_VERSION:
        raise LibraryError(
            f"The library at {folder.parent} was written by a newer version of the assistant "
            f"(library schema {schema}; this version reads schema {SCHEMA_VERSION}): upgrade the assistant."
        )
    if schema != SCHEMA_VERSION:
        raise LibraryOutdated(
            f"The library at {folder.parent} was written with library schema "
            f"{schema}; this version of the assistant reads schema {SCHEMA_VERSION}.",
            schema if isinstance(schema, int) else None,
        )
    return manifest


def verify_files(folder: Path, manifest: dict[str, Any]) -> None:
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.exists():
            raise LibraryCorrupt(f"{folder.name}/{name} is missing")
        if path.stat().st_size != expected["bytes"] or sha256_file(path) != expected["sha256"]:
            raise LibraryCorrupt(f"{folder.name}/{name} does not match its checksum (damaged)")
