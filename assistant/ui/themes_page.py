"""Themes: learning themes and agencies across the reviews as charts, and the learning that recurs.

Every chart leads to passages: choosing a bar (or the same theme in the list under the chart)
shows the passages tagged with it, strongest first.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from assistant.field.agencies import label as agency_label
from assistant.field.theme_grid import NO_THEME
from assistant.library.theme_queries import RECURRING
from assistant.records import Passage
from assistant.search.listing import as_hits
from assistant.ui import chart_table, pack_session, render, reviews_view, state, theme_grid_section

CHOICE = "theme-choice"
SHOWN = 20  # passages listed for a chosen theme
RECURRING_SHOWN = 10  # reviews quoted for each recurring theme
RECURRING_KEY = "recurring"  # + theme id: the state of a recurring theme's expander (open or not)
# What a count on this page means, as measured (README, "Theme tagging": coroners' reports read by
# hand, held-out part).
TAG_NOTE = (
    "A passage gets a theme only on evidence shown with it: the theme's words, with a strong match, "
    "or a relative named near what they said or were told (working with families), so many "
    "passages have none. On coroners' reports read by hand (14 of the themes), 9 in 10 tags were "
    "right, and at most 6 in 10 of the reports about a theme were found: a count here is a floor, "
    "not a total."
)


def _chosen_bar(event: object) -> str | None:
    """The theme id of the bar chosen in the chart, if any."""
    try:
        points = event.selection["pick"]  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError):
        return None
    if isinstance(points, list) and points and isinstance(points[-1], dict):
        return points[-1].get("theme")  # the newest, when several were chosen
    return None


def _passage_cards(passages: list[Passage], prefix: str) -> None:
    for hit in as_hits(state.searcher().library, passages):
        render.hit_card(hit, key=f"{prefix}-{hit.passage.id}")


def _recurring() -> None:
    st.header("Recurring learning")
    library = state.searcher().library
    recurring = library.recurring()  # most widespread first
    if not recurring:
        st.info(f"No learning theme appears in {RECURRING} or more reviews yet.")
        return
    st.caption(
        f"Themes found in {RECURRING} or more reviews, most widespread first; open one for a passage "
        "from each review."
    )
    for theme in recurring:
        label = render.escape(theme.label)
        # on_change="rerun": a closed theme draws nothing (dozens of cards were drawn unseen)
        with st.expander(
            f"{label}: {len(theme.documents)} reviews, {render.counted(theme.passages, 'passage')}",
            key=f"{RECURRING_KEY}-{theme.theme}", on_change="rerun",
        ) as box:  # fmt: skip
            if not box.open:
                continue
            st.caption(render.escape(theme.description))
            quoted = library.theme_passages(theme.theme, per_document=1, limit=RECURRING_SHOWN)
            _passage_cards(quoted, f"recurring-{theme.theme}")
            if len(theme.documents) > RECURRING_SHOWN:
                st.caption(f"... and {len(theme.documents) - RECURRING_SHOWN} more reviews.")


def page() -> None:
    st.title("Learning themes")
    library = state.searcher().library
    if library.warning:
        st.warning(render.escape(library.warning))
    with st.spinner("Counting the learning themes across the library..."):
        themes = [t for t in library.themes() if t.passages]
    if not themes:
        st.info("No passages are tagged with a learning theme yet. Add reviews on the Library page.")
        return
    labels = {t.theme: t.label for t in themes}
    tagged = len({d for t in themes for d in t.documents})
    untagged = library.theme_grid("year").row_total(NO_THEME)  # documents read, with no theme
    st.caption(
        f"{len(themes)} themes appear in {tagged} documents"
        + (f"; {untagged} carry no theme. " if untagged else ". ")
        + f"Choose a bar to see its passages. {TAG_NOTE}"
    )
    table = pd.DataFrame(
        [
            {
                "theme": t.theme,
                "learning theme": t.label,
                "documents": len(t.documents),
                "passages": t.passages,
            }
            for t in themes
        ]  # fmt: skip
    )
    event = chart_table.bar_chart(
        table, "learning theme", key="theme-chart",
        alt_text="Bar chart: the number of reviews each learning theme appears in (the table below it "
        "has the same numbers).",
    )  # fmt: skip
    bar = _chosen_bar(event)
    if bar != st.session_state.get("theme-bar"):  # a click on a bar (or off it) since last time
        st.session_state["theme-bar"] = bar
        if bar in labels:
            st.session_state[CHOICE] = bar
    choice = st.selectbox(
        "Show the passages of a learning theme", list(labels), format_func=labels.__getitem__,
        index=None, key=CHOICE, placeholder="Choose a theme",
    )  # fmt: skip
    if choice:
        total = next(t.passages for t in themes if t.theme == choice)
        st.subheader(f"{render.escape(labels[choice])}: {render.counted(total, 'passage')}")
        start = "Start a briefing from this theme"
        if st.button(start, key="start-briefing-theme", help=pack_session.START_HELP):
            pack_session.start_from_theme(choice, labels[choice])
        _passage_cards(library.theme_passages(choice, limit=SHOWN), f"theme-{choice}")
        if total > SHOWN:
            st.caption(f"The {SHOWN} most strongly tagged are shown; filter Search by this theme for all.")
        reviews_view.theme_link(labels[choice])

    theme_grid_section.section()

    st.header("Agencies across the reviews")
    spread = library.agency_spread()
    agencies = pd.DataFrame(
        [{"agency": agency_label(a), "documents": docs, "passages": n} for a, (n, docs) in spread.items()]
    )
    if not agencies.empty:
        chart_table.bar_chart(
            agencies, "agency", alt_text="Bar chart: the number of reviews addressing each agency."
        )
    _recurring()


page()
