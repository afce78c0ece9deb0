"""An honest "not found": the nearest passages and learning themes, offered only when they are
actually close to the question, and never dressed as an answer.

"Close" is one named bar, :data:`SUGGEST_MIN`: the cosine similarity of the question to a passage
or to a theme's "label: description"; a theme is offered only when passages of this library carry
it, so that searching it finds something. Measured on the tuning part of ``eval/ask.toml`` (never
the held-out part): every on-topic question's best passage is at 0.34 or above, and 15 of the 18
off-topic questions' best passages are below 0.33 ("What is the capital of France?": 0.00, where
the nearest theme offered used to be "Child exploitation"). README, "Ask".
"""

from __future__ import annotations

import numpy as np

from assistant.answers.answer import Answer, Focus
from assistant.search.searcher import Searcher

SUGGEST_MIN = 0.33
MAX_SUGGESTIONS = 3
NOT_FOUND = "The reviews in this library do not address this question."
NOT_FOUND_NEAR = (
    "The reviews in this library do not address this question. Nothing below is an answer: "
    "these are the nearest passages and themes, offered in case they help you rephrase."
)


def nearest_themes(searcher: Searcher, query: str) -> list[tuple[str, str, float]]:
    """(theme id, label, similarity) of the learning themes closest in meaning, best first."""
    from assistant.field.themes import KeywordTagger, Taxonomy

    tagger = getattr(searcher, "_theme_tagger", None)
    if tagger is None:
        tagger = KeywordTagger(Taxonomy.load(), searcher.model)
        searcher._theme_tagger = tagger  # type: ignore[attr-defined]  # theme vectors, once
    similarity = np.asarray(tagger.theme_vectors @ searcher.encode(query)[0])
    best = np.argsort(-similarity)
    themes = tagger.taxonomy.themes
    return [(themes[i].id, themes[i].label, float(similarity[i])) for i in best]


def not_found(searcher: Searcher, question: str, note: str = "", query: str = "") -> Answer:
    """ "Not found", with only the passages and themes that come close to what was looked for
    (``query``, when it is not the question itself) as suggestions."""
    query = query or question
    hits = searcher.search(query, k=MAX_SUGGESTIONS)
    near = tuple(h for h in hits if (h.similarity or 0.0) >= SUGGEST_MIN)
    themes: tuple[str, ...] = ()
    if hits:  # none: no passage holds the query's words, so no theme is near it either
        held = {t.theme for t in searcher.library.themes() if t.passages}
        nearest = nearest_themes(searcher, query)
        close = [label for theme, label, s in nearest if s >= SUGGEST_MIN and theme in held]
        themes = tuple(close[:MAX_SUGGESTIONS])
    confidence = max((h.similarity or 0.0 for h in hits), default=0.0)
    text = NOT_FOUND_NEAR if near or themes else NOT_FOUND
    return Answer(question, text, True, suggestions=near, confidence=confidence, note=note,
                  search_query=query, themes=themes, focus=Focus(query=query))  # fmt: skip
