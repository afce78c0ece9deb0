"""Builders of odd Word, Markdown and front-matter files, shared by the limits and fuzz tests."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import datetime

import docx

GOOD_TEXT = "Recommendation 1: Health visitors must record who lives in the home."
FIXED = (2020, 1, 1, 0, 0, 0)  # every part's date, so a file is the same on every run
PARAGRAPH = b"<w:p><w:r><w:t>Agencies must share what they know.</w:t></w:r></w:p>"


def docx_bytes(paragraphs: tuple[str, ...] = (GOOD_TEXT,), title: str = "Review of Child R") -> bytes:
    """A real Word document made by python-docx: a title, paragraphs and a small table."""
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.created = document.core_properties.modified = datetime(2020, 1, 1)
    document.add_heading("Introduction", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Agency", "Action"), ("Health", "Audit records")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return zip_of(parts(out.getvalue()))  # with fixed dates, so the same on every run


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_of(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, body in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=FIXED), body, method)
    return out.getvalue()


def with_part(data: bytes, name: str, body: bytes) -> bytes:
    """The document with one part (``word/document.xml``, ...) replaced."""
    return zip_of({**parts(data), name: body})


def with_compression_method(data: bytes, method: int) -> bytes:
    """The document stored uncompressed, then every header relabelled with ``method`` (9 is
    Deflate64, which Word can write and Python's zipfile cannot read)."""
    out = bytearray(zip_of(parts(data), zipfile.ZIP_STORED))
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # local and central headers
        at = out.find(signature)
        while at >= 0:
            out[at + offset : at + offset + 2] = struct.pack("<H", method)
            at = out.find(signature, at + 4)
    return bytes(out)


def docx_xml_bomb(paragraphs: int) -> bytes:
    """A real document whose body repeats one paragraph ``paragraphs`` times, written in a
    stream: 4,000,000 of them are 320 MB of XML in a file of under 1 MB."""
    files = parts(docx_bytes())
    head, tail = files.pop("word/document.xml").split(b"<w:body>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=FIXED), body, zipfile.ZIP_DEFLATED)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head + b"<w:body>")
            block = PARAGRAPH * 10_000
            for _ in range(paragraphs // 10_000):
                part.write(block)
            part.write(PARAGRAPH * (paragraphs % 10_000) + tail)
    return out.getvalue()


def markdown(front_matter: str | None, body: str = f"# Review of Child Q\n\n{GOOD_TEXT}\n") -> str:
    """A Markdown file with this front matter (None: none at all)."""
    return body if front_matter is None else f"---\n{front_matter}\n---\n\n{body}"


def alias_bomb(levels: int = 9) -> str:
    """The 'billion laughs' in YAML: about 630 bytes whose ``title`` names 9**9 strings."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijklmnop"
    for prev, name in zip(names[: levels - 1], names[1:levels], strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    lines.append(f"title: *{names[levels - 1]}")
    return "\n".join(lines)
