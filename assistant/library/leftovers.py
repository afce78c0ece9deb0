"""What a stopped writer leaves behind, found and removed.

A writer killed (SIGKILL, power cut) or stopped mid-save can leave: its temporary ``tmp-*``
folder, a half-written ``.CURRENT.tmp``, a generation folder it renamed but never published,
generations an interrupted tidy-up did not drop, and copies of original files (``sources/``)
that no kept generation lists. None of them is ever read, so the library stays sound, but they
take disk space. ``python -m assistant check`` lists them; ``check --repair`` removes them,
holding the writer's lock so that a writer at work is never disturbed.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import LibraryBusy, LibraryError
from assistant.library import generations as library
from assistant.library import store
from assistant.library.writer_lock import take_lock


@dataclass(frozen=True)
class Leftover:
    path: Path
    why: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.why}"


def find(index_dir: Path, keep_generations: int = 2) -> list[Leftover]:
    """Everything under ``index_dir`` that no reader or writer will use again. Call it while
    holding the writer's lock (a writer at work has a ``tmp-*`` folder of its own)."""
    index_dir = Path(index_dir)
    found = [
        Leftover(p, "temporary folder of a writer that was stopped") for p in sorted(index_dir.glob("tmp-*"))
    ]
    found += [
        Leftover(p, "half-written file of a writer that was stopped")
        for p in sorted(index_dir.glob(".*.tmp"))
        if p.is_file()
    ]
    current = library.current_generation(index_dir)
    generations = library.generation_numbers(index_dir)
    kept = [g for g in generations if g <= current][: max(keep_generations, 1)]
    for generation in generations:
        folder = library.generation_dir(index_dir, generation)
        if generation > current:
            found.append(Leftover(folder, "a generation that was never published"))
        elif generation not in kept:
            found.append(Leftover(folder, f"an old generation (only {keep_generations} are kept)"))
    found += _orphan_sources(index_dir, kept)
    return found


def _orphan_sources(index_dir: Path, kept: list[int]) -> list[Leftover]:
    sources = index_dir / library.SOURCES
    if not sources.is_dir():
        return []
    wanted: set[str] = set()
    for generation in kept:
        db_path = library.generation_dir(index_dir, generation) / store.DB_FILE
        try:
            db = store.connect_readonly(db_path)
            try:
                wanted |= {
                    row[0] for row in db.execute("SELECT sha256 FROM documents WHERE status='indexed'")
                }
            finally:
                db.close()
        except sqlite3.Error:
            return []  # unsure what is still needed: report none (and remove none)
    found = []
    for folder in sorted(sources.iterdir()):
        if folder.name not in wanted:
            found.append(Leftover(folder, "a copy of an original file that no document lists"))
        elif folder.is_dir():
            found += [
                Leftover(p, "a half-copied original file")
                for p in sorted(folder.glob(".*.tmp"))
            ]  # fmt: skip
    return found


def remove(leftovers: list[Leftover]) -> None:
    for leftover in leftovers:
        if leftover.path.is_dir():
            shutil.rmtree(leftover.path, ignore_errors=True)
        else:
            leftover.path.unlink(missing_ok=True)


def check(
    index_dir: Path,
    keep_generations: int = 2,
    repair: bool = False,
    wait_s: float = 0,
    on_wait: Callable[[str], None] | None = None,
) -> tuple[list[Leftover], str | None]:
    """(leftovers found, a note when they could not be looked for). With ``repair`` they are
    removed, after waiting up to ``wait_s`` for a writer at work; without, a writer at work
    means they are not looked for (its own temporary folder is not a leftover)."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return [], None
    try:
        lock = take_lock(index_dir, wait_s if repair else 0, on_wait if repair else None)
    except LibraryBusy:
        if repair:
            raise
        return [], "another process is changing the library, so leftovers were not looked for"
    except LibraryError as exc:
        if repair:
            raise
        return [], f"leftovers were not looked for: {exc}"
    try:
        found = find(index_dir, keep_generations)
        if repair:
            remove(found)
        return found, None
    finally:
        lock.release()
