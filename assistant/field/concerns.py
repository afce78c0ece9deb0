"""What a coroner's report says must change: its matters of concern ("Matters of concern", then
often the report's own sub-headings: "Concern 1", "Re: Secretary of State for Justice"), up to the
form's next part ("Action should be taken", "Your response", "Copies and publication"); and the
Regulation 28 form's stock sentences, which say nothing of the case.

Only a coroner's report is read this way: a safeguarding review's "Concerns about the family" is
what happened, not what must change.
"""

from __future__ import annotations

import re

from assistant.documents.doc_metadata.genres import is_pfd_type
from assistant.records import Document, Passage

CONCERNS = re.compile(r"\b(?:matters? of concern|concerns?)\b:?", re.I)
AFTER = re.compile(r"\b(?:action should be taken|your response|copies and publication)\b", re.I)
# The form's own sentences, the same in every report (counted over the PFD corpus: "In the
# circumstances it is my statutory duty to report to you." opens 50 reports' concerns). Fixed
# phrases may end in a list number ("... as follows: 1."); open-ended ones run to the full stop.
_FIXED = (
    r"during the course of the (?:inquest|investigation),? (?:the evidence|my inquiries) revealed"
    r" matters giving rise to concern"
    r"|during the (?:inquest|investigation),? (?:the evidence|my inquiries) revealed matters giving rise to"
    r" concern"
    r"|in my (?:opinion|view),? there is a risk (?:that )?(?:of )?future deaths (?:will|could|may) occur"
    r" unless action is taken"
    r"|in the circumstances,? it is my statutory duty to report to you"
    r"|the (?:outstanding )?matters? of concern (?:are|is) as follows"
    r"|in my (?:opinion|view),? this presents a risk of future deaths"
    r"|\(?brief summary of matters of concern\)?"
    r"|otherwise you must explain why no action is proposed"
    r"|i,? the coroner,? may extend the period"
    r"|i am also under a duty to send the chief coroner a copy of your response"
    r"|the chief coroner may publish either or both in a complete or redacted or summary form"
)
_OPEN = (
    r"in my opinion,? action should be taken to prevent future deaths and i believe (?:that )?you"
    r" (?:and/or your organisation )?ha(?:ve|s) the power to take such action"
    r"|you are under a duty to respond to this report within 56 days(?: of the date of this report)?"
    r"(?:,? namely by [^.]{1,40})?"
    r"|your response must contain details of action taken or proposed to be taken"
    r"(?:,? setting out the timetable for action)?"
)
STOCK = re.compile(
    rf"\W*(?:(?:{_FIXED})[\W\d]*|(?:{_OPEN})(?:\W*|[\s,]+by addressing these issues\W*))", re.I
)
# The form's words opening a sentence of the report's own: "The MATTERS OF CONCERN are as follows:- (1) ..."
LEAD = re.compile(rf"\W*(?:{_FIXED})[\s:;,.\u2013\u2014-]*", re.I)
# A concern of a list: "(1)", "2.", "a)", "(iv)", "(B)", "•" and a space; not a capital and a full
# stop, which is an initial ("A. Smith said ...", "I. Jones gave evidence").
LISTED = re.compile(
    r"\(?(?:\d{1,2}|[a-z]|[ivx]{1,5})[.)]\s|\(?(?:[A-Z]|[IVX]{1,5})\)\s|[\u2022\u25cf*\u2013-]\s"
)


def is_coroners_report(document: Document | None) -> bool:
    return document is not None and is_pfd_type(document.review_type)


def concerns(passages: list[Passage]) -> list[Passage]:
    """A coroner's report's passages (in reading order) from its matters of concern to the form's
    next part; none when it has none."""
    found: list[Passage] = []
    for passage in passages:
        heading = passage.text.strip().split("\n", 1)[0].strip()
        if found and (AFTER.search(passage.section) or AFTER.match(heading)):
            break
        if found or CONCERNS.search(passage.section) or CONCERNS.fullmatch(heading):
            found.append(passage)
    return found


def stock(sentence: str) -> bool:
    """Whether a sentence is only the form's words ("The MATTERS OF CONCERN are as follows.")."""
    return STOCK.fullmatch(sentence) is not None


def past_the_form(sentence: str) -> int:
    """Where a sentence's own words start, past the form's words that open it and a list that
    follows them: "The MATTERS OF CONCERN are as follows:- (1) The crossing ..." → the offset of
    "(1)"; 0 otherwise, so a sentence that goes on in its own words ("... matters giving rise to
    concerns about the ward.") is quoted whole, never from inside a word."""
    lead = LEAD.match(sentence)
    return lead.end() if lead and LISTED.match(sentence, lead.end()) else 0


def listed(sentence: str) -> bool:
    """Whether a sentence is an item of a list ("(2) The half barrier is not a deterrent ...",
    "a) DVLA doctors are not ..."): a coroner numbers the concerns after saying what led to them."""
    return LISTED.match(sentence) is not None
