"""Search: one box, suggested topics, filters with counts, result cards."""

from __future__ import annotations

import streamlit as st

from assistant.documents.doc_metadata.ages import LABELS as AGE_LABELS
from assistant.field.agencies import label as agency_label
from assistant.records import Filters
from assistant.ui import pack_session, render, state

TOPICS = ["bath safety", "GP record storage", "domestic abuse", "parental mental health", "housing",
          "information sharing", "training"]  # fmt: skip


def _filters(facets: dict[str, dict[str, int]], titles: dict[str, str], themes: dict[str, str]) -> Filters:
    def pick(label: str, facet: str, shown=lambda value: value) -> list[str]:
        counts = facets.get(facet, {})
        return st.multiselect(
            label, list(counts), format_func=lambda v: f"{shown(v)} ({counts[v]})", key=f"filter-{facet}"
        )

    with st.sidebar:
        st.header("Filters")
        st.caption("Counts are passages.")
        documents = pick("Review", "document", lambda d: titles.get(d, d))
        partnerships = pick("Partnership", "partnership")
        years = pick("Year", "year")
        known = sorted(int(y) for y in facets.get("year", {}))
        year_from = st.selectbox("Published from", known, index=None, key="filter-year-from")
        year_to = st.selectbox("Published up to", known, index=None, key="filter-year-to")
        ages = pick("About (age)", "age_group", lambda g: AGE_LABELS.get(g, g))
        agencies = pick("Agency", "agency", agency_label)
        chosen_themes = pick("Learning theme", "theme", lambda t: themes.get(t, t))
        review_types = pick("Review type", "review_type")
    return Filters(tuple(documents), tuple(partnerships), tuple(int(y) for y in years), tuple(agencies),
                   tuple(review_types), tuple(chosen_themes), tuple(ages), year_from, year_to)  # fmt: skip


def page() -> None:
    st.title("Search the reviews")
    searcher = state.searcher()
    library = searcher.library
    if library.warning:
        st.warning(render.escape(library.warning))
    titles = {d.doc_id: d.name for d in library.documents() if d.status == "indexed"}
    filters = _filters(library.facets(), titles, library.theme_labels())
    st.caption("Suggested topics")
    chosen = None
    for column, topic in zip(st.columns(len(TOPICS)), TOPICS, strict=True):
        if column.button(topic, key=f"topic-{topic}"):
            chosen = topic
    if chosen:
        st.session_state["query"] = chosen
        st.session_state.pop("more_like", None)
    query = st.text_input(
        "Search for learning", key="query", placeholder="e.g. bath safety, GP record storage"
    )
    more_like = st.session_state.get("more_like")
    if more_like is not None:
        st.info("Showing passages like the one you chose.")
        if st.button("Back to the search"):
            st.session_state.pop("more_like")
            st.rerun()
        hits = searcher.more_like(int(more_like), k=10, filters=filters)
    elif query:
        hits = searcher.search(query, k=10, filters=filters)
    else:
        st.write(f"{len(titles)} reviews, {library.passage_count} passages in the library.")
        return
    if not hits:
        st.info("No passages match. Try other words, or fewer filters.")
    elif more_like is None and st.button(
        "Start a briefing from these results", key="start-briefing", help=pack_session.START_HELP
    ):
        pack_session.start_from_query(query, filters)
    for hit in hits:
        render.hit_card(hit, key=f"{hit.passage.id}")


page()
