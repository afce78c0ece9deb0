"""Search: one box, suggested topics, filters with counts, result cards."""

from __future__ import annotations

import streamlit as st

from assistant.documents.doc_metadata.ages import LABELS as AGE_LABELS
from assistant.field.agencies import label as agency_label
from assistant.field.suggested_topics import suggested
from assistant.records import Filters
from assistant.ui import more_like, pack_session, render, reviews_view, state


def _filters(facets: dict[str, dict[str, int]], titles: dict[str, str], themes: dict[str, str]) -> Filters:
    def pick(label: str, facet: str, shown=lambda value: value) -> list[str]:
        counts = facets.get(facet, {})
        return st.multiselect(
            label, list(counts), format_func=lambda v: f"{shown(v)} ({counts[v]})", key=f"filter-{facet}"
        )

    with st.sidebar:
        st.header("Filters")
        st.caption("The number after each choice is how many passages it has.")
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


def _respell(query: str) -> None:
    """The query spelt as the library spells it is searched in place of the one typed."""
    st.session_state["query"] = query
    more_like.clear()


def _topic_chosen() -> None:
    """A suggested topic is searched for like a typed query (and replaces a More like list)."""
    topic = st.session_state.get("topic")
    if topic:
        st.session_state["query"] = topic
        st.session_state["topic"] = None
        more_like.clear()


def page() -> None:
    st.title("Search the reviews")
    searcher = state.searcher()
    library = searcher.library
    if library.warning:
        st.warning(render.escape(library.warning))
    titles = {d.doc_id: d.name for d in library.documents() if d.status == "indexed"}
    filters = _filters(library.facets(), titles, library.theme_labels())
    if filters.backwards_years():
        st.warning(
            f"“Published from” ({filters.year_from}) is after “Published up to” ({filters.year_to}):"
            " no review is in both. Swap them."
        )
    topics = suggested(library.themes())
    if topics:
        st.pills("Suggested topics: the library's most common learning themes", topics, key="topic",
                 on_change=_topic_chosen)  # fmt: skip
    query = st.text_input(
        "Search for learning", key="query", placeholder="e.g. " + ", ".join(topics[:2]) if topics else None,
        on_change=more_like.clear,
    )  # fmt: skip
    if query and (note := searcher.query_note(query)):
        st.caption(render.escape(note))  # a query cut, or words no passage holds: say so
    if query and (respelled := searcher.respelled(query)):
        label = f"Search for “{render.escape(respelled)}”"  # the person's words and the library's: text
        st.button(label, key="respelled", on_click=_respell, args=(respelled,))
    view = st.radio("Show", ("Passages", "Reviews"), horizontal=True, key=reviews_view.VIEW)
    like = more_like.current()
    if like is None and query and view == "Reviews":
        reviews_view.reviews(query, filters)  # which reviews, counted, with their evidence
        return
    if like is not None:
        st.info(f"Passages like {render.escape(str(like['about']))}. A new search replaces this list.")
        if view == "Reviews":
            st.caption("Reviews are counted for words typed in the search box; this list is of passages.")
        hits = searcher.more_like(int(like["id"]), k=10, filters=filters)  # type: ignore[call-overload]
    elif query:
        hits = searcher.search(query, k=1, filters=filters)  # is there anything: passages below
    else:
        st.write(f"{len(titles)} reviews, {library.passage_count} passages in the library.")
        return
    if not hits:
        st.info("No passages match. Try other words, or fewer filters.")
    elif like is None and st.button(
        "Start a briefing from these results", key="start-briefing", help=pack_session.START_HELP
    ):
        pack_session.start_from_query(query, filters)
    if like is None:
        reviews_view.passages(searcher, query, filters)  # paged, grouped by review
        return
    for hit in hits:
        render.hit_card(hit, key=f"{hit.passage.id}")


page()
