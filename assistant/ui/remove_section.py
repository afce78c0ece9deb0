"""Removing a review from the library: chosen by its name, confirmed, and the result kept on the
page until the reader dismisses it (it used to be one click, and its message vanished at once)."""

from __future__ import annotations

import streamlit as st

from assistant.errors import AssistantError
from assistant.library.ingest import remove
from assistant.markdown_escape import escape
from assistant.records import Document
from assistant.ui import state

ASKED = "remove-asked"  # the doc id waiting for "Yes, remove it"
DONE = "remove-done"  # ("success" | "error", message) kept until dismissed


def _confirm(doc_id: str) -> None:
    st.session_state[ASKED] = doc_id


def _cancel() -> None:
    st.session_state.pop(ASKED, None)


def _dismiss() -> None:
    st.session_state.pop(DONE, None)


def _remove(doc_id: str, name: str) -> None:
    st.session_state.pop(ASKED, None)
    st.session_state["remove-choice"] = None
    try:
        remove(doc_id, state.SETTINGS)
    except AssistantError as exc:
        st.session_state[DONE] = ("error", f"{name} was not removed: {exc}")
    else:
        st.session_state[DONE] = ("success", f"Removed {name} from the library.")


def section(documents: list[Document]) -> None:
    """The "Remove a review" control (shown only to visitors who may change the library)."""
    done = st.session_state.get(DONE)
    if done:
        kind, message = done
        (st.success if kind == "success" else st.error)(escape(message))
        st.button("Dismiss this message", key="remove-dismiss", on_click=_dismiss)
    if not documents:
        return
    names = {d.doc_id: d.name for d in documents}
    doomed = st.selectbox(
        "Remove a review from the library", list(names), index=None, format_func=names.__getitem__,
        key="remove-choice", placeholder="Choose a review",
    )  # fmt: skip
    if doomed is None:
        return
    name = names[doomed]
    if st.session_state.get(ASKED) != doomed:
        st.button(f"Remove {escape(name)}...", key="remove-ask", on_click=_confirm, args=(doomed,))
        return
    st.warning(f"Remove {escape(name)}, its passages and its file from the library? This cannot be undone.")
    yes, no = st.columns(2)
    yes.button(f"Yes, remove {escape(name)}", key="remove-yes", type="primary", on_click=_remove,
               args=(doomed, name))  # fmt: skip
    no.button("Cancel", key="remove-cancel", on_click=_cancel)
