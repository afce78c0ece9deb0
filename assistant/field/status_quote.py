"""How a response status is shown to people: only on recommendations, quoted whole or with "…".

``status.response_status`` reads the status from a passage's words; this decides whether a
passage gets one at all (only a passage that holds a recommendation: an introduction that
mentions "the response" does not) and quotes its clause so that the quote either ends at the
end of a sentence or says it was cut, with an ellipsis at either edge. ``quoted_status`` is what
every hit carries (``Hit.response_status``), so the app and the CLI show the same.
"""

from __future__ import annotations

import re

from assistant.field.status import ResponseStatus, response_status
from assistant.records import Passage, QuotedStatus

ELLIPSIS = "\u2026"
SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*$")
# a sentence, a line, or the words after a response's label ("Partnership Response \u2013 ...") start here
SENTENCE_START = re.compile(r"(?:^|[.!?][\"'\u2019\u201d)\]]*|[:\u2013\u2014-])\s*$")


def status_of(passage: Passage) -> ResponseStatus | None:
    """The response status of a passage that holds a recommendation; None for any other passage."""
    if passage.recommendation is None:
        return None
    return response_status(passage.text)


def quoted_status(passage: Passage) -> QuotedStatus | None:
    """What a search result shows of a passage's response status: id, label and quoted clause;
    None for a passage that holds no recommendation."""
    status = status_of(passage)
    if status is None:
        return None
    return QuotedStatus(status.status, status.label, quote(status, passage.text))


def quote(status: ResponseStatus, text: str) -> str:
    """The status's clause as a quotation: whole sentences as they are, a cut marked with "…".

    ``text`` is the passage the status was read from (``text[status.start:status.end]`` is the
    phrase). '' when the status has no words to show.
    """
    phrase = status.phrase.strip()
    if not phrase:
        return ""
    before = text[: status.start] if 0 <= status.start <= len(text) else ""
    after = text[status.end :] if 0 <= status.end <= len(text) else ""
    starts = not before.strip() or bool(SENTENCE_START.search(before)) or before.rstrip().endswith("\n")
    ends = bool(SENTENCE_END.search(phrase)) or not after.strip()
    if not starts:
        phrase = ELLIPSIS + phrase
    if not ends:
        phrase = phrase.rstrip(" ,;:\u2013\u2014-") + ELLIPSIS
    return phrase
