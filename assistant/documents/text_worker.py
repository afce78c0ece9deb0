"""Read one Markdown, text or Word file in a child process, under the reading limits, and print JSON.

``python -m assistant.documents.text_worker KIND FILE MAX_CHARS`` (KIND: markdown, text or docx) prints
``{"pages": [[number, text], ...], "meta": {...}, "warnings": [...]}`` on success, or ``{"error":
"reason"}``. The parent (:func:`assistant.documents.readers.read`, through
:mod:`assistant.documents.limits`) sets the time and memory limits, as for PDFs
(:mod:`assistant.documents.pdf_worker`), so front matter, Markdown and DOCX parsing can hang or bloat only
this process."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from assistant.documents.docx_reader import TooMuchText, read_docx
from assistant.documents.front_matter import FrontMatterError, parse, split
from assistant.documents.markdown_text import markdown_to_text, split_pages
from assistant.documents.pdf_worker import NEED_MORE_MEMORY, out_of_memory
from assistant.errors import too_much_text
from assistant.records import Page

LABEL = {"markdown": "Markdown file", "text": "text file", "docx": "Word document"}


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")  # raises UnicodeDecodeError for its five unused bytes


def read_text(data: bytes, kind: str, max_chars: int) -> dict[str, Any]:
    try:
        text = decode(data)
    except UnicodeDecodeError:
        return {"error": "not a text file (unknown encoding)"}
    if len(text) > max_chars:
        return {"error": too_much_text(max_chars)}
    meta: dict[str, str] = {}
    warnings: list[str] = []
    try:
        yaml_text, body = split(text)
        if yaml_text is not None:
            meta, warnings = parse(yaml_text)
    except FrontMatterError as exc:
        return {"error": str(exc)}
    pages = split_pages(body)
    if kind == "markdown":
        pages = [Page(p.number, markdown_to_text(p.text)) for p in pages]
    return {"pages": [[p.number, p.text] for p in pages], "meta": meta, "warnings": warnings}


def read(kind: str, path: str, max_chars: int) -> dict[str, Any]:
    label = LABEL[kind]
    try:
        data = Path(path).read_bytes()
        if kind != "docx":
            return read_text(data, kind, max_chars)
        text, title = read_docx(data, max_chars)
        return {"pages": [[None, text]], "meta": {"title": title}, "warnings": []}
    except TooMuchText:
        return {"error": too_much_text(max_chars)}
    except NotImplementedError as exc:  # zipfile: a compression method it does not have
        return {"error": f"{label} compressed with a method that cannot be read ({str(exc)[:60]})"}
    except MemoryError:
        return {"error": NEED_MORE_MEMORY}
    except RecursionError:
        return {"error": f"corrupt {label} (structure nested too deeply)"}
    except Exception as exc:  # zipfile, lxml and python-docx raise many kinds on damaged files
        if out_of_memory(exc):
            return {"error": NEED_MORE_MEMORY}
        detail = " ".join(str(exc).split())[:160]
        return {"error": f"corrupt {label} ({type(exc).__name__}: {detail})"}


def run(argv: list[str]) -> dict[str, Any]:
    """The reading for these command-line arguments (``KIND FILE MAX_CHARS``)."""
    return read(argv[0], argv[1], int(argv[2]))


def main() -> None:
    sys.stdout.write(json.dumps(run(sys.argv[1:])))


if __name__ == "__main__":
    main()
