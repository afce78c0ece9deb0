"""The agencies a passage addresses, read from its words (``field/data/agencies.toml``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.field import data_files

DEFAULT_FILE = data_files.DATA_DIR / "agencies.toml"


@lru_cache(maxsize=4)
def load(path: Path = DEFAULT_FILE) -> dict[str, tuple[str, str]]:
    """Agency id → (label, one pattern: the file's patterns as alternatives), in file order."""
    data, _ = data_files.read(path, "agencies file")
    tables = data.get("agency")
    if not isinstance(tables, dict) or not tables:
        raise data_files.AssistantError(f"agencies file {path} needs [agency.<id>] tables")
    agencies = {}
    for key, table in tables.items():
        where = f"agencies file {path}: agency {key!r}"
        if not isinstance(table, dict):
            raise data_files.AssistantError(f"{where} must be a table")
        label = data_files.text(table.get("label"), where, "label")
        patterns = data_files.strings(table.get("patterns"), where, "patterns", required=True)
        for source in patterns:
            data_files.pattern(source, where)
        agencies[key] = (label, "|".join(patterns))
    return agencies


# agency id → (label, pattern). Order is the order people see them in.
AGENCIES: dict[str, tuple[str, str]] = load()
_COMPILED = {key: re.compile(pattern, re.I) for key, (_, pattern) in AGENCIES.items()}


def agencies_in(text: str) -> tuple[str, ...]:
    """Agency ids whose words appear in ``text``, in the order of :data:`AGENCIES`."""
    return tuple(key for key, pattern in _COMPILED.items() if pattern.search(text))


def label(agency: str) -> str:
    return AGENCIES[agency][0] if agency in AGENCIES else agency
