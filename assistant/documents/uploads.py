"""Files uploaded in the browser → safe temporary files ready to ingest.

The name a person gave a file is kept for display, made safe first: no folders, no control
characters, no hidden names. The type is decided by content (:func:`assistant.documents.readers.sniff`),
and the size is checked before anything is written. Nothing is ever written outside the upload
folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from assistant.documents.names import fit_bytes
from assistant.documents.readers import SUFFIXES, sniff
from assistant.errors import IngestError
from assistant.settings import Settings

UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")


def safe_name(name: str) -> str:
    """The last part of an uploaded file's name, without anything a file system would misread."""
    name = unicodedata.normalize("NFC", name or "")
    name = PureWindowsPath(PurePosixPath(name).name).name  # drop folders, whichever separator
    name = UNSAFE.sub("_", name).strip(" .")
    stem, suffix = Path(name).stem[:120], Path(name).suffix.lower()[:10]
    return fit_bytes(f"{stem or 'upload'}{suffix}")  # file systems count bytes: 85 CJK characters are 255


def accept(name: str, data: bytes, folder: Path, settings: Settings) -> tuple[Path, str]:
    """Write an upload into ``folder`` if it is acceptable: (path, the name to show).

    Raises :class:`IngestError` naming the file when it is empty, too large, of a type we do
    not read, or not what its name claims.
    """
    shown = safe_name(name)
    if Path(shown).suffix not in SUFFIXES:
        raise IngestError(shown, "unsupported file type; use PDF, DOCX, Markdown or text")
    if not data:
        raise IngestError(shown, "empty file")
    if len(data) > settings.max_file_mb * 1024 * 1024:
        raise IngestError(
            shown, f"too large ({len(data) / 1048576:.1f} MB; the limit is {settings.max_file_mb} MB)"
        )
    sniff(shown, data[:2048])  # content, not name, decides: raises for an impostor
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / shown
    n = 1
    while path.exists():
        path = folder / f"{Path(shown).stem}-{n}{Path(shown).suffix}"
        n += 1
    if path.resolve().parent != folder.resolve():  # belt and braces: never outside the folder
        raise IngestError(shown, "unsafe file name")
    try:
        path.write_bytes(data)
    except OSError as exc:  # this upload's own failure, never the batch's
        raise IngestError(shown, f"could not be saved for reading ({exc.strerror or exc})") from exc
    return path, shown
