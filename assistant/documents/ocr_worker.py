"""Read PDF pages by OCR in a child process, under time and memory limits, and print JSON.

``python -m assistant.documents.ocr_worker MEMORY_MB CPU_S survey FILE MIN_LETTERS`` prints
``{"pages": n, "bare": [...]}``: the pages (1-based) whose text layer has fewer than
MIN_LETTERS letters, as PDFium sees it. It only predicts which pages will need OCR, so that they
can be read ahead of time.

``python -m assistant.documents.ocr_worker MEMORY_MB CPU_S page FILE PAGE DPI`` renders one page with
PDFium, straightens it (skew of up to 5 degrees; upside-down or sideways pages by Tesseract's
orientation detection) and reads it with Tesseract. It prints ``{"text", "confidence", "words",
"blank", "skew", "rotated"}`` or ``{"error": reason}``. ``confidence`` is Tesseract's word
confidence (0-100), averaged over the letters of the page.

The worker sets its own memory and CPU limits first thing, before PDFium or numpy is loaded
(the parent starts pages from several threads, where a ``preexec_fn`` is not safe); Tesseract
runs as a child of this process and inherits them. The parent (:mod:`assistant.documents.ocr`) keeps the
wall-clock limit. Nothing here imports the rest of the package.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import resource
import subprocess
import sys
from typing import Any

MAX_PIXELS = 40_000_000  # a page larger than this at the asked resolution is rendered smaller
MAX_SKEW = 5.0  # degrees
BLANK_INK = 0.0005  # a page with less dark ink than this share of its pixels is blank
RETRY_BELOW = 75.0  # confidence under which the page's orientation is checked
TESSERACT = "tesseract"


def survey(path: str, min_letters: int) -> dict[str, Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    bare = []
    for number in range(1, len(pdf) + 1):
        page = pdf[number - 1]
        try:
            text = page.get_textpage().get_text_range()
        except Exception:  # a page PDFium cannot read as text: let OCR try it
            text = ""
        if sum(ch.isalnum() for ch in text) < min_letters:
            bare.append(number)
    return {"pages": len(pdf), "bare": bare}


def render(path: str, number: int, dpi: int) -> tuple[Any, int]:
    """The page as a greyscale PIL image at ``dpi`` (less for a very large page), and its dpi."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    page = pdf[number - 1]
    width, height = page.get_size()  # points
    scale = dpi / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = math.sqrt(MAX_PIXELS / (width * height))
    bitmap = page.render(scale=scale, grayscale=True, fill_color=(255, 255, 255, 255))
    return bitmap.to_pil().convert("L"), max(1, round(scale * 72))


def skew_angle(image: Any) -> float:
    """The small rotation (degrees) that makes the text lines horizontal: the angle whose rows of
    ink are the most uneven (projection profile), searched coarse then fine."""
    import numpy as np
    from PIL import Image

    small = image.copy()
    small.thumbnail((1000, 1000))
    ink = Image.fromarray(((np.asarray(small) < 128) * 255).astype(np.uint8))

    def score(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST)).sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(rows) ** 2))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=score)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=score)
    return round(float(best), 2)


def tesseract(image: Any, dpi: int, *args: str) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    done = subprocess.run(
        [TESSERACT, "stdin", "stdout", "--dpi", str(dpi), *args],
        input=buffer.getvalue(),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"tesseract stopped with code {done.returncode}: {message[-1:] or ''}")
    return done.stdout.decode("utf-8", "replace")


def words(tsv: str) -> tuple[str, float, int]:
    """Text (lines, paragraphs as blank lines) and letter-weighted mean confidence from TSV."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    weight = total = 0.0
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        confidence = float(row["conf"])
        if confidence < 0:
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        lines.setdefault(key, []).append(text)
        letters = max(1, sum(ch.isalnum() for ch in text))
        weight += letters
        total += confidence * letters
    out: list[str] = []
    last: tuple[int, int] | None = None
    for (block, par, _line), line_words in lines.items():
        if last is not None and last != (block, par):
            out.append("")
        out.append(" ".join(line_words))
        last = (block, par)
    count = sum(len(w) for w in lines.values())
    return "\n".join(out), (total / weight if weight else 0.0), count


def orientation(image: Any, dpi: int) -> int:
    """Degrees to turn the page (counter-clockwise) to read it, by Tesseract's OSD; 0 if unsure."""
    if dpi > 200:  # orientation needs no fine detail; a smaller picture is read faster
        image = image.resize((image.width * 200 // dpi, image.height * 200 // dpi))
        dpi = 200
    try:
        report = tesseract(image, dpi, "--psm", "0", "-l", "osd")
    except RuntimeError:  # too few characters to tell
        return 0
    rotate = re.search(r"Rotate: (\d+)", report)
    sure = re.search(r"Orientation confidence: ([\d.]+)", report)
    if not rotate or not sure or float(sure.group(1)) < 1.0:
        return 0
    return int(rotate.group(1)) % 360


def read_page(path: str, number: int, dpi: int) -> dict[str, Any]:
    import numpy as np
    from PIL import Image, ImageFilter

    image, effective = render(path, number, dpi)
    if float(np.mean(np.asarray(image) < 128)) < BLANK_INK:
        return {"text": "", "confidence": 0.0, "words": 0, "blank": True, "skew": 0.0, "rotated": 0}
    if effective >= 200:  # speckle from the scanner glass: gone, strokes kept at this resolution
        image = image.filter(ImageFilter.MedianFilter(3))
    skew = skew_angle(image)
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    text, confidence, count = words(tesseract(image, effective, "-l", "eng", "--psm", "3", "tsv"))
    rotated = 0
    if confidence < RETRY_BELOW:
        turn = orientation(image, effective)
        if turn:
            # OSD's "Rotate: 90" means turn the image 90 degrees clockwise to make it upright.
            turned = image.rotate(-turn, expand=True, fillcolor=255)
            again = words(tesseract(turned, effective, "-l", "eng", "--psm", "3", "tsv"))
            if again[1] > confidence:
                (text, confidence, count), rotated = again, turn
    return {
        "text": text,
        "confidence": round(confidence, 1),
        "words": count,
        "blank": False,
        "skew": skew,
        "rotated": rotated,
    }


def limit(memory_mb: int, cpu_s: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))


def main() -> None:
    limit(int(sys.argv[1]), int(sys.argv[2]))
    command, path, *rest = sys.argv[3:]
    try:
        if command == "survey":
            result = survey(path, int(rest[0]))
        else:
            result = read_page(path, int(rest[0]), int(rest[1]))
    except MemoryError:
        result = {"error": "needed more memory than the limit allows"}
    except FileNotFoundError as exc:
        result = {"error": f"cannot run {exc.filename or TESSERACT}"}
    except Exception as exc:  # PDFium and Tesseract fail in many ways on damaged pages
        result = {"error": f"{type(exc).__name__}: {str(exc)[:160]}"}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
