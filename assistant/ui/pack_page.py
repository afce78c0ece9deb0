"""Session pack, for trainers: gathered passages, reordered and noted, exported with citations."""

from __future__ import annotations

import dataclasses

import streamlit as st

from assistant.export import SessionPack, to_docx, to_markdown, to_pptx
from assistant.ui import render, state

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def page() -> None:
    st.title("Session pack")
    items = state.pack()
    if not items:
        st.info('The pack is empty. Add passages from Search or Ask with "Add to session pack".')
        return
    title = st.text_input("Title of the session", value="Learning from safeguarding reviews")
    for n, item in enumerate(list(items)):
        with st.container(border=True):
            st.markdown(f"**{n + 1}. {render.escape(item.citation)}**")
            st.markdown(render.escape(item.quote))
            note = st.text_input(
                "Note for this point (optional)", value=item.note, key=f"note-{item.passage_id}"
            )
            if note != item.note:
                items[n] = dataclasses.replace(item, note=note)
            up, down, remove = st.columns(3)
            if up.button("Move up", key=f"up-{item.passage_id}", disabled=n == 0):
                items[n - 1], items[n] = items[n], items[n - 1]
                st.rerun()
            if down.button("Move down", key=f"down-{item.passage_id}", disabled=n == len(items) - 1):
                items[n + 1], items[n] = items[n], items[n + 1]
                st.rerun()
            if remove.button("Remove", key=f"remove-{item.passage_id}"):
                items.pop(n)
                st.rerun()
    pack = SessionPack(title, tuple(items))
    st.subheader("Export")
    word, slides, markdown = st.columns(3)
    word.download_button("Word (.docx)", to_docx(pack), "session-pack.docx", DOCX, key="export-docx")
    slides.download_button("PowerPoint (.pptx)", to_pptx(pack), "session-pack.pptx", PPTX, key="export-pptx")
    markdown.download_button("Markdown (.md)", to_markdown(pack), "session-pack.md", "text/markdown",
                             key="export-md")  # fmt: skip


page()
