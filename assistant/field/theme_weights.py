"""Learned theme weights: a small linear classifier per theme, kept as JSON (never pickle).

Each learned theme has one weight per dimension of the passage vectors the library holds, one for
the number of the theme's own words found in the passage (at most ``KEYWORD_CAP``), a bias and a
probability threshold. The file is made by ``scripts/train-themes`` from the labelled data
(the PFD reports' theme columns and ``eval/themes.toml``) and made again the same way; it says
which model's vectors it was trained on, and is refused for any other model.

The decision rule (precision first) is in :func:`decide`: a learned theme is given when the
classifier's probability reaches the theme's threshold and the passage also uses at least one
of the theme's words, so every tag can be explained by the words that made it. A theme with no
labelled data keeps the keyword-and-meaning rule of :mod:`assistant.themes`, but also only with
its words present.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import AssistantError

DEFAULT_WEIGHTS = Path(__file__).parent / "data" / "theme_weights.json"  # assistant/field/data
KEYWORD_CAP = 3
FORMAT = 1


@dataclass(frozen=True)
class LinearTheme:
    """One theme's classifier: P(theme | passage) = sigmoid(weights · [vector, keywords] + bias)."""

    weights: np.ndarray  # dimension + 1 floats: the vector's, then the keyword count's
    bias: float
    threshold: float  # the probability from which a passage gets the theme
    keywords_sha: str  # the theme's keywords when trained: weights for other words are not used

    def probabilities(self, vectors: np.ndarray, keyword_counts: np.ndarray) -> np.ndarray:
        counts = np.minimum(keyword_counts, KEYWORD_CAP).astype(np.float32) / KEYWORD_CAP
        z = vectors @ self.weights[:-1] + counts * self.weights[-1] + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class ThemeWeights:
    model: str
    dimension: int
    themes: dict[str, LinearTheme]
    checksum: str  # sha256 of the file: tags go stale when it changes
    measured: dict[str, Any]  # what the training script measured on the tuning part

    @classmethod
    def empty(cls) -> ThemeWeights:
        return cls("", 0, {}, "none", {})

    @classmethod
    def load(cls, path: Path = DEFAULT_WEIGHTS) -> ThemeWeights:
        path = Path(path)
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AssistantError(f"theme weights {path} cannot be read: {exc}") from exc
        where = f"theme weights {path}"
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise AssistantError(f"{where}: not a format-{FORMAT} weights file")
        model, dimension, themes = data.get("model"), data.get("dimension"), data.get("themes")
        if not isinstance(model, str) or not isinstance(dimension, int) or dimension < 1:
            raise AssistantError(f"{where}: needs a model name and a dimension")
        if not isinstance(themes, dict):
            raise AssistantError(f"{where}: themes must be a table")
        loaded = {
            theme: _linear(table, dimension, f"{where}: theme {theme!r}") for theme, table in themes.items()
        }
        measured = data.get("measured", {})
        return cls(
            model,
            dimension,
            loaded,
            hashlib.sha256(raw).hexdigest(),
            measured if isinstance(measured, dict) else {},
        )

    def usable(self, model: str, dimension: int) -> bool:
        """Weights apply only to vectors of the model they were trained on."""
        return bool(self.themes) and self.model == model and self.dimension == dimension


def _linear(table: object, dimension: int, where: str) -> LinearTheme:
    if not isinstance(table, dict):
        raise AssistantError(f"{where} is not a table")
    weights = table.get("weights")
    if not isinstance(weights, list) or len(weights) != dimension + 1:
        raise AssistantError(f"{where}: needs {dimension + 1} weights")
    numbers = [weights, [table.get("bias"), table.get("threshold")]]
    if not all(isinstance(x, int | float) and math.isfinite(x) for part in numbers for x in part):
        raise AssistantError(f"{where}: weights, bias and threshold must be finite numbers")
    if not 0.0 < table["threshold"] <= 1.0:
        raise AssistantError(f"{where}: the threshold must be a probability above 0")
    if not isinstance(table.get("keywords_sha"), str):
        raise AssistantError(f"{where}: needs keywords_sha")
    return LinearTheme(
        np.asarray(weights, dtype=np.float32),
        float(table["bias"]),
        float(table["threshold"]),
        table["keywords_sha"],
    )


def keywords_sha(keywords: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(keywords).encode("utf-8")).hexdigest()[:16]


def save(
    path: Path, model: str, dimension: int, themes: dict[str, LinearTheme], measured: dict[str, Any]
) -> None:
    """Write the weights as JSON, rounded so that the same training gives the same bytes."""
    data = {
        "format": FORMAT,
        "model": model,
        "dimension": dimension,
        "measured": measured,
        "themes": {
            theme: {
                "threshold": round(linear.threshold, 4),
                "bias": round(linear.bias, 5),
                "keywords_sha": linear.keywords_sha,
                "weights": [round(float(w), 5) for w in linear.weights],
            }
            for theme, linear in sorted(themes.items())
        },
    }
    Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
