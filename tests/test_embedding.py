"""The torch embedder: a query is encoded on one thread, to the same vector, and the thread pool is
given back for batches."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from assistant.embedding import ONE_THREAD_UP_TO

pytestmark = pytest.mark.slow

TEXTS = [
    "The GP did not share the child protection plan with the school.",
    "Water safety advice for parents of babies at bath time.",
]


def test_a_query_is_encoded_on_one_thread_to_the_vector_of_a_batch(real_embedder, monkeypatch):
    seen: list[int] = []
    inner = real_embedder._model.encode

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return inner(*args, **kwargs)

    monkeypatch.setattr(real_embedder._model, "encode", spy)
    before = torch.get_num_threads()
    batch = real_embedder.encode(TEXTS * ONE_THREAD_UP_TO)  # more than a query: every thread
    alone = np.vstack([real_embedder.encode([text]) for text in TEXTS])
    assert seen[0] == before
    assert seen[1:] == [1, 1]
    assert torch.get_num_threads() == before  # given back
    assert np.allclose(alone, batch[: len(TEXTS)], atol=1e-5)
