"""Gathering a pack from a search or a learning theme: the strongest passage of each review.

The same for the app's "Start a briefing from these results" and `python -m assistant pack
create NAME --query QUERY`: the hits of a search (or the passages tagged with a theme, most
strongly tagged first) are walked in order, and the first passage of each review is kept, up
to ``reviews`` reviews. From a search, only a passage that is about the query is gathered: close
in meaning (the line from which the Reviews view counts a passage as matching) or holding every
one of its words in one sentence; a search ranks something first whatever the library holds, a
briefing should not teach from it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.field.themes import keyword_pattern
from assistant.records import Filters, Hit
from assistant.search.listing import as_hits
from assistant.search.reviews import PASSAGE_THRESHOLD, between_ages
from assistant.search.searcher import Searcher, content_words
from assistant.search.stemming import other_form, stem
from assistant.sentences import sentence_spans
from assistant.trainers.briefing import draft
from assistant.trainers.packs import Pack, PackItem

REVIEWS = 6  # reviews gathered by default
MAX_REVIEWS = 20
SEARCHED = 50  # hits looked through for the strongest passage of each review
RELATIVE = 0.3  # a review whose best passage scores under this share of the best one's is left out


def strongest_per_review(hits: list[Hit], reviews: int = REVIEWS, relative: float = RELATIVE) -> list[Hit]:
    """The first (strongest) hit of each document, in rank order, at most ``reviews`` of them.

    Precision first: a review whose best passage scores under ``relative`` times the best hit's
    score barely matches (on "bath safety", Child J's best passage scores 0.17 of the bath
    passage's) and is left out rather than padding the briefing."""
    chosen: dict[str, Hit] = {}
    floor = relative * hits[0].score if hits and hits[0].score > 0 else float("-inf")
    for hit in hits:
        if len(chosen) >= min(reviews, MAX_REVIEWS):
            break
        if hit.score >= floor:
            chosen.setdefault(hit.passage.doc_id, hit)
    return list(chosen.values())


def from_query(
    searcher: Searcher, name: str, query: str, reviews: int = REVIEWS, filters: Filters | None = None
) -> Pack:
    """A new pack, briefing drafted, from the strongest passage of each review about ``query``."""
    wanted = words_wanted(searcher.bounded(query))
    hits = [h for h in searcher.search(query, k=SEARCHED, filters=filters) if about(h, wanted)]
    return drafted(searcher, name, strongest_per_review(hits, reviews))


def none_about(query: str) -> str:
    """What is said when nothing is about a query, quoting it (cut at 80 characters)."""
    shown = " ".join(query.split())
    shown = shown if len(shown) <= 80 else shown[:79].rstrip() + "\u2026"
    return (
        f"No passage is about \u201c{shown}\u201d closely enough to teach from (close in meaning, or"
        " holding all its words in one sentence). Try the words the reviews use."
    )


def words_wanted(query: str) -> list[set[str]]:
    """The query's words as a passage must hold them to be about it: each as the stems it may be
    held by (its own; its irregular singular or plural), age words left out as "which reviews"
    leaves them (a review's ages are read from it), words joined by a hyphen taken apart as the
    keyword index takes them ("co-sleeping": "co", "sleeping")."""
    text = " ".join(between_ages(query))
    return [{stem(w), *([stem(o)] if (o := other_form(w)) else [])} for w in _words(text)]


def about(hit: Hit, wanted: list[set[str]]) -> bool:
    """Whether a hit is about a query: close in meaning (``PASSAGE_THRESHOLD``), or holding every
    one of its words (:func:`words_wanted`) in some form in one sentence ("bath safety": a sentence
    on bath seats and safety). Words apart name something else: "level crossing" is not a passage
    on "the level of street lighting" that says "pedestrian crossing" in another sentence."""
    if hit.similarity is not None and hit.similarity >= PASSAGE_THRESHOLD:
        return True
    text = hit.passage.text
    return bool(wanted) and any(
        all(forms & held for forms in wanted)
        for held in ({stem(w) for w in _words(text[start:end])} for start, end in sentence_spans(text))
    )


def _words(text: str) -> list[str]:
    """Content words, taken apart where the keyword index takes them apart ("co-sleeping": "co",
    "sleeping"; "parent's": "parent", its "s" no word)."""
    return content_words(" ".join(re.findall(r"\w+", text)))


def from_theme(
    searcher: Searcher, name: str, theme: str, reviews: int = REVIEWS, keywords: tuple[str, ...] = ()
) -> Pack:
    """A new pack, briefing drafted, from the most strongly tagged passage of each review; the
    sentences that use the theme's ``keywords`` are its highlights (its key learning)."""
    library = searcher.library
    passages = library.theme_passages(theme, per_document=1, limit=min(reviews, MAX_REVIEWS))
    hits = as_hits(library, passages, [keyword_sentences(p.text, keywords) for p in passages])
    return drafted(searcher, name, hits)


def keyword_sentences(text: str, keywords: tuple[str, ...], limit: int = 2) -> tuple[tuple[int, int], ...]:
    """The (at most ``limit``) sentences of ``text`` using the most of ``keywords``, in text order."""
    if not keywords:
        return ()
    pattern = re.compile("|".join(keyword_pattern(k) for k in keywords))
    scored = [(len(pattern.findall(text, s, e)), s, e) for s, e in sentence_spans(text)]
    best = sorted((x for x in scored if x[0]), key=lambda x: -x[0])[:limit]
    return tuple(sorted((s, e) for _, s, e in best))


def drafted(searcher: Searcher, name: str, hits: list[Hit]) -> Pack:
    pack = Pack(name, tuple(PackItem.from_hit(hit) for hit in hits))
    return replace(pack, briefing=draft(pack, searcher.library))
