"""Read one PDF in a child process, under time and memory limits, and print JSON.

``python -m assistant.documents.pdf_worker FILE [MIN_LETTERS [MAX_CHARS]]`` prints ``{"pages": [...],
"warnings": [...], "title": ..., "scanned_pages": n}`` on success, where ``scanned_pages`` counts the
pages with fewer than MIN_LETTERS letters that show an image, or ``{"error": "reason"}`` when the file
cannot be read. The parent (:func:`assistant.documents.readers.read_pdf`, through
:mod:`assistant.documents.limits`) sets the time and memory limits, so a hostile file can hang or bloat
only this process; reading stops as soon as the text passes MAX_CHARS. Nothing here imports the rest of
the package."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

MAX_WARNINGS = 5
NO_LIMIT = 10**12
MEMORY_SIGNS = ("failed to map segment", "Cannot allocate memory")
NEED_MORE_MEMORY = "needed more memory than the limit allows"


class _Warnings(logging.Handler):
    """Keep the first few distinct pypdf warnings; some files log thousands."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []
        self.dropped = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0][:200]
        if message in self.seen:
            return
        if len(self.seen) < MAX_WARNINGS:
            self.seen.append(message)
        else:
            self.dropped += 1


def out_of_memory(exc: BaseException) -> bool:
    """Whether this error means the memory limit was reached (a lazy import that could not be mapped
    into memory fails with an ImportError or OSError naming it)."""
    if isinstance(exc, MemoryError):
        return True
    return isinstance(exc, (ImportError, OSError)) and any(sign in str(exc) for sign in MEMORY_SIGNS)


def too_much_text(limit: int) -> str:
    """The same words as :func:`assistant.errors.too_much_text`."""
    return f"too much text (over {limit:,} characters; the limit is max_chars_per_file)"


def read(path: str, min_letters: int = 25, max_chars: int = NO_LIMIT) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    log = logging.getLogger("pypdf")
    log.propagate = False
    handler = _Warnings()
    log.addHandler(handler)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except DependencyError as exc:
                return {"error": f"encrypted with a method this installation cannot open ({exc})"}
            if not unlocked:
                return {"error": "password-protected; not indexed"}
        pages: list[str] = []
        scanned = 0
        chars = 0
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append(page.extract_text() or "")
            except (FileNotDecryptedError, DependencyError):
                return {"error": "password-protected; not indexed"}
            except MemoryError:
                raise
            except Exception as exc:  # one bad page should not lose the others
                if out_of_memory(exc):
                    raise MemoryError from exc
                handler.seen.append(f"page {number} could not be read ({type(exc).__name__})")
                pages.append("")
            chars += len(pages[-1])
            if chars > max_chars:  # a few bytes can draw megabytes of text
                return {"error": too_much_text(max_chars)}
            if sum(ch.isalnum() for ch in pages[-1]) < min_letters:
                scanned += _shows_image(page)
        warnings = list(handler.seen)
        title = _title(reader)
        if getattr(reader, "attachments", None):
            warnings.append("has embedded files; they were not opened")
    except FileNotDecryptedError:
        return {"error": "password-protected; not indexed"}
    except PdfReadError as exc:
        return {"error": f"corrupt PDF ({str(exc)[:160]})"}
    except MemoryError:
        return {"error": NEED_MORE_MEMORY}
    except RecursionError:
        return {"error": "corrupt PDF (structure nested too deeply)"}
    except Exception as exc:  # pypdf raises many kinds on damaged files
        if out_of_memory(exc):
            return {"error": NEED_MORE_MEMORY}
        return {"error": f"corrupt PDF ({type(exc).__name__}: {str(exc)[:160]})"}
    if handler.dropped:
        warnings.append(f"{handler.dropped} further reader warnings not shown")
    return {"pages": pages, "warnings": warnings, "title": title, "scanned_pages": scanned}


def _shows_image(page: Any) -> bool:
    """Whether a page draws a picture; asked only of pages with little text, as it is slow."""
    try:
        return len(page.images) > 0
    except MemoryError:
        raise
    except Exception:
        return False


def _title(reader: Any) -> str:
    """The document title from the PDF's metadata, unless it is a producer's placeholder."""
    try:
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except Exception:
        return ""
    title = " ".join("".join(ch if ch.isprintable() else " " for ch in title).split())
    for prefix in ("Microsoft Word - ", "Microsoft PowerPoint - "):
        title = title.removeprefix(prefix)
    if title.lower().endswith((".doc", ".docx", ".pdf")) or title.lower() in {"untitled", "title"}:
        return ""
    return title[:200]


def run(argv: list[str]) -> dict[str, Any]:
    """The reading for these command-line arguments (``FILE [MIN_LETTERS [MAX_CHARS]]``)."""
    return read(argv[0], *map(int, argv[1:3]))


def main() -> None:
    sys.stdout.write(json.dumps(run(sys.argv[1:])))


if __name__ == "__main__":
    main()
