"""Tags passages with learning themes: learned classifiers where there is labelled data, the
theme's words and meaning elsewhere, its cues (people near actions) where it has them, and never a
theme that does not apply to the document's ages.

The passage vectors come from the library: tagging encodes only the theme descriptions, once per
tagger, and never a passage. See :mod:`assistant.field.theme_decision` for the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.embedding import Embedder
from assistant.field.theme_cues import GAP, WINDOW
from assistant.field.theme_decision import Applies, decide
from assistant.field.theme_weights import LinearTheme, ThemeWeights, keywords_sha
from assistant.field.themes import KeywordTagger, Taxonomy, ThemeTag
from assistant.settings import Settings

# Themes with no labelled data: a passage that uses the theme's words gets it from this cosine
# similarity to the theme's "label: description" (chosen on the tuning part of the seed labels
# and PFD reports; see README, "Learning themes").
LOW = 0.40
HIGH = 0.40
MAX_THEMES = 4


def tagger_for(settings: Settings, embedder: Embedder | None) -> Tagger:
    """The tagger the settings give: their themes file and learned weights."""
    return Tagger(
        Taxonomy.load(settings.themes_file), embedder, ThemeWeights.load(settings.theme_weights_file)
    )


class Tagger:
    """Tags passages (text and the vector the library already holds) with learning themes."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: Embedder | None,
        weights: ThemeWeights | None = None,
        low: float = LOW,
        high: float = HIGH,
        limit: int = MAX_THEMES,
    ):
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.weights = weights if weights is not None else ThemeWeights.empty()
        self.low, self.high, self.limit = low, high, limit
        self._words = KeywordTagger(taxonomy, embedder)  # type: ignore[arg-type]
        self.applies: list[Applies] = [t.applies for t in taxonomy]

    @property
    def signature(self) -> str:
        """What the tags depend on besides the passages: the themes file, the weights and the
        rule's numbers. The library keeps it; tags made under another signature are redone."""
        ages = "ages-childrens-reviews-child-alone"  # the age rule: age_allows and ages.for_themes
        rule = f"learned/{self.low}/{self.high}/{self.limit}/{ages}/cues-{WINDOW}-{GAP}"
        return f"{self.taxonomy.checksum}:{self.weights.checksum}:{rule}"

    @property
    def theme_vectors(self) -> np.ndarray:
        return self._words.theme_vectors

    def evidence(self, text: str) -> list[tuple[str, ...]]:
        return self._words.evidence(text)

    def learned_columns(self, dimension: int) -> dict[int, LinearTheme]:
        """Theme index → classifier, for the learned themes that apply here: same
        model, and the theme's words unchanged since training."""
        if self.embedder is None or not self.weights.usable(self.embedder.name, dimension):
            return {}
        found = {}
        for i, theme in enumerate(self.taxonomy):
            linear = self.weights.themes.get(theme.id)
            if linear is not None and linear.keywords_sha == keywords_sha(theme.keywords):
                found[i] = linear
        return found

    def tag(
        self, texts: list[str], vectors: np.ndarray, ages: Sequence[Sequence[str]] | None = None
    ) -> list[list[ThemeTag]]:
        """Themes for each passage, best first; ``vectors`` are the passages' unit rows and
        ``ages`` the age groups of each passage's document (unknown when not given)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(texts) == 0:
            return []
        if self.embedder is None:
            raise ValueError("a tagger made without a model gives only its signature")
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ValueError(f"need one vector per passage: {len(texts)} texts, shape {vectors.shape}")
        themes = self.theme_vectors
        if vectors.shape[1] != themes.shape[1]:
            raise ValueError(
                f"passage vectors have {vectors.shape[1]} dimensions, the model "
                f"{getattr(self.embedder, 'name', '')!r} gives {themes.shape[1]}"
            )
        ages = ages if ages is not None else [()] * len(texts)
        if len(ages) != len(texts):
            raise ValueError(f"need the age groups of each passage: {len(texts)} texts, {len(ages)} given")
        similarities = vectors @ themes.T
        evidence = [self.evidence(text) for text in texts]
        counts = np.array([[len(found) for found in row] for row in evidence], dtype=np.float32)
        probabilities = {
            i: (linear.probabilities(vectors, counts[:, i]), linear.threshold)
            for i, linear in self.learned_columns(vectors.shape[1]).items()
        }
        ids = self.taxonomy.ids
        with_cues = [(i, theme.cues) for i, theme in enumerate(self.taxonomy) if theme.cues is not None]
        tags = []
        for n, text in enumerate(texts):
            learned = {i: (float(p[n]), t) for i, (p, t) in probabilities.items()}
            cued: dict[int, tuple[str, ...]] = {
                i: (" … ".join(found),) for i, cues in with_cues if (found := cues.find(text))
            }
            kept = decide(ids, similarities[n], evidence[n], learned, cued, self.applies, ages[n], text,
                          self.low, self.high, self.limit)  # fmt: skip
            tags.append([ThemeTag(c.theme, c.score, c.evidence) for c in kept])
        return tags
