"""Scanned pages in the reading flow: read ahead of the library lock, filled into a PDF's pages,
reported when unreliable, and marked on the passages cut from them.

A page is read by OCR when its text layer has fewer than ``min_chars_per_page`` letters; a page
with a text layer keeps it (pictures inside text pages are not read). A page whose OCR confidence
is below ``ocr_min_confidence`` is reported ("pages 4-5 could not be read reliably by OCR") and its
OCR text is not indexed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from assistant.documents import ocr
from assistant.records import Passage
from assistant.settings import Settings

READ_AHEAD_PAGES = 2000  # most pages held from the read-ahead at once; the rest are read in turn
_ahead: ContextVar[dict[tuple[str, int], ocr.PageOcr] | None] = ContextVar("ocr_ahead", default=None)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


@contextmanager
def read_ahead(
    files: list[Path],
    settings: Settings,
    known: Callable[[], set[str]],
    note: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """OCR the pages of ``files`` that will need it before the caller locks the library, so that
    the library is not held while Tesseract works; files whose content hash is in ``known()``
    (already indexed; asked only when there are PDFs) are skipped. The results are used by
    :func:`read_scanned` inside the block."""
    hashes: dict[Path, str] = {}
    for path in files if ocr.enabled(settings) else []:
        try:
            with path.open("rb") as handle:
                if b"%PDF-" in handle.read(1024):
                    hashes[path] = _sha256(path)
        except OSError:
            continue  # reported when the file is read in turn
    indexed = known() if hashes else set()
    pdfs = [path for path, sha in hashes.items() if sha not in indexed]
    jobs: list[tuple[Path, int]] = []
    for path, bare in ocr.survey_all(pdfs, settings).items():
        jobs += [(path, n) for n in bare[: settings.ocr_max_pages][: max(0, READ_AHEAD_PAGES - len(jobs))]]
    if note and jobs:
        note(f"reading {len(jobs)} scanned pages by OCR")
    results = ocr.read_pages(jobs, settings)
    token = _ahead.set({(hashes[path], n): page for (path, n), page in results.items()})
    try:
        yield
    finally:
        _ahead.reset(token)


def read_scanned(path: Path, result: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The PDF reader's ``result`` with its pages that have no text layer read by OCR.

    Adds ``ocr`` (page number → confidence of the pages read), ``ocr_warnings`` (kept apart from
    the reader's own, which are counted for damaged pages) and ``ocr_note`` (why pages were not
    read), and lowers ``scanned_pages`` by the pages read.
    """
    pages: list[str] = list(result["pages"])
    bare = [n for n, text in enumerate(pages, start=1) if _letters(text) < settings.min_chars_per_page]
    result = {**result, "ocr": {}, "ocr_warnings": []}
    if not bare:
        return result
    if not ocr.enabled(settings):
        if result.get("scanned_pages") and _letters("".join(pages)) >= settings.min_chars_per_page:
            n = result["scanned_pages"]
            pages_were = f"{n} page{'s were' if n > 1 else ' was'}"
            result["ocr_warnings"].append(
                f"{pages_were} without a text layer, not read ({why_not(settings)})"
            )
        return result
    over, bare = bare[settings.ocr_max_pages :], bare[: settings.ocr_max_pages]
    ahead = _ahead.get() or {}
    sha = _sha256(path) if ahead else ""
    found = {n: ahead[(sha, n)] for n in bare if (sha, n) in ahead}
    fresh = ocr.read_pages([(path, n) for n in bare if n not in found], settings)
    found.update({n: page for (_, n), page in fresh.items()})
    unsure: dict[int, float] = {}
    pictures: list[int] = []
    failed: dict[str, list[int]] = {}
    for n in bare:
        page = found[n]
        if page.outcome == "read":
            pages[n - 1] = page.text
            result["ocr"][n] = round(page.confidence, 1)
        elif page.outcome == "unreliable" and page.reason.startswith("confidence"):
            unsure[n] = page.confidence
        elif page.outcome == "unreliable":
            pictures.append(n)
        elif page.outcome == "failed":
            failed.setdefault(page.reason, []).append(n)
    if read := result["ocr"]:
        result["ocr_warnings"].append(f"{ocr.page_ranges(read)} read by OCR (confidence {_span(read)})")
    notes = []
    if unsure:
        confidence = _span(unsure)
        notes.append(f"{ocr.page_ranges(unsure)} could not be read reliably by OCR (confidence {confidence})")
    notes += [f"{ocr.page_ranges(ns)} could not be read by OCR ({why})" for why, ns in failed.items()]
    if over:
        limit = settings.ocr_max_pages
        notes.append(f"{ocr.page_ranges(over)} were not read by OCR (over {limit} pages a file)")
    result["ocr_warnings"] += [f"{note}; not indexed" for note in notes]
    if pictures:
        shows = "shows" if len(pictures) == 1 else "show"
        notes.append(f"{ocr.page_ranges(pictures)} {shows} no text that OCR could find (a picture?)")
        result["ocr_warnings"].append(notes[-1])
    result["ocr_note"] = "; ".join(notes)
    result["pages"] = pages
    result["scanned_pages"] = max(0, int(result.get("scanned_pages", 0)) - len(read))
    return result


def _span(confidences: dict[int, float]) -> str:
    low, high = min(confidences.values()), max(confidences.values())
    return f"{low:.0f}%" if round(low) == round(high) else f"{low:.0f}-{high:.0f}%"


def why_not(settings: Settings) -> str:
    """Why OCR did not run: turned off, or not installed (and how to install it)."""
    if settings.ocr != "on":
        return "OCR is turned off; ASSISTANT_OCR=on reads them"
    return ocr.missing() or "OCR found no text"


def no_text_layer(settings: Settings, result: dict[str, Any]) -> str:
    """The reason a PDF without a text layer is not indexed, saying what OCR did or why not."""
    if ocr.enabled(settings):
        found = result.get("ocr_note") or "it found no text"
        return f"no text layer, and OCR could not read it: {found}; not indexed"
    return f"no text layer (probably scanned; {why_not(settings)}); not indexed"


def mark(passages: list[Passage], confidences: dict[int, float]) -> list[Passage]:
    """Passages cut from pages read by OCR carry the lowest confidence of those pages."""
    if not confidences:
        return passages
    marked = []
    for p in passages:
        first = p.page_start
        last = p.page_end if p.page_end is not None else first
        spanned = [confidences[n] for n in range(first, last + 1) if n in confidences] if first else []
        marked.append(dataclasses.replace(p, ocr_confidence=min(spanned)) if spanned else p)
    return marked
