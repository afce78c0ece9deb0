"""What the pages share: settings, the loaded model, the current library (packs: pack_session)."""

from __future__ import annotations

import streamlit as st

from ..embedding import load
from ..library import Library, current_generation
from ..search import Searcher
from ..settings import Settings

SETTINGS = Settings.from_env()


@st.cache_resource(show_spinner="Loading the language model...")
def _embedder(model: str, batch_size: int):
    return load(model, batch_size)


def embedder():
    return _embedder(SETTINGS.model, SETTINGS.batch_size)


@st.cache_resource(max_entries=2, show_spinner=False)
def _searcher(index_dir: str, generation: int) -> Searcher:
    model = embedder()
    return Searcher(Library.open(SETTINGS.index_dir, model.name, model.dimension), model)


def searcher() -> Searcher:
    """A searcher over the library's current generation, reopened when a writer publishes."""
    return _searcher(str(SETTINGS.index_dir), current_generation(SETTINGS.index_dir))


def can_upload() -> tuple[bool, str]:
    """Whether this visitor may add documents, and why not."""
    mode = SETTINGS.uploads
    if mode == "off":
        return False, "Adding documents is switched off on this site (read-only)."
    if mode == "signed-in" and not getattr(st.user, "is_logged_in", False):
        return False, "Sign in to add documents."
    return True, ""
