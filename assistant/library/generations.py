"""The durable library: which generation is current, reading it, and publishing a new one.

Layout of an index folder::

    CURRENT          {"generation": 12, "manifest_sha256": "..."}, replaced atomically
    gen-000012/      the current generation (see assistant.library.store), never changed once published
    gen-000011/      the one before, kept as the last good state
    sources/         the original files, by content hash, for rebuilds and "show the PDF"
    .lock            held by the one writer

A writer copies the current generation into a temporary folder, changes the copy, fsyncs it,
renames it to ``gen-N`` and only then points ``CURRENT`` at it. A crash at any moment leaves
``CURRENT`` naming a complete generation; readers open a generation read-only and never see a
half-written state.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from assistant.errors import LibraryCorrupt
from assistant.library import store

CURRENT = "CURRENT"
SOURCES = "sources"


def rebuild_hint(index_dir: Path) -> str:
    return f"Rebuild it with: python -m assistant rebuild --index {index_dir}"


def generation_dir(index_dir: Path, generation: int) -> Path:
    return index_dir / f"gen-{generation:06d}"


def read_current(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / CURRENT
    if not path.exists():
        return None
    try:
        pointer = json.loads(path.read_text(encoding="utf-8"))
        return {"generation": int(pointer["generation"]), "manifest_sha256": str(pointer["manifest_sha256"])}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LibraryCorrupt(f"{path} is damaged ({exc}). {rebuild_hint(index_dir)}") from exc


def generation_numbers(index_dir: Path) -> list[int]:
    found = []
    for path in index_dir.glob("gen-*"):
        suffix = path.name[4:]
        if suffix.isdigit():
            found.append(int(suffix))
    return sorted(found, reverse=True)


def indexed_files(index_dir: Path) -> list[tuple[str, str]] | None:
    """(sha256, file name) of the documents the current generation lists as indexed, read from
    its database alone: usable when the library cannot be opened (an older schema). None when
    even that cannot be read."""
    try:
        pointer = read_current(Path(index_dir))
        if pointer is None:
            return None
        db = store.connect_readonly(generation_dir(Path(index_dir), pointer["generation"]) / store.DB_FILE)
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
    pointer = read_current(Path(index_dir))
    return pointer["generation"] if pointer else 0


def write_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    store.fsync_path(path.parent)


def publish(index_dir: Path, folder: Path, after: int, model: dict[str, Any], counts: dict[str, int]) -> int:
    """Seal a finished private folder (its database and vectors written) as the next generation
    and point ``CURRENT`` at it; returns its number. Until the last step the current generation
    is untouched, so a failure anywhere leaves the library as it was."""
    generation = max([after, *generation_numbers(index_dir)]) + 1
    manifest_sha = store.write_manifest(folder, generation, model, counts)
    for name in (store.DB_FILE, store.VECTORS_FILE, store.MANIFEST_FILE):
        store.fsync_path(folder / name)
    os.rename(folder, generation_dir(index_dir, generation))
    store.fsync_path(index_dir)
    pointer = {"generation": generation, "manifest_sha256": manifest_sha}
    write_atomic(index_dir / CURRENT, json.dumps(pointer) + "\n")
    return generation


def remove_leftovers(index_dir: Path) -> None:
    """Temporary folders left by a writer that was killed."""
    for path in index_dir.glob("tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def tidy(index_dir: Path, keep: int) -> None:
    """Drop old generations and the source files no kept generation refers to."""
    generations = generation_numbers(index_dir)
    for generation in generations[max(keep, 1) :]:
        shutil.rmtree(generation_dir(index_dir, generation), ignore_errors=True)
    wanted: set[str] = set()
    for generation in generations[: max(keep, 1)]:
        db_path = generation_dir(index_dir, generation) / store.DB_FILE
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
