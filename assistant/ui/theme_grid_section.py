"""The Themes page's heat grid: themes by year, publisher or age group, in reviews.

A cell opens the reviews behind it with one quoted passage each; the grid downloads as CSV.
Choosing a cell works by clicking it or, without a mouse, with the two lists under the grid.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from assistant.field.theme_grid import AXES, NO_THEME, Axis, Grid, to_csv
from assistant.search.listing import as_hits
from assistant.ui import render, state
from assistant.ui.chart_table import TEXT

AXIS_NAMES = {"year": "Year", "publisher": "Publisher", "age_group": "Age group"}
SHOWN = 10  # reviews listed for a chosen cell
DRAWN = 30  # columns drawn at most: more cannot be read at the page's width


def _heat(grid: Grid, columns: tuple[str, ...]) -> object:
    name = AXIS_NAMES[grid.axis].lower()
    table = pd.DataFrame(
        [
            {"theme": t, "learning theme": grid.label(t), "column": c, name: grid.column_label(c),
             "reviews": grid.count(t, c)}
            for t in grid.themes
            for c in columns
        ]
    )  # fmt: skip
    pick = alt.selection_point(fields=["theme", "column"], name="cell")  # the keys, not the labels
    chart = (
        alt.Chart(table)
        .mark_rect()
        .encode(
            x=alt.X(
                f"{name}:O",
                title=AXIS_NAMES[grid.axis],
                sort=[grid.column_label(c) for c in columns],
                axis=alt.Axis(labelOverlap=False, labelColor=TEXT, titleColor=TEXT, labelLimit=180),
            ),
            y=alt.Y(
                "learning theme:N",
                title=None,
                sort=[grid.label(t) for t in grid.themes],
                axis=alt.Axis(labelLimit=320, labelOverlap=False, labelColor=TEXT),
            ),  # fmt: skip
            color=alt.Color("reviews:Q", scale=alt.Scale(scheme="blues"), title="Reviews"),
            tooltip=["learning theme", name, "reviews"],
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.6)),
        )
        .add_params(pick)
        .properties(height=max(160, 20 * len(grid.themes)))
    )
    # a count on a dark cell is white, on a light one black: readable on every shade of blue
    top = int(table["reviews"].max()) if len(table) else 1
    dark = alt.datum.reviews > max(1, top) / 2
    text = chart.mark_text(fontSize=10).encode(
        text="reviews:Q", color=alt.condition(dark, alt.value("white"), alt.value("black"))
    )
    return st.altair_chart(
        chart + text, key=f"grid-{grid.axis}", on_select="rerun", selection_mode="cell",
        alt=f"Heat grid: reviews per learning theme and {AXIS_NAMES[grid.axis].lower()}.",
    )  # fmt: skip


def _widest(grid: Grid) -> tuple[str, ...]:
    """The columns drawn: all, or the :data:`DRAWN` with the most reviews (in the grid's order),
    so that a library of a hundred publishers stays readable."""
    if len(grid.columns) <= DRAWN:
        return grid.columns
    size = {c: len({d for t in grid.themes for d in grid.reviews(t, c)}) for c in grid.columns}
    kept = set(sorted(grid.columns, key=lambda c: -size[c])[:DRAWN])
    return tuple(c for c in grid.columns if c in kept)


def _clicked(event: object) -> tuple[str, str] | None:
    try:
        points = event.selection["cell"]  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError):
        return None
    if isinstance(points, list) and points and isinstance(points[-1], dict):
        return str(points[-1].get("theme", "")), str(points[-1].get("column", ""))
    return None


def section() -> None:
    st.header("Themes by year, publisher and age group")
    library = state.searcher().library
    axis: Axis = st.radio(
        "Across", AXES, format_func=AXIS_NAMES.get, horizontal=True, key="grid-axis"
    ) or "year"  # fmt: skip
    grid = library.theme_grid(axis)
    if not grid.themes:
        st.info("No reviews yet.")
        return
    untagged = grid.row_total(NO_THEME)
    st.caption(
        "Each cell counts reviews, not passages. "
        + (
            f"{untagged} reviews carry no theme: they have their own row."
            if untagged
            else "Every review carries a theme."
        )
    )
    columns = _widest(grid)
    if len(columns) < len(grid.columns):
        st.caption(
            f"The {len(columns)} {AXIS_NAMES[axis].lower()}s with the most reviews are drawn; all"
            f" {len(grid.columns)} are in the lists below and in the CSV."
        )
    clicked = _clicked(_heat(grid, columns))
    if clicked and clicked != st.session_state.get("grid-clicked"):
        st.session_state["grid-clicked"] = clicked
        st.session_state["grid-theme"], st.session_state["grid-column"] = clicked
    st.download_button(
        "Download the grid as CSV", to_csv(grid), file_name=f"themes-by-{axis}.csv", mime="text/csv"
    )
    left, right = st.columns(2)
    theme = left.selectbox("Theme", grid.themes, format_func=grid.label, index=None, key="grid-theme")
    column = right.selectbox(
        AXIS_NAMES[axis], grid.columns, format_func=grid.column_label, index=None, key="grid-column"
    )
    if theme is None or column is None:
        return
    reviews = grid.reviews(theme, column)
    where = render.escape(grid.column_label(column))
    st.subheader(f"{render.escape(grid.label(theme))}, {where}: {len(reviews)} reviews")
    if theme == NO_THEME:
        st.caption("These reviews have no passage that a learning theme fits well enough to name.")
        for doc_id in reviews[:SHOWN]:
            st.text(library.document(doc_id).name)
        return
    quoted = library.theme_passages(theme, per_document=1, doc_ids=list(reviews[:SHOWN]))
    for hit in as_hits(library, quoted):
        render.hit_card(hit, key=f"grid-{theme}-{column}-{hit.passage.id}")
    if len(reviews) > SHOWN:
        st.caption(f"... and {len(reviews) - SHOWN} more reviews.")
