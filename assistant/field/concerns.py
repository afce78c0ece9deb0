"""Where a report says what must change when it numbers no recommendations: a coroner's matters
of concern ("Matters of concern", then often the report's own sub-headings: "Concern 1",
"Re: Secretary of State for Justice"), and the form's stock sentences that say nothing of the case.
"""

from __future__ import annotations

import re

from assistant.records import Passage

# A section that says what must change, where a report numbers no recommendations.
CONCERNS = re.compile(
    r"\b(?:matters? of concern|concerns?|action should be taken|recommendations?)\b:?", re.I
)
# The Regulation 28 form's own sentences, the same in every report (counted over the PFD corpus:
# "In the circumstances it is my statutory duty to report to you." opens 50 reports' concerns).
STOCK = re.compile(
    r"\W*(?:during the course of the (?:inquest|investigation),? (?:the evidence|my inquiries) revealed"
    r" matters giving rise to concern"
    r"|in my (?:opinion|view),? there is a risk (?:that )?(?:of )?future deaths (?:will|could|may) occur"
    r" unless action is taken"
    r"|in the circumstances,? it is my statutory duty to report to you"
    r"|the matters of concern are as follows:?"
    r"|in my (?:opinion|view),? this presents a risk of future deaths"
    r"|in my opinion,? action should be taken to prevent future deaths and i believe (?:that )?you"
    r" (?:and/or your organisation )?ha(?:ve|s) the power to take such action[^.]*)"
    r"[\W\d]*",
    re.I,
)


def concerns(passages: list[Passage]) -> list[Passage]:
    """A report's passages (in reading order) from its concerns on; none when it has none."""
    for n, passage in enumerate(passages):
        heading = passage.text.strip().split("\n", 1)[0].strip()
        if CONCERNS.search(passage.section) or CONCERNS.fullmatch(heading):
            return passages[n:]
    return []


def stock(sentence: str) -> bool:
    """Whether a sentence is only the form's words ("The MATTERS OF CONCERN are as follows.")."""
    return STOCK.fullmatch(sentence) is not None
