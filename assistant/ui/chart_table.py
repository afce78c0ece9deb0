"""Charts that everyone can read: every label shown, and the same numbers as a table.

A chart is a picture; a screen reader gets its one-line ``alt`` text only. So each chart is
followed by a folded "as a table" section holding its numbers, an HTML table that screen
readers read cell by cell (WCAG 1.1.1). The bar chart names every bar: Vega-Lite otherwise drops
labels that would overlap, which on the seed library hid every second theme.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

ROW_PX = 24  # height per bar: room for every label at the default font
# Axis words in the page's text colour (.streamlit/config.toml): Streamlit's chart theme draws
# them in a light grey, and axe-core does not measure the contrast of text in the SVG.
TEXT = "#0a0a0a"


def bar_chart(table: pd.DataFrame, what: str, alt_text: str, key: str | None = None) -> Any:
    """Reviews per row as horizontal bars, most first, every label shown; bars can be chosen
    when ``key`` is set (the chart's selection is named "pick" and holds the row's ``theme``)."""
    chart = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X(
                "documents:Q",
                title="Reviews",
                axis=alt.Axis(tickMinStep=1, format="d", labelColor=TEXT, titleColor=TEXT),
            ),
            y=alt.Y(
                f"{what}:N",
                sort="-x",
                title=None,
                axis=alt.Axis(labelLimit=360, labelOverlap=False, labelColor=TEXT),
            ),
            tooltip=[what, "documents", "passages"],
        )
        .properties(height=max(120, ROW_PX * len(table)))
    )
    shown: Any
    if key is None:
        shown = st.altair_chart(chart, alt=alt_text)
    else:
        pick = alt.selection_point(fields=["theme"], name="pick")
        chart = chart.add_params(pick).encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.5)))
        shown = st.altair_chart(chart, key=key, on_select="rerun", selection_mode="pick", alt=alt_text)
    as_table(table, what)
    return shown


def as_table(table: pd.DataFrame, what: str) -> None:
    """The chart's numbers, folded under the chart: one row per bar, as the chart orders them."""
    rows = table.sort_values("documents", ascending=False, kind="stable")
    shown = rows[[what, "documents", "passages"]].rename(columns={"documents": "reviews"})
    with st.expander(f"The chart as a table ({len(shown)} rows)"):
        st.table(shown.set_index(what))
