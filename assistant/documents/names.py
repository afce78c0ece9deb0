"""Names that come from outside (file names, upload names) → names that are safe to store, show
and use as ids.

- :func:`printable`: bytes that are not UTF-8 become U+FFFD and control characters (ANSI escape
  sequences included) become ``?``, so a name can never drive a terminal.
- :func:`fit_bytes`: a name shortened to a number of UTF-8 bytes (file systems count bytes, not
  characters: 85 CJK characters are 255 bytes), its suffix kept.
- :class:`DocIds`: document ids that are unique by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

# C0 and C1 controls, DEL, and the bidirectional overrides that can reorder what a terminal shows.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NAME_BYTES = 200  # longest stored file name, in UTF-8 bytes: room for suffixes and temporary names


def printable(name: str) -> str:
    """A name that can be shown and stored: not-UTF-8 bytes (kept by Python as lone surrogates)
    become U+FFFD, control characters ``?``."""
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return CONTROL.sub("?", name)


def fit_bytes(name: str, limit: int = NAME_BYTES) -> str:
    """``name`` cut to at most ``limit`` UTF-8 bytes, never inside a character, suffix kept."""
    if len(name.encode("utf-8")) <= limit:
        return name
    suffix = Path(name).suffix
    if len(suffix.encode("utf-8")) > 16:
        suffix = ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    room = limit - len(suffix.encode("utf-8"))
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
    return stem + suffix


class DocIds:
    """Gives each file of a batch a document id no other document has.

    A file keeps the readable id of its name (``child-j-response``) when that id is free, or
    when the library holds it for a file of the same name (a new version of that file, which
    replaces it). Otherwise, for a different file whose name gives the same id
    (``kent/response.md`` and ``herts/response.md``), the id gets the start of the content hash:
    ``response-3fa2c1d0``. Ids given earlier in the same batch count as taken.
    """

    def __init__(self, source_of: Callable[[str], str | None]):
        self.source_of = source_of  # doc id → file name the library holds under it, or None
        self.given: dict[str, str] = {}  # doc id → file name, in this batch

    def assign(self, base: str, name: str, sha256: str) -> str:
        candidates = [base, f"{base}-{sha256[:8]}", f"{base}-{sha256[:16]}"]
        n = 2
        while True:
            candidate = candidates.pop(0) if candidates else f"{base}-{sha256[:16]}-{n}"
            n += 0 if candidates else 1
            if candidate not in self.given:
                held = self.source_of(candidate)
                if held is None or (held == name and candidate == base):
                    self.given[candidate] = name
                    return candidate
