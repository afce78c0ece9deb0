"""More like this: a search like any other, that says which passage it is based on.

Choosing "More like" on a card makes the search page list the passages closest in meaning to
that one, under a line that names it ("Passages like 2. Child J (HSCP, 2019): Recommendation 1").
Typing a new query or choosing a topic replaces it, as any new search replaces the last.
"""

from __future__ import annotations

import streamlit as st

from assistant.records import Hit

KEY = "more_like"  # {"id": passage id, "about": its citation}
SEARCH_PAGE = "assistant/ui/search_page.py"


def choose(hit: Hit) -> None:
    """The button's on_click callback (it runs before the page, so it may empty the search box)."""
    st.session_state[KEY] = {"id": hit.passage.id, "about": hit.citation}
    st.session_state["query"] = ""


def show() -> None:
    """After the callback: the search page, listing the passages like the chosen one."""
    st.switch_page(SEARCH_PAGE)


def clear() -> None:
    """A new query or topic: the list of passages like one is replaced (an on_change callback)."""
    st.session_state.pop(KEY, None)


def current() -> dict[str, object] | None:
    chosen = st.session_state.get(KEY)
    return chosen if isinstance(chosen, dict) and chosen.get("id") is not None else None
