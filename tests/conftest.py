"""Shared fixtures: a deterministic fake embedder, settings in a temporary folder, the seeds
ingested. Helpers that are not fixtures live in tests/support.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.support import CORPUS, FakeEmbedder


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", corpus_dir=CORPUS, read_timeout_s=30)


@pytest.fixture
def seeds_library(settings: Settings, fake_embedder: FakeEmbedder) -> Settings:
    """The default corpus ingested with the fake embedder; returns the settings that find it."""
    from assistant.library.ingest import ingest

    reports = ingest([CORPUS], settings, fake_embedder)
    assert [r.status for r in reports] == ["added", "added"]
    return settings


@pytest.fixture
def searcher(seeds_library: Settings, fake_embedder: FakeEmbedder):
    """A searcher over the seeds (a test file may make its own ``searcher`` over other documents)."""
    from assistant.library import Library
    from assistant.search.searcher import Searcher

    library = Library.open(seeds_library.index_dir)
    yield Searcher(library, fake_embedder)
    library.close()


@pytest.fixture(scope="session")
def real_embedder():
    """The real default model on the default encoder (onnx-fp32), loaded once per test session
    (slow tests only)."""
    from assistant.embedding import load

    return load()


@pytest.fixture(scope="session")
def torch_embedder():
    """The real default model run by torch, loaded once per test session (slow tests only)."""
    from assistant.embedding import load

    return load(encoder="torch")
