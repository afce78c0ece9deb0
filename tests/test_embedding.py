"""The torch embedder: a query is encoded on one thread, to the same vector, and batches get every
thread, in any thread (the app's sessions and its upload worker are threads of one process)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from assistant.embedding import ONE_THREAD_UP_TO

pytestmark = pytest.mark.slow

TEXTS = [
    "The GP did not share the child protection plan with the school.",
    "Water safety advice for parents of babies at bath time.",
]


def test_a_query_is_encoded_on_one_thread_and_batches_on_every_thread(real_embedder, monkeypatch):
    seen: list[int] = []
    inner = real_embedder._model.encode

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return inner(*args, **kwargs)

    monkeypatch.setattr(real_embedder._model, "encode", spy)
    every = real_embedder.threads
    batch = real_embedder.encode(TEXTS * ONE_THREAD_UP_TO)  # more than a query: every thread
    alone = np.vstack([real_embedder.encode([text]) for text in TEXTS])
    worker = threading.Thread(target=real_embedder.encode, args=(TEXTS * ONE_THREAD_UP_TO,))
    worker.start()  # a thread whose first torch call comes after a query elsewhere
    worker.join()
    real_embedder.encode(TEXTS * ONE_THREAD_UP_TO)  # and this thread's next batch
    assert seen == [every, 1, 1, every, every]
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
