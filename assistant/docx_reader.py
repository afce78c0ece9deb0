"""A Word (DOCX) file → its text and title. Runs inside the limited reading child
(:mod:`assistant.text_worker`): a DOCX is a ZIP of XML, and one megabyte of it can expand to
gigabytes of parsed XML, so only that child may pay for it.

Paragraphs and table rows are read in document order; a table row becomes its cells joined by
`` | ``. Reading stops with :class:`TooMuchText` once the text passes the per-file limit.
"""

from __future__ import annotations

import io
import zipfile


class TooMuchText(Exception):
    """The document's text passed the limit while it was read."""


def read_docx(data: bytes, max_chars: int) -> tuple[str, str]:
    """(text, title) of a Word document; python-docx, lxml and zipfile errors pass through."""
    import docx
    from docx.table import Table

    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # refuse what zipfile cannot unpack, early
        for info in archive.infolist():
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise NotImplementedError(f"compression method {info.compress_type} is not supported")
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
