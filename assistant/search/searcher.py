"""A query → cited passages: keyword (FTS5, BM25) and dense (FAISS) search, fused.

Both searches see the query through the field's vocabulary (:mod:`assistant.field.vocabulary`), so
"GP record storage" also looks for "general practice" and "receipt and storage". Filters limit
both searches to the same passages before ranking, so a filter never empties a page of results
that a wider search would have filled. A query none of whose words (nor their related terms) any
passage holds, made-up or all misspelt, finds nothing rather than the passages nearest a
meaningless vector; the dense mode alone, a measuring baseline, still ranks them.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

import numpy as np

from assistant.documents.doc_metadata.ages import query_groups
from assistant.embedding import Embedder
from assistant.errors import NotFound
from assistant.field.vocabulary import Expansion, Vocabulary
from assistant.field.vocabulary import load as load_vocabulary
from assistant.library import Library
from assistant.records import Document, Filters, Hit, Passage
from assistant.search.fusion import reciprocal_rank, weighted_scores
from assistant.search.spelling import Spelling
from assistant.search.stemming import stem
from assistant.sentences import sentence_spans
from assistant.settings import Settings

Mode = Literal["hybrid", "keyword", "dense", "rrf"]  # rrf: the reciprocal-rank-fusion baseline
MODES: tuple[Mode, ...] = get_args(Mode)
CANDIDATES = 50  # from each search, before fusion
KEYWORD_WEIGHT = 0.6  # share of the keyword score in the fused score (measured: README)
MAX_QUERY_CHARS = Settings.max_query_chars  # the settings' defaults, for callers without settings
MAX_QUERY_TERMS = Settings.max_query_terms
RARE_BUDGET = Settings.keyword_rare_budget
FULL_BELOW = Settings.keyword_full_below
EXPANSION_CACHE = 256  # queries whose vocabulary expansion is kept
WORD = re.compile(r"\w[\w'&-]*\w|\w")
STOPWORDS = frozenset(
    "a about after all also am an and any are as at be been before being between both but by can "
    "could did do does doing during each for from further had has have having how i if in into is "
    "it its it's me more most my no nor not of off on once only or other our out over own same "
    "she should so some such than that the their them then there these they this those through "
    "to too under until up very was we were what when where which while who whom why will with "
    "would you your learning lessons lesson review reviews say said says tell show find any "
    "anything there regarding around re please".split()
)


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def query_phrases(expansion: Expansion, max_terms: int = MAX_QUERY_TERMS) -> list[str]:
    """The phrases a keyword search looks for: any content word of the query, or any related
    phrase; at most ``max_terms`` of them (the first words of the query, then its related
    phrases), so a long query cannot become thousands of OR terms."""
    terms = content_words(expansion.query)
    phrases = [*terms, *(t.lower() for t in expansion.matched), *(t.lower() for t in expansion.related)]
    seen: list[str] = []
    for phrase in phrases:
        cleaned = " ".join(words(phrase))
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
            if len(seen) >= max_terms:
                break
    return seen


def fts_query(expansion: Expansion, max_terms: int = MAX_QUERY_TERMS) -> str:
    """The plain FTS5 expression: every phrase of :func:`query_phrases`, OR-ed."""
    return " OR ".join(f'"{p}"' for p in query_phrases(expansion, max_terms))


def highlight(text: str, expansion: Expansion, limit: int = 2) -> tuple[tuple[int, int], ...]:
    """Spans of the sentences in ``text`` that share the most words with the query."""
    query_stems = {stem(w) for w in content_words(expansion.query)}
    related = [t.lower() for t in (*expansion.matched, *expansion.related)]
    scored = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        lowered = sentence.lower()
        overlap = len(query_stems & {stem(w) for w in content_words(sentence)})
        bonus = sum(0.5 for term in related if term in lowered)
        if overlap + bonus > 0:
            scored.append((overlap + min(bonus, 1.5), start, end))
    if not scored:
        return ()
    best = max(score for score, _, _ in scored)
    chosen = sorted(scored, key=lambda s: -s[0])[:limit]
    return tuple(sorted((s, e) for score, s, e in chosen if score >= best / 2))


class Searcher:
    """Searches one opened library generation with one embedder."""

    def __init__(
        self,
        library: Library,
        embedder: Embedder | None,
        vocabulary: Vocabulary | None = None,
        max_query_chars: int = MAX_QUERY_CHARS,
        max_query_terms: int = MAX_QUERY_TERMS,
        rare_budget: int = RARE_BUDGET,
        full_below: int = FULL_BELOW,
    ):
        self.library = library
        self.embedder = embedder
        self.vocabulary = vocabulary or load_vocabulary()
        self.max_query_chars = max_query_chars
        self.max_query_terms = max_query_terms
        self.rare_budget = rare_budget
        self.full_below = full_below
        self._expansions: dict[str, Expansion] = {}
        self.spelling = Spelling(library)

    def query_note(self, query: str) -> str | None:
        """What a person should be told about their query: that it was cut; and the words no
        passage holds, with the nearest the library does hold (a vocabulary term is not one:
        'SUDI' is searched by its spelled-out name)."""
        notes = []
        if len(query.strip()) > self.max_query_chars:
            notes.append(
                f"the query is {len(query.strip()):,} characters long; only its first "
                f"{self.max_query_chars:,} were searched"
            )
        if spelled := self.spelling.note(self._spelt_words(query)):
            notes.append(spelled)
        return "; ".join(notes) or None

    def respelled(self, query: str) -> str | None:
        """The query with the words no passage holds spelt as the library spells them ('level
        crosing' → 'level crossing'), to offer, never to search instead; None when none are."""
        return self.spelling.respelled(self.bounded(query), self._spelt_words(query))

    def _spelt_words(self, query: str) -> list[str]:
        """The query's content words, each part of 'self-harn' or 'review's' apart, but for the
        words of vocabulary terms."""
        query = self.bounded(query)
        expanded = {w for term in self.vocabulary.expand(query).matched for w in words(term)}
        parts = [
            part for word in content_words(query) if word not in expanded for part in re.split(r"[-']", word)
        ]
        return [part for part in parts if part and part not in STOPWORDS]

    def bounded(self, query: str) -> str:
        """The part of a query that is searched: at most ``max_query_chars``, cut at a word."""
        query = query.strip()
        if len(query) <= self.max_query_chars:
            return query
        cut = query[: self.max_query_chars]
        return cut.rsplit(None, 1)[0] if " " in cut.strip() else cut

    # -- public calls ---------------------------------------------------------------------------

    def search(
        self, query: str, k: int = 10, filters: Filters | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        query = self.bounded(query)
        if not query or self.library.passage_count == 0:
            return []
        expansion = self.expand(query)
        allowed = self.allowed_ids(filters)
        if allowed is not None and not allowed:
            return []
        keyword: list[tuple[int, float]] = []
        dense: list[tuple[int, float]] = []
        vector = None
        if mode != "dense":
            keyword = self.keyword_ranking(expansion, allowed)
            if not keyword and (allowed is None or not self.keyword_ranking(expansion, None, 1)):
                return []  # no passage holds any of its words: it is about nothing in this library
        if mode != "keyword":
            vector = self.encode(expansion.dense_text)
            dense = self.dense_ranking(vector, allowed)
        if mode == "hybrid":
            # A keyword candidate outside the dense top 50 gets its true similarity, not 0.
            found = {pid for pid, _ in dense}
            assert vector is not None  # encoded above for every mode but keyword
            dense += self.dense_scores(vector, [pid for pid, _ in keyword if pid not in found])
            fused = weighted_scores([keyword, dense], [KEYWORD_WEIGHT, 1 - KEYWORD_WEIGHT])
        elif mode == "rrf":
            fused = reciprocal_rank([[pid for pid, _ in keyword], [pid for pid, _ in dense]])
        else:
            fused = keyword or dense
        if named := query_groups(query):  # "self-harm in teenagers": that age group first
            fused = self.age_first(fused, named)
        return self._hits(fused[:k], expansion, vector)

    def more_like(self, passage_id: int, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Passages closest in meaning to one passage, itself left out."""
        stored = self.library.vector(passage_id) if self.library.passages([passage_id]) else None
        if stored is None:
            raise NotFound(f"no passage {passage_id} in the library at {self.library.index_dir}")
        vector = stored.reshape(1, -1)
        allowed = self.allowed_ids(filters)
        ranked = [(pid, s) for pid, s in self.dense_ranking(vector, allowed, k + 1) if pid != passage_id]
        expansion = Expansion(self.library.passages([passage_id])[0].text[:300], (), (), "")
        return self._hits([(pid, s) for pid, s in ranked[:k]], expansion, vector)

    # -- the two searches -----------------------------------------------------------------------

    @property
    def model(self) -> Embedder:
        """The embedder; answers need one (a keyword-only searcher has none)."""
        if self.embedder is None:
            raise ValueError("this needs an embedder: the searcher was made for keyword search only")
        return self.embedder

    def encode(self, text: str) -> np.ndarray:
        if self.embedder is None:
            raise ValueError("dense search needs an embedder")
        return self.embedder.encode([text]).reshape(1, -1)

    def keyword_ranking(
        self, expansion: Expansion, allowed: set[int] | None, n: int = CANDIDATES
    ) -> list[tuple[int, float]]:
        """(passage id, BM25 score: higher is better), best first; rare phrases first
        (:mod:`assistant.library.keyword_ranking`)."""
        phrases = query_phrases(expansion, self.max_query_terms)
        if not phrases:
            return []
        return self.library.keyword_rank(phrases, allowed, n, self.rare_budget, self.full_below)

    def expand(self, query: str) -> Expansion:
        """The query through the vocabulary, cached (bounded) for the queries asked again."""
        found = self._expansions.get(query)
        if found is None:
            if len(self._expansions) >= EXPANSION_CACHE:
                self._expansions.clear()
            found = self._expansions[query] = self.vocabulary.expand(query)
        return found

    def dense_ranking(
        self, vector: np.ndarray, allowed: set[int] | None, n: int = CANDIDATES
    ) -> list[tuple[int, float]]:
        return self.library.nearest(vector, allowed, n)

    def dense_scores(self, vector: np.ndarray, ids: list[int]) -> list[tuple[int, float]]:
        """(passage id, cosine similarity to the query) for chosen passages: exact, any index."""
        if not ids or self.library.vectors is None:
            return []
        rows = self.library.vectors_of(ids)
        return list(zip(ids, (rows @ vector.reshape(-1)).tolist(), strict=True))

    # -- filters and results --------------------------------------------------------------------

    def allowed_ids(self, filters: Filters | None) -> set[int] | None:
        """Passage ids that pass the filters, or None when nothing is filtered."""
        if not filters:
            return None
        return self.library.filtered_ids(filters)

    def age_first(self, fused: list[tuple[int, float]], groups: tuple[str, ...]) -> list[tuple[int, float]]:
        """Passages of documents known to be about other ages move after the rest; a document
        whose ages are not known is not moved (no evidence against it)."""
        other = self.library.other_ages(groups, [pid for pid, _ in fused])
        return sorted(fused, key=lambda pair: pair[0] in other)

    def document(self, doc_id: str) -> Document:
        """The document of a result; the library keeps it for its generation (a bounded memo)."""
        return self.library.document(doc_id)

    def _hits(
        self, ranked: list[tuple[int, float]], expansion: Expansion, vector: np.ndarray | None
    ) -> list[Hit]:
        passages = {p.id: p for p in self.library.passages([pid for pid, _ in ranked])}
        held = [pid for pid, _ in ranked if pid in passages]
        similarities: dict[int, float] = {}
        if held and vector is not None and self.library.vectors is not None:
            similarities = dict(zip(held, (self.library.vectors_of(held) @ vector[0]).tolist(), strict=True))
        hits: list[Hit] = []
        for pid, score in ranked:
            passage: Passage | None = passages.get(pid)
            if passage is None:
                continue
            similarity = similarities.get(pid)
            hits.append(
                Hit(len(hits) + 1, score, passage, self.document(passage.doc_id),
                    highlight(passage.text, expansion), similarity)
            )  # fmt: skip
        return hits
