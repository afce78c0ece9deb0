"""A Word (DOCX) file → its text and title. Runs inside the limited reading child
(:mod:`assistant.documents.text_worker`): a DOCX is a ZIP of XML, and one megabyte of it can expand to
gigabytes of parsed XML, so only that child may pay for it.

Paragraphs and table rows are read in document order; a table row becomes its cells joined by
`` | ``. Reading stops with :class:`TooMuchText` once the text passes the per-file limit.
"""

from __future__ import annotations

import io
import resource
import zipfile

METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)  # zipfile's
XML_MEMORY_FACTOR = 8  # lxml and python-docx need about this many bytes per byte of XML (measured: 9.6)


class TooMuchText(Exception):
    """The document's text passed the limit while it was read."""


def _memory_allowed() -> float:
    """What this process may still allocate (its address-space limit, less what it uses)."""
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    if limit == resource.RLIM_INFINITY:
        return float("inf")
    with open("/proc/self/statm") as statm:  # sizes in pages; the first is the address space
        used = int(statm.read().split()[0]) * resource.getpagesize()
    return limit - used


def read_docx(data: bytes, max_chars: int) -> tuple[str, str]:
    """(text, title) of a Word document; python-docx, lxml and zipfile errors pass through."""
    import docx
    from docx.table import Table

    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # refuse, early, what cannot be read
        xml = 0
        for info in archive.infolist():
            if info.compress_type not in METHODS:
                raise NotImplementedError(f"method {info.compress_type}")
            if info.filename.endswith((".xml", ".rels")):
                xml += info.file_size  # zipfile never gives more bytes than this (or a CRC error)
    if xml * XML_MEMORY_FACTOR > _memory_allowed():  # parsing would only end at the memory limit
        raise MemoryError(f"{xml / 1048576:.0f} MB of XML")
    document = docx.Document(io.BytesIO(data))
    blocks: list[str] = []
    chars = 0
    for item in document.iter_inner_content():  # paragraphs and tables, in reading order
        if isinstance(item, Table):
            found = [" | ".join(cell.text.strip() for cell in row.cells) for row in item.rows]
        else:
            found = [item.text.strip()]
        blocks += found
        chars += sum(len(block) + 2 for block in found)
        if chars > max_chars:
            raise TooMuchText
    title = (document.core_properties.title or "").strip()
    return "\n\n".join(b for b in blocks if b), title
