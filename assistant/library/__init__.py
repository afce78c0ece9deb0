"""The library: files on disk, generations, reading and writing. The only code that speaks SQL.

``from assistant.library import Library, writer`` is the way in; the modules are
:mod:`.generations` (folders, the ``CURRENT`` pointer, publishing), :mod:`.store` (schema, FAISS
and manifest files), :mod:`.rows` (rows to records), :mod:`.reader`, :mod:`.passage_queries` and
:mod:`.theme_queries` (reading), :mod:`.writer` and :mod:`.theme_writing` (changing a private
copy), :mod:`.writer_lock`, :mod:`.leftovers`, :mod:`.preparing`, :mod:`.ingest`,
:mod:`.vector_reuse` and :mod:`.originals` (files in), :mod:`.migrations` (numbered schema
steps that keep the vectors) and :mod:`.editing`.
"""

from assistant.library.generations import (
    SOURCES,
    current_generation,
    current_generation_exists,
    indexed_files,
    rebuild_hint,
)
from assistant.library.reader import Library
from assistant.library.rows import PASSAGE_SELECT, row_to_passage
from assistant.library.writer import Writer, writer

__all__ = [
    "SOURCES",
    "PASSAGE_SELECT",
    "Library",
    "Writer",
    "current_generation",
    "current_generation_exists",
    "indexed_files",
    "rebuild_hint",
    "row_to_passage",
    "writer",
]
