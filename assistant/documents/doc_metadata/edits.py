"""Corrections people make to what a document says it is, kept beside the library.

``index/edits.json`` holds them by the file's content hash (so they survive ``rebuild`` and a
re-read of the same file, and the original file is never changed)::

    {"<sha256>": {"subject": {"value": "Child J", "when": "2026-11-23T16:20:00+00:00", "by": ""}}}

Each ingest applies them over the values read from the file; the value read stays known so an
edit can be reverted to it. The file is replaced atomically, under the library's write lock.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from assistant.documents.doc_metadata import ages, dates
from assistant.documents.doc_metadata.cases import case_key
from assistant.errors import BadEdit

EDITS_FILE = "edits.json"
EDITABLE = ("title", "subject", "partnership", "published", "review_type", "age_groups")
MAX_VALUE_CHARS = 300
Edits = dict[str, dict[str, dict[str, str]]]  # sha256 → field → {value, when, by}


def load(index_dir: Path) -> Edits:
    path = Path(index_dir) / EDITS_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadEdit(f"{path} cannot be read ({exc}); fix or remove it") from exc
    if not isinstance(data, dict):
        raise BadEdit(f"{path} is not a set of documents' edits; fix or remove it")
    return data


def save(index_dir: Path, edits: Edits) -> None:
    path = Path(index_dir) / EDITS_FILE
    fd, tmp = tempfile.mkstemp(prefix=".edits-", dir=index_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(edits, handle, indent=1, sort_keys=True, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def check(field: str, value: Any) -> str:
    """The value to store for ``field``, or :class:`BadEdit` naming what is wrong."""
    if field not in EDITABLE:
        raise BadEdit(f"unknown field {field!r}; editable fields: {', '.join(EDITABLE)}")
    if field == "age_groups":
        groups = [value] if isinstance(value, str) else list(value)
        unknown = [g for g in groups if g not in ages.GROUPS]
        if unknown:
            raise BadEdit(f"unknown age group {unknown[0]!r}; age groups: {', '.join(ages.GROUPS)}")
        return ",".join(g for g in ages.GROUPS if g in groups)
    value = str(value).strip()
    if len(value) > MAX_VALUE_CHARS or "\n" in value:
        raise BadEdit(f"{field}: one line of at most {MAX_VALUE_CHARS} characters")
    if field == "published" and value:
        iso = dates.parse(value)
        if not iso:
            raise BadEdit(f"published: {value!r} is not a date (use 2019-12-19 or 19/12/2019)")
        if why := dates.check(iso):
            raise BadEdit(f"published: {value!r} cannot be a publication date ({why})")
        return iso
    return value


def apply(about: dict[str, Any], mine: dict[str, dict[str, str]]) -> dict[str, Any]:
    """``about`` (Document fields as read) with the edits of one document laid over it."""
    about = dict(about, field_sources=dict(about.get("field_sources", {})), edited={})
    for field, edit in mine.items():
        if field not in EDITABLE or not isinstance(edit, dict):
            continue
        was = about.get(field, "")
        was = ",".join(was) if field == "age_groups" else str(was or "")
        was_source = about["field_sources"].get(field, "")
        value = str(edit.get("value", ""))
        about[field] = tuple(g for g in value.split(",") if g) if field == "age_groups" else value
        about["field_sources"][field] = "edited"
        about["edited"][field] = {
            "when": edit.get("when", ""), "by": edit.get("by", ""), "was": was, "was_source": was_source,
        }  # fmt: skip
    about["case"] = case_key(str(about.get("subject", "")), str(about.get("partnership", "")))
    return about
