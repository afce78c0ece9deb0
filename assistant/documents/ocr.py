"""Pages without a text layer → text, by Tesseract OCR in limited child processes.

Each page is read by its own child (:mod:`assistant.documents.ocr_worker`) with its own time budget
(``ocr_page_timeout_s``) and memory limit (``ocr_memory_mb``), so a 60-page scanned review is
not cut off by a limit made for reading text PDFs; pages run in parallel, one per core
(``ocr_workers``). Tesseract comes from Debian (``tesseract-ocr``, ``tesseract-ocr-eng``,
``tesseract-ocr-osd``); when it is missing, :func:`missing` says how to install it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.documents import stopping
from assistant.settings import Settings

PACKAGES = "tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd"
INSTALL = f"scripts/install-ocr, or: sudo apt-get install {PACKAGES}"
LANGUAGES = ("eng", "osd")
Outcome = Literal["read", "blank", "unreliable", "failed"]
ROOT = Path(__file__).resolve().parents[2]  # the folder holding the assistant package


@dataclass(frozen=True)
class PageOcr:
    """What OCR made of one page."""

    number: int
    outcome: Outcome  # read: sound text; blank: nothing on the page; unreliable/failed: not used
    text: str = ""
    confidence: float = 0.0  # Tesseract's mean word confidence, 0-100, weighted by letters
    reason: str = ""  # why a page was not read (unreliable or failed)


_checked: dict[str, str | None] = {}


def missing() -> str | None:
    """None when Tesseract and its English and orientation data are installed; otherwise what
    is missing and how to install it."""
    key = os.environ.get("PATH", "")
    if key not in _checked:
        _checked[key] = _missing()
    return _checked[key]


def _missing() -> str | None:
    program = shutil.which("tesseract")
    if program is None:
        return f"OCR is not installed (no tesseract program); to read scanned pages run {INSTALL}"
    try:
        listed = subprocess.run([program, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"OCR cannot run ({exc}); to read scanned pages run {INSTALL}"
    langs = set(listed.stdout.decode("utf-8", "replace").split())
    absent = [lang for lang in LANGUAGES if lang not in langs]
    if absent:
        return f"OCR has no {' or '.join(absent)} language data; to read scanned pages run {INSTALL}"
    return None


def enabled(settings: Settings) -> bool:
    return settings.ocr == "on" and missing() is None


def _run(args: list[str], settings: Settings) -> dict[str, object]:
    """Run the worker in its own process group; the group is killed when the time is up."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    too_long: dict[str, object] = {"error": f"took too long (over {settings.ocr_page_timeout_s:g} s)"}
    limits = [str(settings.ocr_memory_mb), str(int(settings.ocr_page_timeout_s) + 1)]
    child = subprocess.Popen(
        [sys.executable, "-m", "assistant.documents.ocr_worker", *limits, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=ROOT,
        env=env,
    )
    try:
        for left in stopping.slices(settings.ocr_page_timeout_s):
            try:  # waiting again after a timeout loses none of the output
                out, err = child.communicate(timeout=left)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return too_long
    finally:
        if child.poll() is None:  # interrupted: leave nothing running
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    if child.returncode < 0 and -child.returncode in (signal.SIGKILL, signal.SIGXCPU):
        return too_long
    try:
        result = json.loads(out)
    except ValueError:
        memory = b"MemoryError" in err or b"Cannot allocate memory" in err or b"std::bad_alloc" in err
        if memory:
            return {"error": "needed more memory than the limit allows"}
        return {"error": f"the OCR reader stopped with code {child.returncode}"}
    return result if isinstance(result, dict) else {"error": "the OCR reader gave no usable result"}


def survey(path: Path, settings: Settings) -> list[int]:
    """The pages PDFium finds without a text layer (a prediction; [] when it cannot tell)."""
    result = _run(["survey", str(path.resolve()), str(settings.min_chars_per_page)], settings)
    bare = result.get("bare")
    return [int(n) for n in bare] if isinstance(bare, list) else []


def survey_all(paths: list[Path], settings: Settings) -> dict[Path, list[int]]:
    """:func:`survey` of each file, in parallel."""
    if not paths:
        return {}
    with ThreadPoolExecutor(max_workers=min(workers(settings), len(paths))) as pool:
        return dict(zip(paths, pool.map(lambda path: survey(path, settings), paths), strict=True))


def read_page(path: Path, number: int, settings: Settings) -> PageOcr:
    result = _run(["page", str(path.resolve()), str(number), str(settings.ocr_dpi)], settings)
    if "error" in result:
        return PageOcr(number, "failed", reason=str(result["error"]))
    if result.get("blank"):
        return PageOcr(number, "blank")
    text, confidence = str(result.get("text", "")), float(result.get("confidence", 0.0))  # type: ignore[arg-type]
    letters = sum(ch.isalnum() for ch in text)
    if letters < settings.min_chars_per_page:
        return PageOcr(number, "unreliable", text, confidence, "no text found (a picture?)")
    if confidence < settings.ocr_min_confidence:
        return PageOcr(number, "unreliable", text, confidence, f"confidence {confidence:.0f}%")
    return PageOcr(number, "read", text, confidence)


def workers(settings: Settings) -> int:
    if settings.ocr_workers > 0:
        return settings.ocr_workers
    return max(1, len(os.sched_getaffinity(0)))


def read_pages(jobs: Iterable[tuple[Path, int]], settings: Settings) -> dict[tuple[Path, int], PageOcr]:
    """Read every (file, page) asked, in parallel; one :class:`PageOcr` per job."""
    jobs = list(jobs)
    if not jobs:
        return {}
    with ThreadPoolExecutor(max_workers=min(workers(settings), len(jobs))) as pool:
        results = pool.map(lambda job: read_page(job[0], job[1], settings), jobs)
        return dict(zip(jobs, results, strict=True))


def page_ranges(numbers: Iterable[int]) -> str:
    """[4, 5, 7] → 'pages 4-5, 7'; [2] → 'page 2'."""
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in ordered:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return f"page {text}" if len(ordered) == 1 else f"pages {text}"
