"""One case, several documents: the review, the partnership's response and its seven-minute
briefing about the same case share a subject and a place, so they share a case id.

The place is the partnership's name without its kind ("Hertfordshire" for both Hertfordshire
Safeguarding Children Board and Partnership: boards became partnerships in 2019), so a board's
review and the partnership's later response are one case. Without a subject, or a publisher,
there is no case: nothing is linked on a guess.
"""

from __future__ import annotations

import re
import unicodedata

KINDS = re.compile(
    r"\b(?:Local\s+)?(?:Safeguarding\s+(?:Children|Adults)\s+(?:Partnership|Board)"
    r"|Children\s+Safeguarding\s+Partnership|Safeguarding\s+Partnership|Community\s+Safety\s+Partnership)\b.*$",
    re.I,
)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain.replace("'", "").replace("’", "")).strip("-")


def case_key(subject: str, partnership: str) -> str:
    """'hertfordshire/child-j' for Child J of Hertfordshire SCP (or SCB); '' when either is unknown."""
    place = _slug(KINDS.sub("", partnership))
    who = _slug(subject)
    return f"{place}/{who}" if place and who else ""
