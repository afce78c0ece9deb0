"""Numbered schema migrations: an older library is upgraded with its vectors kept, not re-embedded.

Each step is a module ``mNNN_<what>.py`` whose ``upgrade(db)`` moves a generation's database from
schema NNN-1 to NNN (a new column or table, filled from what is already stored). :func:`migrate`
copies the current generation into a private folder, runs every step the library lacks there
and publishes the result as a new generation, the vectors file copied byte for byte. The current
generation is never changed in place: a step that fails leaves it current and readable.

A library older than the first step (schemas 1 and 2, before the documents' metadata) cannot
be migrated: its passages were cut by an older pipeline, so it is rebuilt from its kept originals.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import LibraryCorrupt, LibraryError, LibraryOutdated
from assistant.library import generations, store
from assistant.library.generations import generation_dir, read_current, rebuild_hint
from assistant.library.migrations import m004_text_sha256
from assistant.library.writer_lock import take_lock

Step = Callable[[sqlite3.Connection], None]
STEPS: dict[int, Step] = {m004_text_sha256.SCHEMA: m004_text_sha256.upgrade}  # schema reached → step
OLDEST = min(STEPS) - 1  # the oldest schema the steps start from


@dataclass(frozen=True)
class Migration:
    """What :func:`migrate` did: from which schema and generation to which (equal: nothing)."""

    from_schema: int | None  # None: there is no library yet
    to_schema: int
    from_generation: int
    to_generation: int
    passages: int = 0  # passages carried over, each with its stored vector

    @property
    def changed(self) -> bool:
        return self.to_generation != self.from_generation


def can_migrate(schema: int | None) -> bool:
    return schema is not None and OLDEST <= schema < store.SCHEMA_VERSION


def hint(index_dir: Path, schema: int | None) -> str:
    """What to run for a library of an older ``schema``: ``migrate`` when the steps reach it."""
    if can_migrate(schema):
        return f"Upgrade it, keeping its vectors, with: python -m assistant migrate --index {index_dir}"
    return rebuild_hint(index_dir)


def migrate(
    index_dir: Path,
    keep_generations: int = 2,
    timeout: float = 600,
    on_wait: Callable[[str], None] | None = None,
) -> Migration:
    """Bring the library at ``index_dir`` to the current schema as a new generation.

    A library already current (or none at all) is left alone. One too old for the steps raises
    :class:`LibraryOutdated` naming ``rebuild``; a newer one, :class:`LibraryError`.
    """
    index_dir = Path(index_dir)
    lock = take_lock(index_dir, timeout, on_wait)
    try:
        generations.remove_leftovers(index_dir)
        pointer = read_current(index_dir)
        if pointer is None:
            return Migration(None, store.SCHEMA_VERSION, 0, 0)
        before = pointer["generation"]
        old = generation_dir(index_dir, before)
        manifest = store.load_manifest(old, pointer["manifest_sha256"])
        schema = manifest.get("schema_version")
        if schema == store.SCHEMA_VERSION:
            return Migration(schema, schema, before, before, manifest["counts"]["passages"])
        if isinstance(schema, int) and schema > store.SCHEMA_VERSION:
            store.read_manifest(old, None)  # raises, asking for a newer assistant
        if not isinstance(schema, int) or not can_migrate(schema):
            raise LibraryOutdated(
                f"The library at {index_dir} was written with library schema {schema}, older than "
                f"this version can migrate (schema {OLDEST} on). {rebuild_hint(index_dir)}",
                schema if isinstance(schema, int) else None,
            )
        store.verify_files(old, manifest)  # never carry damage into a new generation
        after = _upgrade_copy(index_dir, old, schema, manifest)
        generations.tidy(index_dir, keep_generations)
        return Migration(schema, store.SCHEMA_VERSION, before, after, manifest["counts"]["passages"])
    finally:
        lock.release()


def _upgrade_copy(index_dir: Path, old: Path, schema: int, manifest: dict[str, Any]) -> int:
    """Run the steps after ``schema`` on a private copy of ``old`` and publish it; its number."""
    folder = Path(tempfile.mkdtemp(prefix="tmp-", dir=index_dir))
    try:
        shutil.copyfile(old / store.DB_FILE, folder / store.DB_FILE)
        shutil.copyfile(old / store.VECTORS_FILE, folder / store.VECTORS_FILE)  # vectors as they are
        db = store.connect_writable(folder / store.DB_FILE)
        try:
            for target in range(schema + 1, store.SCHEMA_VERSION + 1):
                STEPS[target](db)
            counts = store.count_rows(db, int(store.read_vectors(folder / store.VECTORS_FILE).ntotal))
        finally:
            db.close()
        if any(counts.get(key) != n for key, n in manifest["counts"].items()):
            raise LibraryCorrupt(f"{old.name}: the migrated copy holds {counts}, not {manifest['counts']}")
        return generations.publish(index_dir, folder, manifest["generation"], manifest["model"], counts)
    except (OSError, sqlite3.Error) as exc:
        raise LibraryError(
            f"The library at {index_dir} could not be migrated from schema {schema} ({exc}). "
            "Nothing was changed: the current generation is still in use."
        ) from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
