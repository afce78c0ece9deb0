"""The ``documents.meta`` column: what a document says about itself beyond the fixed columns
(field sources, age groups, address, case, report number, edits), as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.records import Document

KEYS = ("field_sources", "age_groups", "url", "case", "reference", "edited")


def meta_to_json(doc: Document) -> str:
    return json.dumps(
        {
            "field_sources": doc.field_sources,
            "age_groups": list(doc.age_groups),
            "url": doc.url,
            "case": doc.case,
            "reference": doc.reference,
            "edited": doc.edited,
        },  # fmt: skip
        sort_keys=True,
    )


def meta_from_json(text: str | None) -> dict[str, Any]:
    data = json.loads(text or "{}")
    found = {key: data[key] for key in KEYS if key in data}
    if "age_groups" in found:
        found["age_groups"] = tuple(found["age_groups"])
    return found
