"""Showing records: document text always as text, highlights, citation lines, result cards."""

from __future__ import annotations

import streamlit as st

from assistant.field.status import response_status
from assistant.markdown_escape import escape
from assistant.records import Hit
from assistant.ui import pack_session, state
from assistant.ui.about import about_line

SEARCH_PAGE = "assistant/ui/search_page.py"


def marked(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]]) -> str:
    """Escaped text with the given spans highlighted."""
    out, cursor = [], 0
    for start, end in sorted(spans):
        out.append(escape(text[cursor:start]))
        out.append(f":orange-background[{escape(text[start:end])}]")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def add_to_pack(hit: Hit) -> None:
    pack_session.add_hit(hit)  # kept in the pack store (assistant/ui/pack_session.py)


@st.dialog("The passage in its document", width="large")
def show_in_document(hit: Hit) -> None:
    library = state.searcher().library
    text = library.document_text(hit.passage.doc_id)
    st.markdown(f"**{escape(hit.document.title)}**  \n{escape(hit.citation)}")
    p = hit.passage
    st.markdown(marked(text, [(p.char_start, p.char_end)]))
    original = library.source_file(p.doc_id)
    if original is not None:
        page = f" (the passage is on page {p.page_start})" if p.page_start else ""
        st.download_button(
            f"Download the original {original.suffix[1:].upper()}{page}",
            original.read_bytes(),
            file_name=original.name,
            key=f"original-{p.id}",
        )


def hit_card(hit: Hit, key: str) -> None:
    """One result: citation, passage with its best sentences marked, status, actions."""
    with st.container(border=True):
        st.markdown(f"**{hit.rank}. {escape(hit.citation)}**")
        st.caption(escape(about_line(hit.document)))
        st.markdown(marked(hit.passage.text, hit.highlights))
        status = response_status(hit.passage.text)
        if status is not None:
            why = f': "{escape(status.phrase)}"' if status.phrase else ""
            st.caption(f"Response status: **{escape(status.label)}**{why}")
        if hit.passage.themes:
            labels = state.searcher().library.theme_labels()
            st.caption("Learning themes: " + escape(", ".join(labels.get(t, t) for t in hit.passage.themes)))
        else:
            st.caption("Learning themes: none (no theme fits this passage well enough to name)")
        first, second, third = st.columns(3)
        if first.button("Show in document", key=f"doc-{key}"):
            show_in_document(hit)
        if second.button("More like this", key=f"more-{key}"):
            st.session_state["more_like"] = hit.passage.id
            st.switch_page(SEARCH_PAGE)
        if third.button("Add to session pack", key=f"pack-{key}"):
            add_to_pack(hit)
