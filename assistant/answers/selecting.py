"""Follow-ups that choose among the reports in focus: by age ("which of those were children?",
"which of them were under 16?", "how old were they?"), or by year ("what about in 2023?").

They are answered from the ages the reports state, never by a search: a search for "children"
finds passages that use the word ("the annual health check offered to looked after children"),
not the reports about a child, and a search of every report for "old" leaves the reports in focus.
Every age is quoted in the sentence that states it, and cited. A report states the ages of others
too (a mother and her baby), so the answer says which reports *state* such an age, and the quote
shows whose it is. A report is chosen by the age groups the library holds for it (as "which
reviews" and the age filter choose, corrections kept), or, for an age in years ("under 16"), by
the ages it states in numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.answers.answer import Answer, Focus, compose, listed
from assistant.answers.questions import POINTS_BACK, QUESTION_WORDS
from assistant.documents.doc_metadata.ages import (
    LABELS,
    UNDER_18,
    StatedAge,
    group_of,
    query_groups,
    stated_ages,
)
from assistant.records import Document, Hit, Passage
from assistant.search.reviews import between_ages
from assistant.search.searcher import Searcher, content_words
from assistant.sentences import sentence_spans

ASKS_AGE = re.compile(r"\bhow\s+old\b|\bwhat\s+ages?\b|\b(?:their|his|her)\s+ages?\b", re.I)
_BOUND = r"\s+(?:the\s+age\s+of\s+)?(\d{1,3})\b"
UNDER = re.compile(rf"\b(?:under|below|younger\s+than|less\s+than){_BOUND}", re.I)
OVER = re.compile(rf"\b(?:over|above|older\s+than|more\s+than){_BOUND}", re.I)
# "Which of those ...", "were any of them ...": choosing among the reports in focus. Without such
# words an age group is a topic: "and for children and young people?" asks the earlier question
# about them, of every report.
CHOOSES = re.compile(r"\b(?:which|any\s+of|how\s+many\s+of)\b", re.I)
# Not about the reports' own ages: "which of those had children?" (parents), "who was the
# child?" (a name), "which of those were teenagers in 2023?" (a year as well, read elsewhere).
NOT_AGES = re.compile(r"\b(?:had|have|has|having)\b|^\s*who\b|\b(?:19|20)\d\d\b", re.I)
# Words that choose among the reports rather than name a topic: "which of them involved a child?"
CHOOSING = frozenset(
    "which those them these they their he him his she her it its were was are is any many "
    "involved involve involves involving aged age ages old young younger older year years".split()
)
# "a baby (under 1)", "an adult (18-64)": the age groups' labels, as a sentence names one person
WHOM = {group: f"{'an' if label[0] in 'AEIOU' else 'a'} {label.lower()}" for group, label in LABELS.items()}
YEAR = re.compile(r"\b(?:19|20)\d\d\b(?![-/\u2013]\d)")  # not "2022-23", "2022/23": a span
# A question that names a year and nothing else: "what about in 2023?", "and in 2019?", "which
# of those were published in 2020?"; not "before 2020", "since 2019" or "what did they do in 2019?".
YEAR_ONLY = frozenset(
    "what about how and also so then in which of those them these they it that there were was is are any "
    "published from the reports report reviews review cases ones year for during as well too many".split()
)
LISTED = 10  # reports quoted; the rest are counted
PER_REPORT = 2  # sentences quoted from one report


@dataclass(frozen=True)
class Statement:
    """A sentence of a passage that states one or more ages."""

    passage: Passage
    start: int
    end: int
    ages: tuple[StatedAge, ...]


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

    @property
    def between(self) -> bool:
        """ "over 13 and under 16", not "under 18 or over 80"."""
        return self.below is not None and self.above is not None and self.below > self.above

    def _wants(self, age: StatedAge) -> bool:
        if not self.in_years:
            return self.every_age or group_of(age.years) in self.groups
        under = self.below is not None and age.years < self.below
        over = self.above is not None and age.years > self.above
        inside = (under and over) if self.between else (under or over)
        return age.in_numbers and inside  # "a teenager" is no age in numbers

    def wants(self, statement: Statement) -> bool:
        return any(self._wants(age) for age in statement.ages)

    def chooses(self, document: Document, stated: list[Statement]) -> bool:
        if self.in_years:
            return any(self.wants(s) for s in stated)
        return self.every_age or bool(set(self.groups) & set(document.age_groups))

    @property
    def whom(self) -> str:
        """'someone under 18', 'someone over 13 and under 16', 'a teenager (13-17)'."""
        if self.in_years:
            bounds = ([f"over {self.above}"] if self.above is not None else []) + (
                [f"under {self.below}"] if self.below is not None else []
            )
            return "someone " + (" and " if self.between else " or ").join(bounds)
        if set(self.groups) == set(UNDER_18):
            return "someone under 18"
        return " or ".join(WHOM[g] for g in self.groups)


def asked(question: str) -> AgeQuestion | None:
    """The ages a question asks about when it asks nothing else ("which of those were teenagers?",
    "how old was he?"); None when it asks something more ("which of those were in care?")."""
    below, above = UNDER.search(question), OVER.search(question)
    how_old = ASKS_AGE.search(question)
    groups = query_groups(question)
    if not (groups or below or above or how_old) or NOT_AGES.search(question):
        return None
    if not (how_old or CHOOSES.search(question) or POINTS_BACK.search(question)):
        return None
    rest = OVER.sub(" ", UNDER.sub(" ", " ".join(between_ages(question))))
    if any(w not in QUESTION_WORDS and w not in CHOOSING for w in content_words(rest)):
        return None
    if how_old:  # "how old was the baby?": the age, whatever it is
        return AgeQuestion()
    if below or above:
        return AgeQuestion(
            below=int(below.group(1)) if below else None, above=int(above.group(1)) if above else None
        )
    return AgeQuestion(groups=groups)


def asked_year(question: str) -> int | None:
    """The year a question asks about when it names one year and nothing else."""
    years = YEAR.findall(question)
    words = re.findall(r"[a-z]+", YEAR.sub(" ", question.lower()))
    return int(years[0]) if len(years) == 1 and all(w in YEAR_ONLY for w in words) else None


def statements(passages: list[Passage]) -> list[Statement]:
    """The sentences of one report's passages that state an age, in reading order, with every age
    each states; an age worded as before is not stated again (a report that repeats "aged 13"
    under a heading is quoted once)."""
    found: list[Statement] = []
    worded: set[str] = set()
    for passage in passages:
        text = passage.text
        by_sentence: dict[tuple[int, int], list[StatedAge]] = {}
        spans = sentence_spans(text)
        for age in sorted(stated_ages(text), key=lambda a: a.start):
            span = next(((s, e) for s, e in spans if s <= age.start < e), (age.start, age.end))
            # the age with the words before it: "Sam Lee, aged 15" said twice is one age; "Her
            # brother, aged 15" is another person's
            said = " ".join(text[max(span[0], age.start - 24) : age.end].lower().split())
            if said in worded:
                continue
            worded.add(said)
            by_sentence.setdefault(span, []).append(age)
        found += [Statement(passage, s, e, tuple(a)) for (s, e), a in sorted(by_sentence.items())]
    return found


def by_age(
    searcher: Searcher, question: str, wanted: AgeQuestion, scope: tuple[str, ...], query: str
) -> Answer:
    """The reports of ``scope`` that state the age of someone of the ages asked, each with the
    sentences that state it; "how old" quotes the ages every report states. ``query`` is what
    the conversation is about, kept for the next follow-up."""
    documents = [searcher.document(d) for d in scope]
    stated = {d.doc_id: statements(searcher.library.passages(doc_id=d.doc_id)) for d in documents}
    one = len(documents) == 1
    of = "the report in focus" if one else f"the {len(documents)} reports in focus"
    silent = [d for d in documents if not stated[d.doc_id]]
    chosen = [d for d in documents if wanted.chooses(d, stated[d.doc_id])]
    quoted = {d.doc_id: [s for s in stated[d.doc_id] if wanted.wants(s)] for d in chosen}
    unquoted = [d for d in chosen if not quoted[d.doc_id]]  # held as that age, no sentence says it
    if len(silent) == len(documents) and (wanted.every_age or not chosen):
        which = "it" if one else "any"
        who = "" if wanted.every_age else f", so it cannot tell whether {which} was about {wanted.whom}"
        return Answer(question, f"No age is stated in {of} that the library can read{who}.", True,
                      search_query=query, focus=Focus(query=query))  # fmt: skip
    kept = chosen or documents  # every one for "how old"; none chosen: the focus as it was
    if wanted.every_age:
        lead = f"The ages {of} state{'s' if one else ''}, each in its own words:"
    elif len(unquoted) < len(chosen):
        lead = _states(len(chosen) - len(unquoted), len(documents), wanted.whom)
    else:  # none states it: the ages they do state, to check that by
        none = f"The report in focus states no age of {wanted.whom}." if one else (
            f"None of {of} states the age of {wanted.whom}."
        )  # fmt: skip
        they = "it states" if one else "they state"
        lead = f"{none} The ages {they}, each in its own words:" if len(silent) < len(documents) else none
        quoted = {d.doc_id: stated[d.doc_id] for d in documents}
    shown = [d for d in quoted if quoted[d]]
    if len(shown) > LISTED:
        lead, shown = f"{lead[:-1]}; quoted here, the first {LISTED}:", shown[:LISTED]
    sentences = [(doc_id, s) for doc_id in shown for s in quoted[doc_id][:PER_REPORT]]
    spans = [
        (Hit(n, 1.0, s.passage, searcher.document(doc_id), ((s.start, s.end),), None), s.start, s.end)
        for n, (doc_id, s) in enumerate(sentences, start=1)
    ]
    answer = compose(question, query, spans, 0.0)
    focus = Focus(
        doc_ids=tuple(d.doc_id for d in kept),
        passage_ids=tuple(c.hit.passage.id for c in answer.citations if c.hit.passage.id is not None),
        reviews=tuple(d.cite() for d in kept),
        query=query,
        kept=True,
    )
    notes = []
    if unquoted and not wanted.every_age:
        notes.append(
            f"The library holds {listed(tuple(d.cite() for d in unquoted))} as about {wanted.whom}, though no"
            " sentence of it states the age (a correction, or an age read across passages)."
        )
    if silent:
        notes.append(
            f"No age that the library can read is stated in {listed(tuple(d.cite() for d in silent))}."
        )
    return replace(answer, lead=lead, note=" ".join(notes), focus=focus)


def _states(chosen: int, total: int, whom: str) -> str:
    """'2 of the 8 reports in focus state the age of someone under 18:'."""
    if total == 1:
        return f"The report in focus states the age of {whom}:"
    share = f"All {total}" if chosen == total else f"{chosen} of the {total}"
    return f"{share} reports in focus state{'s' if chosen == 1 else ''} the age of {whom}:"
