"""What the pages share: settings, the loaded model, the current library (packs: pack_session)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.embedding import load
from assistant.errors import SettingsError
from assistant.library import Library, current_generation
from assistant.search.searcher import Searcher
from assistant.settings import Settings
from assistant.ui import access


def _load() -> tuple[Settings, str]:
    """The settings from the environment, or read-only defaults and the one-line problem."""
    try:
        return Settings.from_env(), ""
    except SettingsError as exc:
        return Settings(uploads="off"), str(exc)  # never used: app.py stops on the problem


SETTINGS, SETTINGS_PROBLEM = _load()


@st.cache_resource(show_spinner="Loading the library and the language model...")
def _embedder(model: str, batch_size: int, encoder: str, onnx_dir: str):
    return load(model, batch_size, encoder, Path(onnx_dir))


def embedder():
    return _embedder(SETTINGS.model, SETTINGS.batch_size, SETTINGS.encoder, str(SETTINGS.onnx_dir))


@st.cache_resource(max_entries=2, show_spinner="Loading the library and the language model...")
def _searcher(index_dir: str, generation: int) -> Searcher:
    model = embedder()
    return Searcher(
        Library.open(SETTINGS.index_dir, model.name, model.dimension),
        model,
        max_query_chars=SETTINGS.max_query_chars,
        max_query_terms=SETTINGS.max_query_terms,
        rare_budget=SETTINGS.keyword_rare_budget,
        full_below=SETTINGS.keyword_full_below,
    )


def searcher() -> Searcher:
    """A searcher over the library's current generation, reopened when a writer publishes."""
    return _searcher(str(SETTINGS.index_dir), current_generation(SETTINGS.index_dir))


def server_address() -> str | None:
    """The address Streamlit listens on (``server.address``); None: every interface."""
    return st.get_option("server.address")


def proxied() -> bool:
    """Whether this visitor's request came through a reverse proxy."""
    headers = st.context.headers
    return any(headers.get_all(name) for name in access.PROXY_HEADERS)


def upload_mode() -> access.Mode:
    return access.upload_mode(SETTINGS.uploads, server_address(), proxied())


def can_upload() -> tuple[bool, str]:
    """Whether this visitor may add, replace or remove documents, and why not."""
    mode = upload_mode()
    if mode == "off":
        return False, "Adding and removing documents is switched off on this site (read-only)."
    if mode == "signed-in" and not getattr(st.user, "is_logged_in", False):
        return False, "Sign in to add documents."
    return True, ""


SHOWN_PAGE = "shown-page"  # the page this session ran last
ARRIVED = "arrived"  # this run shows another page than the run before (or is the first)


def showing(page: str) -> None:
    """Note the page this run shows, and whether the session just came to it from another."""
    st.session_state[ARRIVED] = st.session_state.get(SHOWN_PAGE) != page
    st.session_state[SHOWN_PAGE] = page


def arrived() -> bool:
    """This run came to its page from another page (a page's widgets were forgotten when it left)."""
    return bool(st.session_state.get(ARRIVED, True))
