"""Library page: correct what a document says it is (whoever may add documents may do this).

A correction is kept with the library, never in the file, survives rebuild and can be
reverted to the value read from the file (:mod:`assistant.library.editing`).
"""

from __future__ import annotations

import streamlit as st

from assistant.documents.doc_metadata.ages import GROUPS, LABELS
from assistant.errors import AssistantError
from assistant.library.editing import edit
from assistant.records import Document
from assistant.ui import render, state

TEXT_FIELDS = {
    "title": "Title",
    "subject": "Who it is about",
    "partnership": "Publisher (partnership or coroner's area)",
    "published": "Date of publication (2019-12-19 or 19/12/2019)",
    "review_type": "Review type",
}


def _who() -> str:
    user = getattr(st, "user", None)
    return str(getattr(user, "email", "") or "") if getattr(user, "is_logged_in", False) else ""


def section(documents: list[Document]) -> None:
    allowed, _ = state.can_upload()
    indexed = {d.doc_id: d for d in documents if d.status == "indexed"}
    if not allowed or not indexed:
        return
    with st.expander("Correct a document's details"):
        if saved := st.session_state.pop("edit-saved", None):
            st.success(render.escape(saved))
        doc_id = st.selectbox(
            "Document", list(indexed), format_func=lambda i: indexed[i].name, index=None, key="edit-doc"
        )
        if doc_id is None:
            return
        doc = indexed[doc_id]
        values = {f: st.text_input(label, value=getattr(doc, f), key=f"edit-{f}-{doc_id}")
                  for f, label in TEXT_FIELDS.items()}  # fmt: skip
        ages = st.multiselect("About (age groups)", GROUPS, default=list(doc.age_groups),
                              format_func=lambda g: LABELS[g], key=f"edit-ages-{doc_id}")  # fmt: skip
        changes = {f: v for f, v in values.items() if v.strip() != getattr(doc, f)}
        if tuple(ages) != doc.age_groups:
            changes["age_groups"] = ages
        back = st.multiselect(
            "Back to the value read from the file", sorted(doc.edited), key=f"edit-revert-{doc_id}"
        )
        try:
            if (changes or back) and st.button("Save the correction", key=f"edit-save-{doc_id}"):
                edit(state.SETTINGS, doc_id, changes, back, by=_who(), embedder=state.embedder)
                st.session_state["edit-saved"] = f"Saved: {', '.join([*changes, *back])}."
                st.rerun()
        except AssistantError as exc:
            st.error(f"Nothing was changed: {render.escape(str(exc))}")
