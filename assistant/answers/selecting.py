"""Follow-ups that ask who the reports in focus are about, by age: "which of those were
children?", "which of them were under 16?", "how old were they?".

They are answered from the ages the reports state, never by a search: a search for "children"
finds passages that use the word ("the annual health check offered to looked after children"),
not the reports about a child, and a search of every report for "old" leaves the reports in focus.
Every age is quoted in the sentence that states it, and cited; the quote shows whose age it is,
for a report states the ages of others too (a mother and her baby). A report is chosen by the age
groups the library holds for it (as "which reviews" and the age filter choose, corrections
kept), or, for an age in years ("under 16"), by the ages it states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.answers.answer import Answer, Focus, compose, listed
from assistant.answers.questions import POINTS_BACK, QUESTION_WORDS
from assistant.documents.doc_metadata.ages import (
    SCHOOL_STAGE,
    TEENAGE,
    UNDER_18,
    ages,
    group_of,
    query_groups,
)
from assistant.records import Document, Hit, Passage
from assistant.search.reviews import between_ages
from assistant.search.searcher import Searcher, content_words
from assistant.sentences import sentence_spans

ASKS_AGE = re.compile(r"\bhow\s+old\b|\bwhat\s+ages?\b|\b(?:their|his|her)\s+ages?\b", re.I)
# "Which of those ...", "were any of them ...": choosing among the reports in focus. Without such
# words an age group is a topic: "and for children and young people?" asks the earlier question
# about them, of every report.
CHOOSES = re.compile(r"\b(?:which|who|any\s+of|how\s+many\s+of)\b", re.I)
_BOUND = r"\s+(?:the\s+age\s+of\s+)?(\d{1,3})\b"
UNDER = re.compile(rf"\b(?:under|below|younger\s+than|less\s+than){_BOUND}", re.I)
OVER = re.compile(rf"\b(?:over|above|older\s+than|more\s+than){_BOUND}", re.I)
# Words that choose among the reports rather than name a topic: "which of them involved a child?"
CHOOSING = frozenset(
    "which who whom those them these they their he him his she her it its were was are is any many "
    "involved involve involves involving aged age ages old young younger older year years".split()
)
WHOM = {
    "baby": "a baby (under 1)", "young-child": "a child (1-12)", "teenager": "a teenager (13-17)",
    "adult": "an adult (18-64)", "older": "an older person (65+)",
}  # fmt: skip
LISTED = 10  # reports quoted; the rest are counted
PER_REPORT = 2  # sentences quoted from one report


@dataclass(frozen=True)
class AgeQuestion:
    """Whom a question asks for: age groups, or ages in years; neither: every age ("how old")."""

    groups: tuple[str, ...] = ()
    below: int | None = None  # "under 16"
    above: int | None = None  # "over 70"

    @property
    def every_age(self) -> bool:
        return not self.groups and self.below is None and self.above is None

    @property
    def in_years(self) -> bool:
        return self.below is not None or self.above is not None

    def wants(self, stated: Statement) -> bool:
        """Whether a sentence states an age asked for; an age in years needs a number ("a
        teenager" may be 13 or 17: it is no age under 16)."""
        if self.in_years:
            years = stated.years
            in_bounds = (self.below is None or years < self.below) and (
                self.above is None or years > self.above
            )
            return stated.in_numbers and in_bounds
        return self.every_age or group_of(stated.years) in self.groups

    def chooses(self, document: Document, stated: list[Statement]) -> bool:
        if self.in_years:
            return any(self.wants(s) for s in stated)
        return bool(set(self.groups) & set(document.age_groups))

    @property
    def whom(self) -> str:
        """'someone under 18', 'someone over 70 and under 90', 'a teenager (13-17)'."""
        if self.in_years:
            bounds = ([f"over {self.above}"] if self.above is not None else []) + (
                [f"under {self.below}"] if self.below is not None else []
            )
            return "someone " + " and ".join(bounds)
        if set(self.groups) == set(UNDER_18):
            return "someone under 18"
        return " or ".join(WHOM[g] for g in self.groups)


@dataclass(frozen=True)
class Statement:
    """A sentence of a passage that states someone's age."""

    passage: Passage
    start: int
    end: int
    years: float
    in_numbers: bool  # "aged 15", not "a teenager" (read as 15.5)


def asked(question: str) -> AgeQuestion | None:
    """The ages a question asks about when it asks nothing else ("which of those were teenagers?",
    "how old was he?"); None when it has a topic of its own ("which of those were in care?")."""
    below, above = UNDER.search(question), OVER.search(question)
    groups = query_groups(question)
    if not (groups or below or above or ASKS_AGE.search(question)):
        return None
    if not (ASKS_AGE.search(question) or CHOOSES.search(question) or POINTS_BACK.search(question)):
        return None
    rest = OVER.sub(" ", UNDER.sub(" ", " ".join(between_ages(question))))
    if any(w not in QUESTION_WORDS and w not in CHOOSING for w in content_words(rest) if not w.isdigit()):
        return None
    if below or above:
        return AgeQuestion(
            below=int(below.group(1)) if below else None, above=int(above.group(1)) if above else None
        )
    return AgeQuestion(groups=groups)


def statements(passages: list[Passage]) -> list[Statement]:
    """The sentences of one report's passages that state an age, in reading order: each sentence
    once (with the first age it states), and each age as worded once (a report that repeats
    "aged 13" under a heading is quoted once)."""
    found: dict[tuple[int | None, int], Statement] = {}
    worded: set[str] = set()
    for passage in passages:
        spans = sentence_spans(passage.text)
        for years, phrase in ages(passage.text):
            at = re.search(r"\s+".join(map(re.escape, phrase.split())), passage.text)
            if at is None:
                continue
            start, end = next(((s, e) for s, e in spans if s <= at.start() < e), (at.start(), at.end()))
            said = " ".join(phrase.lower().split())
            if (passage.id, start) in found or said in worded:
                continue
            worded.add(said)
            in_numbers = not (TEENAGE.search(phrase) or SCHOOL_STAGE.search(phrase))
            found[passage.id, start] = Statement(passage, start, end, years, in_numbers)
    return sorted(found.values(), key=lambda s: (s.passage.id or 0, s.start))


def by_age(
    searcher: Searcher, question: str, wanted: AgeQuestion, scope: tuple[str, ...], query: str
) -> Answer:
    """The reports of ``scope`` about someone of the ages asked, each with the sentences that
    state them; "how old" quotes the ages every report states. ``query`` is what the
    conversation is about, kept for the next follow-up."""
    documents = [searcher.document(d) for d in scope]
    stated = {d.doc_id: statements(searcher.library.passages(doc_id=d.doc_id)) for d in documents}
    one = len(documents) == 1
    of = "the report in focus" if one else f"the {len(documents)} reports in focus"
    silent = [d for d in documents if not stated[d.doc_id]]
    if len(silent) == len(documents):
        which = "it" if one else "any"
        who = "" if wanted.every_age else f", so it cannot tell whether {which} was about {wanted.whom}"
        text = f"No age is stated in {of} that the library can read{who}."
        return Answer(question, text, True, search_query=query, focus=Focus(query=query))
    chosen = [] if wanted.every_age else [d for d in documents if wanted.chooses(d, stated[d.doc_id])]
    if chosen:
        share = "it" if one else f"{len(chosen)} of {of}"
        verb = "is" if len(chosen) == 1 else "are"
        lead = f"By the ages stated, {share} {verb} about {wanted.whom}:"
        quoted = {d.doc_id: [s for s in stated[d.doc_id] if wanted.wants(s)] for d in chosen}
    else:
        none = f"The report in focus states no age of {wanted.whom}." if one else (
            f"None of {of} states the age of {wanted.whom}."
        )  # fmt: skip
        lead = ("" if wanted.every_age else f"{none} ") + "The ages stated, each in its own words:"
        quoted = {d.doc_id: stated[d.doc_id] for d in documents}
    shown = [d for d in quoted if quoted[d]][:LISTED]
    if len(shown) < sum(bool(q) for q in quoted.values()):
        lead = f"{lead[:-1]}; quoted here, the first {LISTED}:"
    sentences = [(doc_id, s) for doc_id in shown for s in quoted[doc_id][:PER_REPORT]]
    spans = [
        (Hit(n, 1.0, s.passage, searcher.document(doc_id), ((s.start, s.end),), None), s.start, s.end)
        for n, (doc_id, s) in enumerate(sentences, start=1)
    ]
    answer = compose(question, query, spans, 0.0)
    kept = chosen or documents
    focus = Focus(
        doc_ids=tuple(d.doc_id for d in kept),
        passage_ids=tuple(c.hit.passage.id for c in answer.citations if c.hit.passage.id is not None),
        reviews=tuple(d.cite() for d in kept),
        query=query,
        kept=True,
    )
    unread = listed(tuple(d.cite() for d in silent))
    note = f"No age that the library can read is stated in {unread}." if silent else ""
    return replace(answer, lead=lead, note=note, focus=focus)
