"""Documents named the way people name them.

'Michael Thornton, PFD report 2013-0170, Somerset, August 2013'; 'Child J, Hertfordshire SCP,
December 2019'. Only what is known is said: a part that is empty is left out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.documents.doc_metadata.dates import NAMES
from assistant.documents.doc_metadata.genres import is_pfd_type

if TYPE_CHECKING:
    from assistant.records import Document

SHORT_KINDS = (
    (r"Safeguarding Children Partnership$", "SCP"),
    (r"Children Safeguarding Partnership$", "CSP"),
    (r"(?:Local )?Safeguarding Children Board$", "SCB"),
    (r"Safeguarding Adults Board$", "SAB"),
    (r"Safeguarding Partnership$", "SP"),
    (r"Community Safety Partnership$", "CSP"),
)
MONTH_NAMES = NAMES.split()


def short_partnership(name: str) -> str:
    """'Hertfordshire Safeguarding Children Partnership' → 'Hertfordshire SCP'."""
    for pattern, short in SHORT_KINDS:
        if re.search(pattern, name):
            place = re.sub(pattern, "", name).strip()
            return f"{place} {short}" if place else name
    return name


def month_year(published: str) -> str:
    """'2013-08-12' → 'August 2013'; '2013' → '2013'; '' → ''."""
    if re.match(r"\d{4}-\d{2}", published):
        return f"{MONTH_NAMES[int(published[5:7]) - 1]} {published[:4]}"
    return published[:4] if published[:4].isdigit() else ""


def display_name(doc: Document) -> str:
    when = month_year(doc.published)
    if is_pfd_type(doc.review_type):
        kind = f"PFD report {doc.reference}".strip()
        parts = [doc.subject, kind, doc.partnership, when]
    else:
        who = doc.subject or doc.title
        parts = [who, short_partnership(doc.partnership) if doc.partnership else "", when]
    return ", ".join(p for p in parts if p) or doc.title or doc.source
