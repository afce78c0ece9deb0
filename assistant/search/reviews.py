"""A query → every review that addresses it, best first, with a calibrated "is it about this" line.

Passage search answers "the best ten passages"; this answers "which reviews, how many, where in
each". Every passage the filters allow is scored, none cut off by a candidate pool: its cosine
similarity to the query (exact, every vector) and its BM25 score (every keyword match). A review
scores by its best passage; its strongest passages are its evidence, with one that holds the
query's rarest word when none of them does.

The decision ``match`` (the review is about the topic) is a line on the review's best similarity,
measured for precision first on labelled PFD queries (README, ``eval/reviews.toml``), with most of
the query's words in the review; or the review names the topic in the query's own words (a phrase
of two to six words: "level crossing" in a report whose passages are about the person who died
there). Reviews below it are near misses, listed after the matches and never counted; a query
whose words no review holds (made-up words) gets none, whatever the model makes of it. A topic
that names an age group ("child suicide", "teenagers who ...") also needs the review to be about
someone of that age.
Documents of one case (a review and its response) count once: the best of them stands for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.documents.doc_metadata.ages import QUERY_WORDS, query_groups
from assistant.library import store
from assistant.library.review_rows import PassageOwners, passages_containing
from assistant.records import Document, Filters, Hit
from assistant.search.review_ranking import Ranking, ranking
from assistant.search.searcher import Searcher, content_words, highlight, words
from assistant.search.stemming import other_form

MATCH_THRESHOLD = 0.35  # best passage similarity a matching review reaches (measured: README)
PASSAGE_THRESHOLD = MATCH_THRESHOLD  # similarity from which a passage counts as one that matches
COVERAGE = 0.7  # share of the query's words (weighted by rarity) a matching review must hold
KEYWORD_WEIGHT = 0.3  # share of the (query-normalised) BM25 score in a review's ranking score
PHRASE_WORDS = (2, 6)  # a topic this many words long names itself: a review holding it is about it
PHRASE_SHARE = 0.05  # unless more than this share of the cases hold it: then it is everyday words
PHRASE_FLOOR = 3  # ... and more than this many: in a small library a few cases prove nothing
NEAR_MISSES = 20
NEAR_MISS_MARGIN = 0.15  # a near miss is at most this far below the line (made-up words get none)
EVIDENCE = 3
# How far a count can be relied on, as measured (README, "Which reviews": the hand labels' held-out
# part, precision 0.69 and recall 0.35): said wherever a count is given.
RELIANCE = (
    "When counts like this were checked by reading coroners' reports, about 2 in 3 of those counted were"
    " about the topic, and about 2 in 3 of those about it were not counted: treat the count as a"
    " starting point and read the evidence."
)
# Why a review is counted, or why not: what the app and the terminal say beside it.
MEANING = "close in meaning to your words"
NAMES = "names your topic in your words"
OTHER_AGE = "not about that age group"
FEW_WORDS = "close in meaning but holds too few of your words"
BELOW_LINE = "just below the line"
NO_PASSAGE = "no passage of it is close enough on its own"
WHY = (MEANING, NAMES, OTHER_AGE, FEW_WORDS, BELOW_LINE, NO_PASSAGE)


@dataclass(frozen=True)
class Review:
    rank: int
    document: Document
    score: float
    similarity: float  # the best passage's cosine similarity to the query
    match: bool
    matching_passages: int
    evidence: tuple[Hit, ...]  # its strongest passages, best first (ReviewFinder._evidence)
    why: str = MEANING  # why it is counted, or why not: one of WHY

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "doc_id": self.document.doc_id,
            "title": self.document.title,
            "source": self.document.source,
            "score": round(self.score, 4),
            "match": self.match,
            "matching_passages": self.matching_passages,
            "evidence": [
                {
                    "passage_id": h.passage.id,
                    "text": h.passage.text,
                    "citation": h.citation,
                    "page": h.page,
                    "section": h.passage.section,
                    "highlights": [list(span) for span in h.highlights],
                }
                for h in self.evidence
            ],  # fmt: skip
            "why": self.why,
        }


@dataclass(frozen=True)
class ReviewList:
    query: str
    reviews: tuple[Review, ...]  # the matches, then up to NEAR_MISSES near misses
    note: str | None = None  # what the person should know about the query (e.g. it was cut)

    @property
    def count(self) -> int:
        return sum(r.match for r in self.reviews)

    @property
    def matches(self) -> list[Review]:
        return [r for r in self.reviews if r.match]

    @property
    def near_misses(self) -> list[Review]:
        return [r for r in self.reviews if not r.match]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "count": self.count, "reviews": [r.to_dict() for r in self.reviews]}


@dataclass(frozen=True)
class WordsHeld:
    """What a library's reviews hold of a query's words (:meth:`ReviewFinder.coverage`)."""

    coverage: np.ndarray  # per document: the share of the query's words it holds, by rarity
    known: bool  # some review holds one of them (or the query names only ages): it is about something
    rarest: frozenset[int]  # the passage rows that hold the rarest word any review holds, in any form


def between_ages(text: str) -> list[str]:
    """The stretches of ``text`` between the words that name an age group, each pattern matched
    on the whole text, so that "young children" goes whole instead of leaving "young"."""
    cuts = sorted((m.start(), m.end()) for pattern, _ in QUERY_WORDS for m in pattern.finditer(text))
    stretches, start = [], 0
    for begin, end in cuts:
        stretches.append(text[start:begin])
        start = max(start, end)
    stretches.append(text[start:])
    return stretches


class ReviewFinder:
    """Finds reviews in the library a :class:`Searcher` has open; reads its rows once."""

    def __init__(
        self,
        searcher: Searcher,
        threshold: float = MATCH_THRESHOLD,
        passage_threshold: float = PASSAGE_THRESHOLD,
        near_misses: int = NEAR_MISSES,
    ):
        self.searcher = searcher
        self.library = searcher.library
        self.threshold = threshold
        self.passage_threshold = passage_threshold
        self.near_miss_limit = near_misses
        self.owners = PassageOwners(self.library)
        self.vectors = self._vectors_in_owner_order()
        self.documents = {d.doc_id: d for d in self.library.documents() if d.status == "indexed"}
        case_of = {doc_id: case for case, ids in self.library.cases().items() for doc_id in ids}
        cases = sorted(set(case_of.values()))
        self.case = np.array([cases.index(case_of[d]) if d in case_of else -1 for d in self.owners.doc_ids])
        self.case_count = self._cases_among(np.arange(len(self.owners.doc_ids)))
        self.ages = [
            set(self.documents[d].age_groups) if d in self.documents else set() for d in self.owners.doc_ids
        ]

    def _vectors_in_owner_order(self) -> np.ndarray | None:
        index = self.library.vectors
        if index is None or index.ntotal == 0 or len(self.owners) == 0:
            return None
        ids, vectors = store.all_vectors(index)
        row = {int(pid): n for n, pid in enumerate(ids)}
        order = [row.get(int(pid), -1) for pid in self.owners.ids]
        if min(order) < 0:
            raise ValueError("the library's vectors and passages disagree: rebuild the index")
        return np.ascontiguousarray(vectors[order], dtype=np.float32)

    # -- scoring -------------------------------------------------------------------------------

    def rank(self, query: str, filters: Filters | None = None) -> Ranking | None:
        """Every review with an allowed passage, best first (None: nothing to rank)."""
        searcher = self.searcher
        query = searcher.bounded(query)
        if not query or self.vectors is None:
            return None
        expansion = searcher.vocabulary.expand(query)
        allowed = searcher.allowed_ids(filters)
        mask = np.ones(len(self.owners), dtype=bool)
        if allowed is not None:
            mask = np.isin(self.owners.ids, np.fromiter(allowed, dtype=np.int64, count=len(allowed)))
            if not mask.any():
                return None
        similarity = self.vectors @ searcher.encode(expansion.dense_text).reshape(-1)
        keyword = np.zeros(len(self.owners), dtype=np.float32)
        for pid, bm25 in searcher.keyword_ranking(expansion, allowed, n=len(self.owners)):
            if (at := self.owners.position.get(pid)) is not None:
                keyword[at] = bm25
        if keyword.max() > 0:
            keyword /= keyword.max()
        combined = (1 - KEYWORD_WEIGHT) * similarity + KEYWORD_WEIGHT * keyword
        return ranking(self.owners.owner, combined, similarity, mask, self.passage_threshold)

    def ranked_ids(self, query: str, filters: Filters | None = None) -> list[str]:
        """The doc ids of every review the query reaches, best first (for evaluation)."""
        found = self.rank(query, filters)
        return [] if found is None else [self.owners.doc_ids[o] for o in found.owner]

    # -- deciding and presenting ---------------------------------------------------------------

    def find(self, query: str, filters: Filters | None = None) -> ReviewList:
        """Every matching review, best first, then up to ``near_misses`` that fell below the line."""
        found = self.rank(query, filters)
        if found is None:
            return ReviewList(query, (), self.searcher.query_note(query))
        groups = set(query_groups(query))
        about_ages = np.array([not groups or bool(groups & self.ages[o]) for o in found.owner], dtype=bool)
        first_of_case = np.ones(len(found.owner), dtype=bool)  # a case counts once: its best stands for it
        case = self.case[found.owner]
        if (in_case := np.flatnonzero(case >= 0)).size:
            first_of_case[in_case] = False
            first_of_case[in_case[np.unique(case[in_case], return_index=True)[1]]] = True
        known = np.array([self.owners.doc_ids[o] in self.documents for o in found.owner], dtype=bool)
        listed = first_of_case & known
        held = self._words_held(query)
        if not held.known:  # made-up words, or only stop words: about nothing in this library
            return ReviewList(query, (), self.searcher.query_note(query))
        about_words = held.coverage[found.owner] >= COVERAGE
        by_meaning = (found.similarity >= self.threshold) & about_words & (found.matching > 0)
        naming = self.naming(query, found)
        names_topic = np.bincount(self.owners.owner[naming], minlength=len(self.owners.doc_ids))
        match = listed & about_ages & (by_meaning | (names_topic[found.owner] > 0))
        near = listed & ~match & (found.similarity >= self.threshold - NEAR_MISS_MARGIN)
        rows = [*np.flatnonzero(match), *np.flatnonzero(near)[: self.near_miss_limit]]
        why = [
            (MEANING if by_meaning[r] else NAMES) if match[r]
            else OTHER_AGE if not about_ages[r]
            else BELOW_LINE if found.similarity[r] < self.threshold
            else FEW_WORDS if not about_words[r]
            else NO_PASSAGE  # the review's line reached, no passage's (a line set below the passages')
            for r in rows
        ]  # fmt: skip
        return self._reviews(query, found, rows, int(match.sum()), naming, held.rarest, why)

    def naming(self, query: str, found: Ranking) -> np.ndarray:
        """The passage rows, among those ranked, that hold the topic in the query's own words: of
        the stretches of the query between its age words, the one with the most content words,
        from its first content word to its last, when that is :data:`PHRASE_WORDS` long
        (Porter-stemmed, as the keyword index matches). None when the phrase is common: held by
        more than :data:`PHRASE_SHARE` of the library's cases (and more than
        :data:`PHRASE_FLOOR`), as "mental health" or "risk assessment" are (a mention is not a
        topic); a review and its response are one case."""
        best: list[str] = []
        most = 1  # a topic needs two content words at least
        for stretch in between_ages(self.searcher.bounded(query)):
            said, meaningful = words(stretch), set(content_words(stretch))
            content = [n for n, w in enumerate(said) if w in meaningful]
            if len(content) > most:
                best, most = said[content[0] : content[-1] + 1], len(content)
        if not PHRASE_WORDS[0] <= len(best) <= PHRASE_WORDS[1]:
            return np.zeros(0, dtype=np.int64)
        holding = passages_containing(self.library, " ".join(best), len(self.owners))
        position = self.owners.position
        rows = np.array([position[p] for p in holding if p in position], dtype=np.int64)
        naming_cases = self._cases_among(np.unique(self.owners.owner[rows]))
        if naming_cases > max(PHRASE_FLOOR, PHRASE_SHARE * self.case_count):
            return np.zeros(0, dtype=np.int64)
        ranked = np.zeros(len(self.owners), dtype=bool)
        ranked[found.order] = True  # the passages the filters allow
        return np.sort(rows[ranked[rows]])

    def _cases_among(self, owners: np.ndarray) -> int:
        """How many cases these documents (owner indices, each once) make: a document in no case
        is a case of its own."""
        cases = self.case[owners]
        return len(np.unique(cases[cases >= 0])) + int((cases < 0).sum())

    def coverage(self, query: str) -> np.ndarray:
        """Per document: the share of the query's words it holds, each word weighted by its rarity
        (inverse document frequency), age words left out (ages are decided from the documents).
        A word is held in any form the keyword index joins, in its irregular singular or plural
        ("lives" by "life": :func:`~assistant.search.stemming.other_form`), or in the field's
        other ways of saying it ("suicide" by "took her own life": the vocabulary's [[same]]); its
        rarity is that of all its forms together."""
        return self._words_held(query).coverage

    def _words_held(self, query: str) -> WordsHeld:
        """:meth:`coverage`, whether any review holds any of the query's words, and where the
        rarest of them is held."""
        text = " ".join(between_ages(self.searcher.bounded(query)))
        terms = list(dict.fromkeys(content_words(text)))[: self.searcher.max_query_terms]
        documents = len(self.owners.doc_ids)
        held = np.zeros(documents)
        total, known = 0.0, not terms and bool(query_groups(query))  # "teenagers": ages alone
        rarest: frozenset[int] = frozenset()
        heaviest = -1.0
        for term in terms:
            # "lives" is held by "life"; "suicide" by "took her own life" (the field's vocabulary)
            forms = (term, *filter(None, [other_form(term)]), *self.searcher.vocabulary.same_as(term))
            rows = [
                self.owners.position[p]
                for form in forms
                for p in passages_containing(self.library, form, len(self.owners))
            ]
            if not rows:
                continue  # a word no review holds tells none apart
            owners = np.unique(self.owners.owner[rows])
            weight = max(0.0, float(np.log(documents / (1 + len(owners)))))
            held[owners] += weight
            total += weight
            known = True
            if weight > heaviest:
                rarest, heaviest = frozenset(rows), weight
        return WordsHeld(held / total if total else np.ones(documents), known, rarest)

    def _reviews(
        self,
        query: str,
        found: Ranking,
        rows: list[int],
        matches: int,
        naming: np.ndarray,
        rarest: frozenset[int],
        why: list[str],
    ) -> ReviewList:
        expansion = self.searcher.vocabulary.expand(self.searcher.bounded(query))
        named = set(naming.tolist())
        chosen = [self._evidence(found, row, named, rarest) for row in rows]
        wanted = [pid for ids in chosen for pid, _ in ids]
        passages = {
            p.id: p for at in range(0, len(wanted), 900) for p in self.library.passages(wanted[at : at + 900])
        }
        reviews = []
        for n, (row, ids) in enumerate(zip(rows, chosen, strict=True), start=1):
            document = self.documents[self.owners.doc_ids[found.owner[row]]]
            evidence = tuple(
                Hit(k, s, passages[pid], document, highlight(passages[pid].text, expansion), s)
                for k, (pid, s) in enumerate(ids, start=1)
                if pid in passages
            )
            below_line = sum(
                1 for r in found.passages(row, len(self.owners)) if r in named
                and found.passage_similarity[r] < self.passage_threshold
            )  # fmt: skip
            reviews.append(
                Review(n, document, float(found.score[row]), float(found.similarity[row]), n <= matches,
                       int(found.matching[row]) + below_line, evidence, why[n - 1])
            )  # fmt: skip
        return ReviewList(query, tuple(reviews), self.searcher.query_note(query))

    def _evidence(
        self, found: Ranking, row: int, named: set[int], rarest: frozenset[int]
    ) -> list[tuple[int, float]]:
        """Its strongest passages that reach the passage line, else those that name the topic,
        else its best ones. When none of them holds the query's rarest word and another passage
        does, the best of those takes the last place: "ligature points on mental health wards"
        shows where a review speaks of ligatures, not only three passages about its wards."""
        rows = [int(r) for r in found.passages(row, len(self.owners))]
        top = rows[: 2 * EVIDENCE]
        strong = [r for r in top if found.passage_similarity[r] >= self.passage_threshold]
        chosen = (strong or [r for r in rows if r in named] or top)[:EVIDENCE]
        holding = next((r for r in rows if r in rarest), None)
        if holding is not None and rarest.isdisjoint(chosen):
            chosen = [*chosen[: EVIDENCE - 1], holding]
        return [(int(self.owners.ids[r]), float(found.passage_similarity[r])) for r in chosen]
