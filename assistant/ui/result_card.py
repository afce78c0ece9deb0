"""One search result as a card: a heading, what the review is, the passage, its status, actions.

The title is a real heading (screen-reader users move between results by heading), and each
button's name says which result it acts on ("Show in document: 2. Child J (HSCP, 2019)"), so ten
cards never give ten identical "Show in document" buttons. Everything from a document is escaped.
"""

from __future__ import annotations

import streamlit as st

from assistant.markdown_escape import escape
from assistant.records import Hit
from assistant.ui import more_like, pack_session, passage_view, state
from assistant.ui.about import about_line
from assistant.ui.marks import marked


def _status_line(hit: Hit) -> str:
    """'Response status: **already in place**: "The CCG have already…"'; '' for no status."""
    status = hit.response_status  # read by the search that made the hit
    if status is None:
        return ""
    why = f': "{escape(status.quote)}"' if status.quote else ""
    return f"Response status: **{escape(status.label)}**{why}"


def _themes_named(hit: Hit) -> str:
    """'Working with families (his mother … raised concerns), Training and workforce (training)':
    each theme of the passage with what made it, so a tag can be checked against the passage."""
    library = state.searcher().library
    labels = library.theme_labels()
    evidence = library.theme_evidence(int(hit.passage.id or 0))
    named = []
    for theme in hit.passage.themes:
        why = evidence.get(theme, ())
        named.append(labels.get(theme, theme) + (f" ({', '.join(why)})" if why else ""))
    return ", ".join(named)


def hit_card(hit: Hit, key: str) -> None:
    """One result: heading, about line, passage with its best sentences marked, status, actions."""
    which = f"{hit.rank}. {hit.document.cite()}"
    with st.container(border=True):
        st.subheader(escape(f"{hit.rank}. {hit.citation}"), anchor=False)
        st.caption(escape(about_line(hit.document)))
        st.markdown(marked(hit.passage.text, hit.highlights))
        if line := _status_line(hit):
            st.caption(line)
        if hit.passage.themes:
            st.caption("Learning themes: " + escape(_themes_named(hit)))
        else:
            st.caption("Learning themes: none (no theme fits this passage well enough to name)")
        first, second, third = st.columns(3)
        if first.button(f"Show in document: {escape(which)}", key=f"doc-{key}"):
            passage_view.open_at(int(hit.passage.id or 0))
        if second.button(
            f"More like this: {escape(which)}", key=f"more-{key}", on_click=more_like.choose, args=(hit,)
        ):
            more_like.show()
        if third.button(f"Add to session pack: {escape(which)}", key=f"pack-{key}"):
            pack_session.add_hit(hit)
