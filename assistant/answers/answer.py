"""Hits → a grounded answer: sentences quoted word for word from the reviews, each cited.

No language model is needed. The answer is built from the sentences of the retrieved passages
that are closest in meaning to the question, grouped by review. When the best passage is not
close enough (a threshold calibrated by ``assistant eval``), the answer says plainly that the
reviews hold nothing on the question, and offers the nearest passages as suggestions only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.records import Hit
from assistant.search.searcher import Searcher, content_words
from assistant.sentences import sentence_spans

MAX_PASSAGES = 4  # passages the answer may quote from
MAX_PER_PASSAGE = 3  # sentences quoted from one passage
PASSAGE_SHARE = 0.85  # a passage is quoted if its similarity is at least this share of the best
SENTENCE_SHARE = 0.5  # a sentence is quoted if it scores at least this share of the best sentence
FOLLOW_UP = re.compile(
    r"^(and|also|what about|how about|but|so|then)\b|\b(they|them|their|it|its|that|this|those|these|he|she|"
    r"his|her)\b",
    re.I,
)
NOT_FOUND = (
    "The reviews in this library do not address this question. Nothing below is an answer: "
    "these are the nearest passages, offered in case they help you rephrase."
)


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class Citation:
    n: int
    hit: Hit

    def to_dict(self) -> dict[str, Any]:
        p = self.hit.passage
        return {
            "n": self.n,
            "doc_id": p.doc_id,
            "title": self.hit.document.title,
            "source": self.hit.document.source,
            "section": p.section,
            "page": p.page_start,
            "passage_id": p.id,
            "citation": self.hit.citation,
            "passage": p.text,
        }


@dataclass(frozen=True)
class Focus:
    """What a conversation is about after an answer: the reviews and passages it cited."""

    doc_ids: tuple[str, ...] = ()
    passage_ids: tuple[int, ...] = ()
    reviews: tuple[str, ...] = ()  # the reviews as people cite them, in doc_ids' order
    query: str = ""  # what was searched for, so that "and in Child I?" can ask it again
    kept: bool = False  # the answer was looked for within the earlier focus
    left: tuple[str, ...] = ()  # the reviews of an earlier focus this answer moved away from
    joined: bool = False  # asked together with the earlier question, of the whole library
    held: bool = False  # "not found": the focus is as it was, for the next question

    @property
    def note(self) -> str:
        """One line a person reads: which reviews the answer kept in focus, or left."""
        if self.held and self.reviews:  # not "following on": nothing was found to follow on with
            return f"Still in focus for your next question: {listed(self.reviews)}."
        if self.kept and self.reviews:
            return f"Following on from the earlier answer: kept in focus {listed(self.reviews)}."
        if self.joined:
            left = f" (not only {listed(self.left)})" if self.left else ""
            return f"Following on from the earlier question, in every review{left}."
        if self.left:
            return f"A new topic: the answer no longer keeps {listed(self.left)} in focus."
        return ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [
                {"doc_id": d, "citation": r} for d, r in zip(self.doc_ids, self.reviews, strict=True)
            ],
            "passages": list(self.passage_ids),
            "kept": self.kept,
            "joined": self.joined,
            "held": self.held,
            "left": list(self.left),
            "note": self.note,
        }


def listed(reviews: tuple[str, ...], most: int = 4) -> str:
    """Reviews as a note names them: a focus of every review counted can hold hundreds."""
    rest = len(reviews) - most
    return "; ".join(reviews[:most]) + (f" and {rest} more" if rest > 0 else "")


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    no_answer: bool
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[Hit, ...] = ()
    confidence: float = 0.0  # the best passage's similarity to the question
    note: str = ""
    search_query: str = field(default="", compare=False)
    themes: tuple[str, ...] = ()  # with "not found": the nearest learning themes, as suggestions
    focus: Focus | None = None  # in a conversation: what it is about after this answer
    lead: str = ""  # the app's own words before the quotations (a count), never a quotation

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "no_answer": self.no_answer,
            "sentences": [{"text": s.text, "citations": list(s.citations)} for s in self.sentences],
            "citations": [c.to_dict() for c in self.citations],
            "suggestions": [h.to_dict() for h in self.suggestions],
            "suggested_themes": list(self.themes),
            "confidence": round(self.confidence, 4),
            "note": self.note,
            "focus": None if self.focus is None else self.focus.to_dict(),
            "lead": self.lead,
        }


def search_query(question: str, history: list[Turn] | None) -> str:
    """The question, read in the context of the conversation when it is a follow-up."""
    earlier = [t.text for t in history or [] if t.role == "user"]
    if earlier and (FOLLOW_UP.search(question) or len(content_words(question)) <= 2):
        return f"{earlier[-1]} {question}"
    return question


def nearest_themes(searcher: Searcher, query: str, n: int = 3) -> tuple[str, ...]:
    """Labels of the ``n`` learning themes closest in meaning to the question."""
    from assistant.answers.suggestions import nearest_themes as ranked  # it imports this module

    return tuple(label for _, label, _ in ranked(searcher, query)[:n])


def ask(
    searcher: Searcher, question: str, history: list[Turn] | None = None, threshold: float = 0.45
) -> Answer:
    """An extractive, cited answer, or an honest "not found" with suggestions."""
    query = searcher.bounded(search_query(question.strip(), history))  # a long question is cut
    hits = searcher.search(query, k=8)
    confidence = max((h.similarity or 0.0 for h in hits), default=0.0)
    if not hits or confidence < threshold:
        return Answer(question, NOT_FOUND, True, suggestions=tuple(hits[:3]), confidence=confidence,
                      search_query=query, themes=nearest_themes(searcher, query))  # fmt: skip
    close = [h for h in hits if (h.similarity or 0.0) >= confidence * PASSAGE_SHARE][:MAX_PASSAGES]
    chosen = _choose_sentences(searcher, query, close)
    return compose(question, query, chosen, confidence)


def _choose_sentences(searcher: Searcher, query: str, hits: list[Hit]) -> list[tuple[Hit, int, int]]:
    """(hit, start, end) of the sentences closest to the question, in each passage's order.

    Passages keep their search order; within a passage the sentences keep their reading order,
    so a recommendation is followed by its response.
    """
    spans = [(hit, s, e) for hit in hits for s, e in sentence_spans(hit.passage.text) if e - s >= 20]
    if not spans:
        return []
    texts = [hit.passage.text[s:e] for hit, s, e in spans]
    similarity = searcher.model.encode(texts) @ searcher.encode(query)[0]
    bar = SENTENCE_SHARE * float(similarity.max())
    chosen = []
    for hit in hits:
        mine = [i for i, span in enumerate(spans) if span[0] is hit and similarity[i] >= bar]
        best = sorted(mine, key=lambda i: -similarity[i])[:MAX_PER_PASSAGE]
        chosen += [spans[i] for i in sorted(best)]
    return chosen


def compose(question: str, query: str, chosen: list[tuple[Hit, int, int]], confidence: float) -> Answer:
    """Number the passages, group the sentences by review and write the text a person reads."""
    numbers: dict[int | None, int] = {}
    citations: list[Citation] = []
    by_review: dict[str, list[AnswerSentence]] = {}
    for hit, start, end in chosen:
        if hit.passage.id not in numbers:
            numbers[hit.passage.id] = len(numbers) + 1
            citations.append(Citation(numbers[hit.passage.id], hit))
        text = " ".join(hit.passage.text[start:end].split())
        sentence = AnswerSentence(text, (numbers[hit.passage.id],))
        by_review.setdefault(hit.document.cite(), []).append(sentence)
    lines = []
    for review, sentences in by_review.items():
        lines.append(f"From {review}:")
        lines += [f"- {s.text} [{s.citations[0]}]" for s in sentences]
        lines.append("")
    said = tuple(s for group in by_review.values() for s in group)
    return Answer(question, "\n".join(lines).strip(), False, said, tuple(citations),
                  confidence=confidence, search_query=query)  # fmt: skip
