"""Where packs are kept: one JSON file per pack in a folder beside the library.

The folder is outside the library's generations, so packs survive a reload, a restart, a
`rebuild` and every new generation. Each signed-in user has a folder of their own (named by a
hash of their account, never by what they typed); the site's own store is ``site/``. A pack's
file name is a hash of its name, so a name can hold any characters and never reaches a path.
Writes go to a temporary file that is synced and then renamed over the old one, under a lock.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.errors import PackError
from assistant.trainers.pack_files import from_json, to_json
from assistant.trainers.packs import Pack, clean_name, now

MAX_PACKS = 200  # in one store
LOCK_TIMEOUT_S = 10


def store_folder(root: Path, user: str | None) -> Path:
    """The folder of a user's packs (``users/<hash>``), or of the site's (``site``) for None."""
    if user is None:
        return Path(root) / "site"
    digest = hashlib.sha256(user.strip().casefold().encode("utf-8")).hexdigest()[:32]
    return Path(root) / "users" / digest


class PackStore:
    """The packs of one user (or of the site)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        digest = hashlib.sha256(clean_name(name).casefold().encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def _lock(self) -> FileLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.folder / ".lock"), timeout=LOCK_TIMEOUT_S)

    # -- reading ------------------------------------------------------------------------------

    def packs(self) -> list[Pack]:
        """Every readable pack, most recently changed first. A damaged file is left out here and
        named by :meth:`problems`."""
        found = []
        for path in self._files():
            try:
                found.append(from_json(path.read_bytes(), path.name))
            except (PackError, OSError):
                continue
        return sorted(found, key=lambda p: p.updated, reverse=True)

    def problems(self) -> list[str]:
        problems = []
        for path in self._files():
            try:
                from_json(path.read_bytes(), path.name)
            except (PackError, OSError) as exc:
                problems.append(str(exc))
        return problems

    def _files(self) -> list[Path]:
        return sorted(self.folder.glob("*.json"))[: MAX_PACKS * 2] if self.folder.is_dir() else []

    def names(self) -> list[str]:
        return [p.name for p in self.packs()]

    def get(self, name: str) -> Pack:
        path = self._path(name)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise PackError(f"no pack named {clean_name(name)!r}") from None
        except OSError as exc:
            raise PackError(f"the pack {name!r} cannot be read ({exc.strerror})") from exc
        return from_json(raw, f"pack {clean_name(name)!r}")

    def _taken(self, name: str) -> str:
        """The name, as it was written, of the pack that ``name`` would clash with."""
        try:
            return self.get(name).name
        except PackError:
            return clean_name(name)

    def exists(self, name: str) -> bool:
        return self._path(name).exists()

    # -- writing ------------------------------------------------------------------------------

    def save(self, pack: Pack) -> Pack:
        """Write ``pack`` (a new one or a new state of one) and return it as written."""
        pack = replace(pack, name=clean_name(pack.name), updated=now())
        with self._locked():
            path = self._path(pack.name)
            if not path.exists() and len(self._files()) >= MAX_PACKS:
                raise PackError(f"there are already {MAX_PACKS} packs here: delete one first")
            self._write(path, to_json(pack))
        return pack

    def create(self, pack: Pack) -> Pack:
        """Save a new pack; PackError if the name is taken."""
        if self.exists(pack.name):
            raise PackError(f"there is already a pack named {self._taken(pack.name)!r}")
        return self.save(pack)

    def rename(self, old: str, new: str) -> Pack:
        pack = self.get(old)
        new = clean_name(new)
        if new.casefold() != clean_name(old).casefold() and self.exists(new):
            raise PackError(f"there is already a pack named {self._taken(new)!r}")
        with self._locked():
            renamed = replace(pack, name=new, updated=now())
            self._write(self._path(new), to_json(renamed))
            if self._path(old) != self._path(new):
                self._path(old).unlink(missing_ok=True)
        return renamed

    def delete(self, name: str) -> None:
        with self._locked():
            path = self._path(name)
            if not path.exists():
                raise PackError(f"no pack named {clean_name(name)!r}")
            path.unlink()

    def free_name(self, wanted: str) -> str:
        """``wanted``, or ``wanted (2)``, ``(3)``... : the first name not in use."""
        wanted = clean_name(wanted)[:100]
        name, n = wanted, 1
        while self.exists(name):
            n += 1
            name = f"{wanted} ({n})"
        return name

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            with self._lock():
                yield
        except Timeout as exc:
            raise PackError("the packs are being saved by another window; try again") from exc

    def _write(self, path: Path, content: str) -> None:
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(content)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError as exc:
            raise PackError(f"the pack could not be saved ({exc.strerror}); nothing was changed") from exc
