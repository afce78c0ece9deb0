"""The web app: ``streamlit run app.py``. Renders what the library returns; nothing more."""

from __future__ import annotations

import re

import streamlit as st

from assistant.embedding import load
from assistant.library import Library, current_generation
from assistant.search import Searcher
from assistant.settings import Settings

SETTINGS = Settings.from_env()
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&])")


def escape(text: str) -> str:
    """Document text shown as text: no Markdown, no HTML."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


@st.cache_resource(show_spinner="Loading the language model...")
def embedder():
    return load(SETTINGS.model, SETTINGS.batch_size)


@st.cache_resource(max_entries=2)
def searcher(generation: int) -> Searcher:
    model = embedder()
    return Searcher(Library.open(SETTINGS.index_dir, model.name, model.dimension), model)


st.set_page_config(page_title="Learning from safeguarding reviews", layout="wide")
st.title("Learning from safeguarding reviews")
query = st.text_input("Search the reviews", placeholder="e.g. bath safety, GP record storage")
if query:
    hits = searcher(current_generation(SETTINGS.index_dir)).search(query, k=10)
    if not hits:
        st.info("No passages in the library match this search.")
    for hit in hits:
        with st.container(border=True):
            st.markdown(f"**{escape(hit.citation)}**")
            st.markdown(escape(hit.passage.text))
