"""Loading and validating the field's editable TOML data files (themes, vocabulary, statuses,
agencies, briefing questions): one way to read them, and errors that name the file, the entry
and the field."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

__all__ = ["DATA_DIR", "AssistantError", "pattern", "read", "strings", "text"]

DATA_DIR = Path(__file__).parent / "data"


def read(path: Path, what: str) -> tuple[dict[str, Any], bytes]:
    """The parsed file and its bytes; ``what`` names it in errors ("themes file")."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        return tomllib.loads(raw.decode("utf-8")), raw
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AssistantError(f"{what} {path} cannot be read: {exc}") from exc


def strings(value: object, where: str, field: str, required: bool = False) -> tuple[str, ...]:
    """``value`` as a tuple of strings (stripped, empty ones dropped); an error naming
    ``where`` and ``field`` when it is not a list of strings (or is empty and ``required``)."""
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AssistantError(f"{where}: {field} must be a list of words or phrases")
    kept = tuple(item.strip() for item in value if item.strip())
    if required and not kept:
        raise AssistantError(f"{where}: {field} needs at least one entry")
    return kept


def text(value: object, where: str, field: str) -> str:
    """A non-empty string, or an error naming ``where`` and ``field``."""
    if not isinstance(value, str) or not value.strip():
        raise AssistantError(f"{where}: {field} must be a non-empty string")
    return value.strip()


def pattern(source: str, where: str, flags: int = re.I) -> re.Pattern[str]:
    """A compiled regular expression from a data file; one that fails to compile, or that matches
    empty text (it would match everywhere), is an error naming ``where``."""
    try:
        compiled = re.compile(source, flags)
    except re.error as exc:
        raise AssistantError(f"{where}: bad pattern {source!r}: {exc}") from exc
    if compiled.fullmatch(""):
        raise AssistantError(f"{where}: pattern {source!r} matches empty text")
    return compiled
