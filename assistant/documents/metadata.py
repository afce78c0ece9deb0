"""What a document is: its id, title, partnership and review type, from front matter or its text.

Nothing is invented: a field the front matter does not give and the text does not state is
left empty.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path

from assistant.records import Page

PARTNERSHIP = re.compile(
    r"\b((?:[A-Z][\w'&-]*\s+){1,4}Safeguarding\s+(?:Children|Adults)\s+(?:Partnership|Board))"
    r"(?:\s*\(([A-Z]{3,6})\))?"
)
REVIEW_TYPES = (
    "Local Child Safeguarding Practice Review",
    "Child Safeguarding Practice Review",
    "Serious Case Review",
    "Safeguarding Adults Review",
    "Domestic Homicide Review",
    "Rapid Review",
    "Prevention of Future Deaths",
)
PUBLISHED = re.compile(r"\bpublished(?: on)?[:\s]+(\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{4}-\d{2}-\d{2})", re.I)


def doc_id_for(name: str, sha256: str) -> str:
    """A stable, readable id from a file name: 'Child J – Response.pdf' → 'child-j-response'."""
    stem = unicodedata.normalize("NFKD", Path(name).stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:60].strip("-")
    return slug or f"doc-{sha256[:10]}"


def _iso_date(text: str) -> str:
    for fmt in ("%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def describe(name: str, meta: dict[str, str], pages: list[Page]) -> dict[str, str]:
    """Title, subject, partnership, short name, review type and date for a document."""
    text = "\n".join(page.text for page in pages)
    found = dict(meta)
    if not found.get("title"):
        first = next((line.strip() for line in text.split("\n") if len(line.strip()) > 3), "")
        found["title"] = first if len(first) <= 150 else Path(name).stem.replace("_", " ")
    matches = list(PARTNERSHIP.finditer(text[:5000]))
    if not found.get("partnership") and matches:
        name = re.sub(r"\s+", " ", matches[0].group(1))
        found["partnership"] = name
        shorts = [m.group(2) for m in matches if m.group(2) and re.sub(r"\s+", " ", m.group(1)) == name]
        found["partnership_short"] = found.get("partnership_short") or (shorts[0] if shorts else "")
    if not found.get("review_type"):
        found["review_type"] = next((t for t in REVIEW_TYPES if t.lower() in text[:5000].lower()), "")
    if not found.get("subject") and (
        match := re.search(r"\bChild\s+'?[A-Z]{1,2}\d?'?(?!\w)", found["title"])
    ):
        found["subject"] = match.group()
    if "published" in found:
        found["published"] = _iso_date(found["published"]) or found["published"]
    elif match := PUBLISHED.search(text[:5000]):
        found["published"] = _iso_date(match.group(1))
    keys = ("title", "subject", "partnership", "partnership_short", "review_type", "published")
    return {key: found.get(key) or "" for key in keys}
