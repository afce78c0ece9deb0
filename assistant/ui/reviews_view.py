"""The Search page's two views: which reviews (counted, with evidence) and passages (paged,
grouped under their review, with a relevance cue). Document text is always shown escaped."""

from __future__ import annotations

import streamlit as st

from assistant.records import Filters, Hit, ThemeCount
from assistant.search.review_export import to_csv
from assistant.search.reviews import NAMES, RELIANCE, Review, ReviewFinder, ReviewList
from assistant.search.searcher import Searcher
from assistant.ui import render, state
from assistant.ui.about import about_line, heading

PAGE_SIZE = 10
MEANING_ONLY = "close in meaning, but uses none of your words"  # a passage with nothing to highlight
MAX_PASSAGES = 200  # "more results" stops here: past it, the reviews view is the better tool
DECISION_NOTE = (
    "A review is counted when one of its passages is close in meaning to your words and it uses most of"
    " them, or when it names your topic in your own words; the line is set to avoid wrong matches"
    f" first (precision first). {RELIANCE} A topic naming an age group (\u201cteenagers\u201d) also needs"
    " the review to be about someone of that age. Near misses are not counted: each says why."
)


@st.cache_resource(max_entries=2, show_spinner="Reading the library...")
def _finder(index_dir: str, generation: int, _searcher: Searcher) -> ReviewFinder:
    return ReviewFinder(_searcher, state.SETTINGS.reviews_threshold)


def finder() -> ReviewFinder:
    searcher = state.searcher()
    return _finder(str(state.SETTINGS.index_dir), searcher.library.generation, searcher)


def _csv_label(found: ReviewList) -> str:
    """'Download as CSV (8 counted, and 20 near misses marked match = no)': the file's rows."""
    misses = len(found.near_misses)
    also = f", and {misses} near {'miss' if misses == 1 else 'misses'} marked match = no" if misses else ""
    return f"Download as CSV ({found.count} counted{also})"


def _theme_named(query: str) -> ThemeCount | None:
    """The learning theme whose label the query is ("Road and rail deaths"), if one is."""
    wanted = " ".join(query.split()).casefold()
    themes = state.searcher().library.themes()
    return next((t for t in themes if t.documents and t.label.casefold() == wanted), None)  # one listed


def strength(review: Review, line: float) -> str:
    """What the review is, in a few words: how far above the line a match by meaning is, that a
    match names the topic, or why a near miss is not counted."""
    if not review.match:
        return f"near miss, {review.why}"
    if review.why == NAMES:
        return f"match: {NAMES}"
    return "strong match" if review.similarity >= line + 0.15 else "match"


def reviews(query: str, filters: Filters) -> None:
    found = finder().find(query, filters)  # its note is the query's, shown above by the search page
    if not found.count:
        st.info("No reviews match. Try other words, or fewer filters.")
    else:
        st.header(f"{found.count} {'review matches' if found.count == 1 else 'reviews match'}", anchor=False)
    st.caption(DECISION_NOTE)
    if theme := _theme_named(query):  # a suggested topic is a theme's label: say how the counts differ
        st.caption(
            f"“{render.escape(theme.label)}” is also a learning theme: on the Themes page"
            f" {render.counted(len(theme.documents), 'review')} in the whole library"
            f" {'carries' if len(theme.documents) == 1 else 'carry'} it, counted from"
            " tags on single passages. The count here is of reviews judged about these words, for"
            " precision first, so it is usually smaller."
        )
    st.download_button(
        _csv_label(found), to_csv(found), file_name="reviews.csv", mime="text/csv", key="reviews-csv"
    )
    for review in found.matches:
        _review_card(review, finder().threshold)
    if misses := found.near_misses:
        with st.expander(f"Near misses, not counted ({len(misses)})"):
            for review in misses:
                _review_card(review, finder().threshold)


def _review_card(review: Review, line: float) -> None:
    with st.container(border=True):
        d = review.document
        # a heading under the count's, as a passage's title is: screen readers move by headings
        st.subheader(f"{review.rank}. {render.escape(heading(d))}", anchor=False)
        st.caption(render.escape(about_line(d)))
        cue = f"{strength(review, line)} · {render.counted(review.matching_passages, 'matching passage')}"
        st.progress(max(0.0, min(1.0, review.similarity)), text=cue)
        for hit in review.evidence:
            st.markdown(
                f"{render.escape(hit.citation)}  \n> {render.marked(hit.passage.text, hit.highlights)}"
            )


def passages(searcher: Searcher, query: str, filters: Filters) -> None:
    """Passages, PAGE_SIZE more at a time, grouped under their review in order of first hit
    within each page: "More results" adds below what is read, never into a group above it."""
    key = f"passages-shown::{query}::{filters!r}"
    shown = st.session_state.get(key, PAGE_SIZE)
    hits = searcher.search(query, k=shown + 1, filters=filters)
    more, hits = len(hits) > shown, hits[:shown]
    if not hits:
        return  # the page has said so
    st.caption(f"Passages 1-{len(hits)}{' (more below)' if more else ''}, grouped by review in tens.")
    best = max(h.score for h in hits) or 1.0
    for start in range(0, len(hits), PAGE_SIZE):
        page = hits[start : start + PAGE_SIZE]
        if start:
            st.caption(f"Passages {start + 1}-{start + len(page)}")
        groups: dict[str, list[Hit]] = {}
        for hit in page:
            groups.setdefault(hit.passage.doc_id, []).append(hit)
        for doc_hits in groups.values():
            first = doc_hits[0]
            st.markdown(f"### {render.escape(first.document.cite())}")
            st.caption(render.escape(about_line(first.document)))
            for hit in doc_hits:
                relevance = hit.score / best
                cue = f"relevance {relevance:.0%} of the best"
                cue += "" if hit.highlights else f" · {MEANING_ONLY}"
                st.progress(max(0.0, min(1.0, relevance)), text=cue)
                render.hit_card(hit, key=f"{hit.passage.id}")
    if more and shown < MAX_PASSAGES and st.button("More results", key="more-passages"):
        st.session_state[key] = shown + PAGE_SIZE
        st.rerun()


VIEW = "search-view"  # the Search page's Reviews / Passages switch
THEME_NOTE = (
    "This count is of reviews with at least one passage tagged with the theme (tags look at single"
    ' passages and are generous). "Which reviews" on the Search page decides per review whether it'
    " is about the topic, for precision first, so its count is usually smaller."
)


def theme_link(label: str) -> None:
    """On the Themes page: how its count relates to the decision, and a way to the reviews."""
    st.caption(THEME_NOTE)
    if st.button("Which reviews are about this?", key=f"theme-reviews-{label}"):
        st.session_state["query"] = label
        st.session_state[VIEW] = "Reviews"
        st.switch_page(render.SEARCH_PAGE)
