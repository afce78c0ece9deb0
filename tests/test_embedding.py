"""Both encoders: a query is encoded on its own few threads (torch: one; ONNX: a session of two that
do not spin), to the same vector, and batches get every thread, in any thread (the app's sessions
and its upload worker are threads of one process)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from assistant.embedding import QUERY_UP_TO

pytestmark = pytest.mark.slow

TEXTS = [
    "The GP did not share the child protection plan with the school.",
    "Water safety advice for parents of babies at bath time.",
]


def test_a_query_is_encoded_on_one_torch_thread_and_batches_on_every_thread(torch_embedder, monkeypatch):
    seen: list[int] = []
    inner = torch_embedder._model.encode

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return inner(*args, **kwargs)

    monkeypatch.setattr(torch_embedder._model, "encode", spy)
    every = torch_embedder.threads
    batch = torch_embedder.encode(TEXTS * QUERY_UP_TO)  # more than a query: every thread
    alone = np.vstack([torch_embedder.encode([text]) for text in TEXTS])
    worker = threading.Thread(target=torch_embedder.encode, args=(TEXTS * QUERY_UP_TO,))
    worker.start()  # a thread whose first torch call comes after a query elsewhere
    worker.join()
    torch_embedder.encode(TEXTS * QUERY_UP_TO)  # and this thread's next batch
    assert seen == [every, 1, 1, every, every]
    assert np.allclose(alone, batch[: len(TEXTS)], atol=1e-5)


def test_a_query_runs_on_its_own_onnx_session_and_batches_on_every_thread(real_embedder, monkeypatch):
    from assistant.embedding.onnx_encoder import QUERY_THREADS

    sessions: list[object] = []
    inner = real_embedder._batch

    def spy(session, texts):
        sessions.append(session)
        return inner(session, texts)

    monkeypatch.setattr(real_embedder, "_batch", spy)
    batch = real_embedder.encode(TEXTS * QUERY_UP_TO)
    alone = np.vstack([real_embedder.encode([text]) for text in TEXTS])
    query = real_embedder._query_session
    assert sessions == [real_embedder._session, query, query]
    assert query.get_session_options().intra_op_num_threads == QUERY_THREADS
    assert query.get_session_options().get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert real_embedder._session.get_session_options().intra_op_num_threads == 0  # every core
    assert np.allclose(alone, batch[: len(TEXTS)], atol=1e-5)


def test_a_model_folder_is_named_with_its_weights_checksum(tmp_path):
    from assistant.embedding import DEFAULT_MODEL, DEFAULT_MODEL_NAME, torch_name

    names = []
    for version in ("v1", "v2"):
        folder = tmp_path / version / "model"
        folder.mkdir(parents=True)
        (folder / "model.safetensors").write_bytes(f"weights of {version}".encode())
        names.append(torch_name(str(folder)))
    assert names[0].startswith("model@") and names[1].startswith("model@")
    assert names[0] != names[1]  # same folder name, other weights: another model
    assert torch_name(DEFAULT_MODEL) == DEFAULT_MODEL_NAME  # libraries built before keep theirs
