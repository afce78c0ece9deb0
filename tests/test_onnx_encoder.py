"""The ONNX Runtime encoder: a local export of the packaged model, never mixed with torch vectors."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import library
from assistant.embedding import load
from assistant.errors import ModelMismatch

pytest.importorskip("onnxruntime")
pytestmark = pytest.mark.slow

TEXTS = [
    "The GP did not share the child protection plan with the school.",
    "Water safety advice for parents of babies at bath time.",
    "The coroner was concerned that the mental health trust had no crisis plan.",
]


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx")


@pytest.mark.parametrize(("encoder", "least"), [("onnx-fp32", 0.999), ("onnx-int8", 0.98)])
def test_onnx_vectors_match_torch(real_embedder, onnx_dir, encoder, least):
    onnx = load(encoder=encoder, onnx_dir=onnx_dir)
    torch_vectors = real_embedder.encode(TEXTS)
    vectors = onnx.encode(TEXTS)
    assert vectors.shape == torch_vectors.shape and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert (vectors * torch_vectors).sum(axis=1).min() >= least
    assert onnx.name.startswith(f"{real_embedder.name}+{encoder}@")  # backend, quantisation, source


def test_a_library_built_with_torch_refuses_the_int8_encoder(real_embedder, onnx_dir, tmp_path):
    from assistant.records import Document, Passage

    with library.writer(tmp_path, real_embedder.name, real_embedder.dimension) as w:
        passage = Passage("d", "d", "Section", None, None, None, 0, len(TEXTS[0]), TEXTS[0])
        w.put(
            Document("d", "d", "d.md", "markdown", "d", "indexed"),
            "",
            [passage],
            real_embedder.encode(TEXTS[:1]),
        )
    int8 = load(encoder="onnx-int8", onnx_dir=onnx_dir)
    with pytest.raises(ModelMismatch, match="rebuild"):
        library.Library.open(tmp_path, int8.name, int8.dimension)
