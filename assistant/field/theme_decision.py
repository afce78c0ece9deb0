"""Which themes a passage keeps: the precision-first rule, with the age groups a theme applies to.

For each passage and theme:

1. A theme whose ages do not meet the document's age groups is not proposed ("injuries in
   babies" for an 80-year-old), unless the theme allows it when the passage shows children in the
   case (a domestic homicide with children in the household) and this passage does. A document
   whose age groups are not known is not held back, but for a theme for children alone (injuries
   in babies, safe sleep, GP child-protection records): its passage must show a child, so a
   coroner's report of a prisoner that states no age gets no "GP records" from "GP". (The caller
   reads a children's review that states no age as under 18:
   :func:`assistant.documents.doc_metadata.ages.for_themes`.)
2. The passage must use at least one of the theme's own words, or hold one of its cues (4): that
   is the evidence shown with every tag, and a passage only near a theme in meaning is not enough
   ("no theme" is an answer).
3. A theme with a learned classifier is given from its calibrated threshold, or when the passage
   is as close in meaning to its description as ``high``; a theme without labelled data from
   ``low`` cosine similarity to its description.
4. A theme with cues is also given when a sentence of the passage holds one: one of its people
   near one of its actions (:mod:`assistant.field.theme_cues`); the two, "his mother … raised
   concerns", are its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CHILDREN_IN_CASE = re.compile(
    r"(?<!\w)(?i:child|children|baby|babies|infant|infants|toddler|newborn|new-born|unborn"
    r"|son|daughter|stepson|stepdaughter|schoolboy|schoolgirl|pupil)(?!\w)"
)
ALL_AGES = frozenset({"baby", "young-child", "teenager", "adult", "older"})
ADULTS = frozenset({"adult", "older"})


@dataclass(frozen=True)
class Applies:
    """Where a theme may be proposed."""

    ages: frozenset[str] = ALL_AGES
    unless_children: bool = False  # also for other ages when the passage shows children in the case


def age_allows(applies: Applies, doc_ages: Sequence[str], text: str) -> bool:
    if applies.ages & set(doc_ages):
        return True
    shows_child = CHILDREN_IN_CASE.search(text) is not None
    if doc_ages:  # other ages: only children in the case open a theme that allows it
        return applies.unless_children and shows_child
    # ages unknown: only a theme for children alone is held back, unless the passage shows a child
    return applies.unless_children or bool(applies.ages & ADULTS) or shows_child


@dataclass(frozen=True)
class Candidate:
    theme: str
    score: float
    evidence: tuple[str, ...]


def decide(
    ids: Sequence[str],
    similarities: np.ndarray,  # (themes,) cosine similarity of the passage to each theme
    evidence: Sequence[tuple[str, ...]],  # per theme, its words found in the passage
    learned: dict[int, tuple[float, float]],  # theme index → (probability, threshold)
    cued: dict[int, tuple[str, ...]],  # theme index → the cue found in the passage, as evidence
    applies: Sequence[Applies],
    doc_ages: Sequence[str],
    text: str,
    low: float,
    high: float,
    limit: int,
) -> list[Candidate]:
    """The themes one passage keeps, best first (at most ``limit``)."""
    kept = []
    for i, theme in enumerate(ids):
        if not (evidence[i] or cued.get(i)) or not age_allows(applies[i], doc_ages, text):
            continue
        score = float(similarities[i])
        if i in learned:
            probability, threshold = learned[i]
            by_words = probability >= threshold or similarities[i] >= high
            score = max(float(probability), score)
        else:
            by_words = similarities[i] >= low
        if evidence[i] and by_words:
            kept.append(Candidate(theme, round(score, 4), evidence[i]))
        elif cued.get(i):
            kept.append(Candidate(theme, round(score, 4), cued[i]))
    kept.sort(key=lambda c: -c.score)
    return kept[:limit]
