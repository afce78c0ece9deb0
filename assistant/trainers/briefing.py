"""A seven-minute briefing drafted from a pack's passages and their reviews.

Extractive: every quotation is a span of a review's cleaned text, copied word for word with its
offsets and citation (a long sentence is cut at a word and marked, never reworded). What the
app writes itself (why it matters, the reflective questions) comes from the themes file and the
questions file, never from a review, and is the trainer's text to edit: it is kept apart from
quotations in the records and in every export.

background   the first sentences of each review's introduction
why          the trainer's words, drafted from the learning themes of the passages
learning     the highlighted sentences of each passage (the best one where none is marked)
actions      the recommendations (the gathered ones, else the review's on the same themes), then
             for coroners' reports the first sentence of each one's matters of concern
good         the responses to those recommendations
questions    suggested by the passages' themes (questions.toml), then the closing questions
reading      the reviews cited
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.documents.doc_metadata.naming import month_year
from assistant.field import data_files
from assistant.field.concerns import concerns, is_coroners_report, listed, past_the_form, stock
from assistant.field.status import split_response
from assistant.library import Library
from assistant.records import Document, Passage
from assistant.records import citation as cited
from assistant.sentences import sentence_spans
from assistant.trainers.packs import MAX_QUOTES, Briefing, Pack, PackItem, Part, Quote, Reading

QUESTIONS_FILE = data_files.DATA_DIR / "questions.toml"
QUOTE_WORDS = 40  # the longest quotation, in words, before it is cut (readable from the back of a room)
MIN_WORDS = 6  # shorter "sentences" are headings or labels
REVIEWS = 4  # reviews quoted in the background
LEARNING = 6  # key-learning quotations in all (two a passage for up to three passages, else one)
ACTIONS = 4  # recommendations quoted under "what to do" (and their responses under "what good looks like")
THEMED_QUESTIONS = 4
# Where a review's background is, best first: a review's introduction; a coroner's report opens
# with "I commenced an investigation ...", its circumstances say what happened.
BACKGROUND = ("Introduction", "Circumstances of the death")
FROM_CONCERNS = (
    "Coroners' reports make no numbered recommendations: for each coroner's report quoted here, its first"
    " matter of concern stands for what should change."
)
ADULT_GROUPS = frozenset({"adult", "older"})  # the age groups of a pack about adults only
LABEL = re.compile(  # "Recommendation 3 -", "Board Response:", "Partnership Response –" before a quote
    r"\A[\s*_#>]*(?:recommendation\s+\d+[a-z]?\s*[:.\u2013\u2014-]?|(?:[\w'\u2019]+\s+){0,2}response\s*[:\u2013\u2014-])\s*",
    re.I,
)
WORD = re.compile(r"\S+")
SENTENCE_END = re.compile(r"[.!?:;][\"'\u201d\u2019)\]*_]*\s*\Z")


@dataclass(frozen=True)
class QuestionBank:
    themes: dict[str, tuple[str, ...]]  # theme → its questions
    adults: dict[str, tuple[str, ...]]  # theme → its questions for a pack about adults only
    closing: tuple[str, ...]


@lru_cache(maxsize=4)
def _questions(path: Path = QUESTIONS_FILE) -> QuestionBank:
    data, _ = data_files.read(path, "questions file")
    where = f"questions file {path}"
    tables = {}
    for name in ("themes", "adults"):
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise data_files.AssistantError(f"{where}: {name} must be a table of lists")
        tables[name] = {k: data_files.strings(v, where, f"{name}.{k}") for k, v in table.items()}
    return QuestionBank(
        tables["themes"], tables["adults"], data_files.strings(data.get("closing"), where, "closing")
    )


def quote_span(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """``text[start:end]`` without a leading "Recommendation N -" label, cut after QUOTE_WORDS
    words; and whether it was cut."""
    label = LABEL.match(text[start:end])  # (\A does not match at a later ``pos``)
    if label:
        start += label.end()
    words = list(WORD.finditer(text, start, end))
    if len(words) <= QUOTE_WORDS:
        return start, end, False
    cut = words[QUOTE_WORDS - 1].end()
    while cut > start and text[cut - 1] in ",;:\u2013\u2014-":
        cut -= 1
    return start, cut, True


def _quote(passage: Passage, citation: str, document_sha: str, title: str, start: int, end: int) -> Quote:
    """A quotation from ``passage.text[start:end]`` (offsets in the passage), anchored in its document."""
    start, end, cut = quote_span(passage.text, start, end)
    return Quote(passage.text[start:end], citation, document_sha, passage.char_start + start,
                 passage.char_start + end, passage.doc_id, title, cut)  # fmt: skip


def _sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Whole sentences: headings (no closing punctuation) and fragments are left out."""
    found = []
    for s, e in sentence_spans(text, start, end):
        body = LABEL.sub("", text[s:e])
        if len(WORD.findall(body)) >= MIN_WORDS and SENTENCE_END.search(text, s, e):
            found.append((s, e))
    return found


