"""One plain line that says what a document is, for cards and tables (escaped by the caller)."""

from __future__ import annotations

import re

from assistant.documents.doc_metadata.ages import LABELS
from assistant.records import Document


def heading(doc: Document) -> str:
    """A review's card heading: "Child J (HSCP, 2019): Hertfordshire ... Response to ..."; a title
    that only says its kind and subject ("Prevention of Future Deaths report: Ivy Mitchell") is not
    said again after "Ivy Mitchell (2017)"."""
    if not doc.subject:
        return doc.cite()  # which is its title already
    rest = doc.title
    for said in filter(None, (doc.review_type, doc.subject, doc.reference)):
        rest = rest.replace(said, "")
    return f"{doc.cite()}: {doc.title}" if re.sub(r"[\W_]+", "", rest) else doc.cite()


def age_labels(doc: Document) -> str:
    return ", ".join(LABELS.get(g, g) for g in doc.age_groups)


def edited_note(doc: Document) -> str:
    """'edited: subject (2026-11-23 by ann)'; '' when nothing was corrected."""
    notes = []
    for field, edit in sorted(doc.edited.items()):
        who = f" by {edit['by']}" if edit.get("by") else ""
        notes.append(f"{field} ({edit.get('when', '')[:10]}{who})")
    return "edited: " + ", ".join(notes) if notes else ""


def about_line(doc: Document) -> str:
    """'Michael Thornton, PFD report 2013-0170, Somerset, August 2013 · about: Adult (18-64)'."""
    parts = [doc.name]
    if doc.age_groups:
        parts.append(f"about: {age_labels(doc)}")
    if note := edited_note(doc):
        parts.append(note)
    if doc.url:
        parts.append(f"from {doc.url}")
    return " · ".join(parts)