class Drafter:
    """Drafts a briefing from a pack against one library."""

    def __init__(self, library: Library):
        self.library = library
        self.labels = library.theme_labels()
        self.descriptions = {t.theme: t.description for t in library.themes()}
        self._documents = {d.doc_id: d for d in library.documents() if d.status == "indexed"}

    def _document(self, item: PackItem) -> Document | None:
        document = self._documents.get(item.passage.doc_id)
        if document is None:
            return None
        text = self.library.document_text(document.doc_id)
        q = item.passage
        return document if text[q.start : q.end] == q.text or q.text in text else None

    def _passage(self, item: PackItem, document: Document) -> Passage | None:
        for passage in self.library.passages(doc_id=document.doc_id):
            if passage.text == item.passage.text or (passage.char_start, passage.char_end) == (
                item.passage.start, item.passage.end,
            ):  # fmt: skip
                return passage
        return None

    def draft(self, pack: Pack) -> Briefing:
        present: list[tuple[PackItem, Document, Passage]] = []
        for item in pack.items:
            document = self._document(item)
            passage = self._passage(item, document) if document else None
            if document and passage:
                present.append((item, document, passage))
        documents = list({d.doc_id: d for _, d, _ in present}.values())
        themes = self._themes(pack.items)
        actions, good, said = self._actions(present, documents, set(themes))
        background = self._background(documents)
        return Briefing(
            title=pack.name,
            audience="",
            background=Part(tuple(background)),
            why=Part(text=self._why(themes, self._held(present), len(documents))),
            learning=Part(
                tuple(self._learning(present, {(q.sha256, q.start) for q in (*background, *actions, *good)}))
            ),
            actions=Part(tuple(actions), said),
            good=Part(tuple(good)),
            questions=self._suggested_questions(themes, documents),
            reading=tuple(self._reading(pack.items, documents)),
        )

    # -- the parts ----------------------------------------------------------------------------

    def _background(self, documents: list[Document]) -> list[Quote]:
        quotes = []
        for document in documents[:REVIEWS]:
            passages = self.library.passages(doc_id=document.doc_id)
            sections = [p.section for p in passages]
            first = next((sections.index(name) for name in BACKGROUND if name in sections), 0)
            intro = passages[first] if passages else None
            if intro is None:
                continue
            citation = cited(intro, document)
            for s, e in _sentences(intro.text)[:1]:
                quotes.append(_quote(intro, citation, document.sha256, document.title, s, e))
        return quotes[:MAX_QUOTES]

    def _learning(
        self, present: list[tuple[PackItem, Document, Passage]], used: set[tuple[str, int]]
    ) -> list[Quote]:
        quotes = []
        for item, document, passage in present[:LEARNING]:
            citation = cited(passage, document)
            recommendation, _, _ = split_response(passage.text)
            marked = [s for s in item.highlights if 0 <= s[0] < s[1] <= len(passage.text)]
            whole = _sentences(passage.text, 0, len(recommendation)) or _sentences(passage.text)
            for spans, most in ((marked, 2 if len(present) <= LEARNING // 2 else 1), (whole, 1)):
                fresh = [
                    q for s, e in spans
                    if (q := _quote(passage, citation, document.sha256, document.title, s, e))
                    and (q.sha256, q.start) not in used
                ][:most]  # fmt: skip
                if fresh:
                    used.update((q.sha256, q.start) for q in fresh)
                    quotes += fresh
                    break
        return quotes[:LEARNING]

    def _actions(
        self, present: list[tuple[PackItem, Document, Passage]], documents: list[Document], themes: set[str]
    ) -> tuple[list[Quote], list[Quote], str]:
        """The recommendations quoted, their responses, and what the app says of them (that a
        coroner's concerns stand for recommendations, where they do)."""
        chosen = [(d, p) for _, d, p in present if p.recommendation is not None]
        if not chosen:  # the review's own recommendations on the pack's themes
            for document in documents:
                chosen += [
                    (document, p)
                    for p in self.library.passages(doc_id=document.doc_id)
                    if p.recommendation is not None and themes & set(p.themes)
                ][:2]
        actions, good = [], []
        for document, passage in chosen[:ACTIONS]:
            citation = cited(passage, document)
            recommendation, response, offset = split_response(passage.text)
            asked = _sentences(passage.text, 0, len(recommendation) if response else None)
            if asked:
                actions.append(_quote(passage, citation, document.sha256, document.title, *asked[0]))
            if response and offset is not None:
                answered = _sentences(passage.text, offset, offset + len(response))
                if answered:
                    good.append(_quote(passage, citation, document.sha256, document.title, *answered[0]))
        # Coroners' reports number no recommendations: what each says must change, in its own words.
        concerned = self._concerns([d for d in documents if is_coroners_report(d)])[: ACTIONS - len(actions)]
        return actions + concerned, good, FROM_CONCERNS if concerned else ""

    def _concerns(self, documents: list[Document]) -> list[Quote]:
        """Each report's first concern: the first item of its matters of concern where the coroner
        lists them (what comes before the list is what led to them: "I heard evidence from ..."),
        else their first sentence; never the form's own words, which a concern may open with."""
        quotes = []
        for document in documents:
            found = [
                (passage, s + past_the_form(passage.text[s:e]), e)
                for passage in concerns(self.library.passages(doc_id=document.doc_id))
                for s, e in _sentences(passage.text)
                if not stock(passage.text[s:e])
            ]  # fmt: skip
            first = next((f for f in found if listed(f[0].text[f[1] : f[2]])), found[0] if found else None)
            if first:
                passage, start, end = first
                citation = cited(passage, document)
                quotes.append(_quote(passage, citation, document.sha256, document.title, start, end))
        return quotes[:ACTIONS]

    def _themes(self, items: tuple[PackItem, ...]) -> list[str]:
        """The pack's themes, weightiest first: a passage's first theme counts most, and the
        pack's first passages (the strongest, when gathered from a search) more than later ones."""
        weight: dict[str, float] = {}
        for place, item in enumerate(items):
            for rank, theme in enumerate(item.themes):
                weight[theme] = weight.get(theme, 0.0) + 1.0 / (rank + 1) / (place + 1)
        return sorted(weight, key=weight.__getitem__, reverse=True)  # stable: ties keep first-seen order

    @staticmethod
    def _held(present: list[tuple[PackItem, Document, Passage]]) -> dict[str, int]:
        """Per theme, how many of the pack's reviews carry it on a passage of the pack."""
        reviews: dict[str, set[str]] = {}
        for item, document, _ in present:
            for theme in item.themes:
                reviews.setdefault(theme, set()).add(document.doc_id)
        return {theme: len(ids) for theme, ids in reviews.items()}

    def _why(self, themes: list[str], held: dict[str, int], reviews: int) -> str:
        """What the pack's reviews hold learning about: up to three of its weightiest themes that
        at least half of its reviews carry (``held``: reviews per theme), those most carry first,
        each with how many where not all do. A theme of one review in four is not what the pack is
        about, however strong its passage."""
        if reviews:
            themes = [t for t in themes if 2 * held.get(t, 0) >= reviews][:3]
            themes.sort(key=lambda t: -held[t])  # stable: equal counts keep their weight's order
        if not themes:
            return ""
        named = [(_lower_first(self.labels.get(t, t)), held.get(t, reviews)) for t in themes[:3]]
        (label, n), rest = named[0], named[1:]
        # the pack's reviews, never the library's count of the theme (the Themes page gives that)
        lead = (
            "The learning here is" if not reviews
            else "The one review in this pack holds learning" if reviews == 1
            else f"The {reviews} reviews in this pack hold learning" if n == reviews
            else f"{n} of the {reviews} reviews in this pack {'holds' if n == 1 else 'hold'} learning"
        )  # fmt: skip
        if all(m == n == reviews for _, m in rest) or not reviews:
            about = f" {label}" if not rest else ": " + "; ".join(x for x, _ in named)
            text = f"{lead} about{about}."
        else:
            text = (
                f"{lead} about {label}"
                + "".join(
                    f"; {'all' if m == reviews else m} of the {reviews} about {other}" for other, m in rest
                )
                + "."
            )
        described = self.descriptions.get(themes[0], "")
        return f"{text} {described}".strip()

    def _suggested_questions(self, themes: list[str], documents: list[Document]) -> tuple[str, ...]:
        """The questions for the pack's themes; those for adults when every review of the pack
        whose ages are known is about adults (and one is known)."""
        ages = [set(d.age_groups) for d in documents if d.age_groups]
        adults = bool(ages) and all(groups <= ADULT_GROUPS for groups in ages)
        return suggested_questions(themes, adults=adults)

    def _reading(self, items: tuple[PackItem, ...], documents: list[Document]) -> list[Reading]:
        reading = {d.doc_id: Reading(d.cite(), _traceable(d), d.url) for d in documents}
        for item in items:  # reviews no longer in the library are still cited
            q = item.passage
            if q.doc_id not in reading:
                reading[q.doc_id] = Reading(q.citation.split(": ")[0], q.title)
        return list(reading.values())


def _traceable(document: Document) -> str:
    """A review's title with what finds it again: a coroner's report number, its publisher, when
    ('Prevention of Future Deaths report: Ivy Mitchell (PFD report 2017-0453, Somerset, January
    2017)'); the reading list's citation alone ('Ivy Mitchell (2017)') does not."""
    number = f"PFD report {document.reference}" if document.reference else ""
    details = ", ".join(p for p in (number, document.partnership, month_year(document.published)) if p)
    return f"{document.title} ({details})" if details else document.title


def _lower_first(label: str) -> str:
    """'Water safety and bathing' → 'water safety and bathing'; 'GP records ...' stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def suggested_questions(
    themes: list[str], limit: int = THEMED_QUESTIONS, adults: bool = False
) -> tuple[str, ...]:
    """Questions for the pack's themes (the most common first, at most two each), then the
    closing questions; for a pack about adults only, a theme's questions for adults where it has
    them (working with families asks about the person at risk, not "the child")."""
    bank = _questions()
    chosen: list[str] = []
    for theme in themes:
        asked = bank.adults.get(theme) if adults else None
        for question in (asked or bank.themes.get(theme, ()))[:2]:
            if len(chosen) < limit and question not in chosen:
                chosen.append(question)
    return (*chosen, *bank.closing)


def draft(pack: Pack, library: Library) -> Briefing:
    return Drafter(library).draft(pack)
