"""Show in document: the passage in its review, opened at the passage, stepping through passages.

The dialog opens with the passage in view: the text before it is folded away (its last few
thousand characters, one click to unfold), the passage sits in a bordered box that says "The
passage" and marks every paragraph in bold on a coloured background (not colour alone), and the
text after it follows. "Previous passage" and "Next passage" step through the same review
without closing the dialog. Document text is shown through ``render.escape``: inert.
"""

from __future__ import annotations

import streamlit as st

from assistant.markdown_escape import escape
from assistant.records import Document, Passage
from assistant.ui import state
from assistant.ui.marks import marked

KEY = "document-view"  # the id of the passage the dialog shows
CONTEXT_CHARS = 4000  # text shown on either side of the passage: a long review is never sent whole
KINDS = {".pdf": "PDF", ".docx": "Word document", ".md": "text file", ".txt": "text file",
         ".html": "web page", ".htm": "web page"}  # fmt: skip


def context(text: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """(text before, the passage, text after), each side at most ``limit`` characters, cut at a
    paragraph break where there is one (else at a space), with "…" where it was cut."""
    before, passage, after = text[max(0, start - limit) : start], text[start:end], text[end : end + limit]
    if start > limit:
        cut = before.find("\n\n")
        before = "\u2026 " + before[cut + 2 if cut >= 0 else before.find(" ") + 1 :]
    if end + limit < len(text):
        cut = after.rfind("\n\n")
        after = after[: cut if cut > 0 else max(after.rfind(" "), 0)] + " \u2026"
    return before, passage, after


def neighbours(passages: list[Passage], passage_id: int) -> tuple[Passage | None, Passage | None]:
    """The passages just before and just after ``passage_id`` in the review's own order."""
    ordered = sorted(passages, key=lambda p: (p.char_start, p.char_end))
    at = next((n for n, p in enumerate(ordered) if p.id == passage_id), None)
    if at is None:
        return None, None
    return (ordered[at - 1] if at > 0 else None), (ordered[at + 1] if at + 1 < len(ordered) else None)


def where(passage: Passage) -> str:
    """'Recommendation 1, page 3' or 'Introduction': plain words, nothing when a page is unknown."""
    if passage.page_start is None:
        return passage.section
    if passage.page_end in (None, passage.page_start):
        return f"{passage.section}, page {passage.page_start}"
    return f"{passage.section}, pages {passage.page_start}-{passage.page_end}"


def download_label(suffix: str, passage: Passage) -> str:
    kind = KINDS.get(suffix.lower(), "file")
    page = f" (the passage is on page {passage.page_start})" if passage.page_start else ""
    return f"Download the original {kind}{page}"


def open_at(passage_id: int) -> None:
    """Open the dialog at one passage."""
    st.session_state[KEY] = passage_id
    _dialog()


def _go(passage_id: int) -> None:
    st.session_state[KEY] = passage_id


def _steps(document: Document, earlier: Passage | None, later: Passage | None) -> None:
    back, forward = st.columns(2)
    name = document.cite()
    back.button(
        f"Previous passage of {escape(name)}", key="document-view-previous", disabled=earlier is None,
        on_click=_go, args=(earlier.id if earlier else None,), icon=":material/arrow_upward:",
    )  # fmt: skip
    forward.button(
        f"Next passage of {escape(name)}", key="document-view-next", disabled=later is None,
        on_click=_go, args=(later.id if later else None,), icon=":material/arrow_downward:",
    )  # fmt: skip


@st.dialog("The passage in its document", width="large")
def _dialog() -> None:
    library = state.searcher().library
    passage_id = st.session_state.get(KEY)
    found = library.passages([int(passage_id)]) if passage_id is not None else []
    if not found:
        st.info("This passage is no longer in the library.")
        return
    passage = found[0]
    document = library.document(passage.doc_id)
    text = library.document_text(passage.doc_id)
    st.subheader(escape(document.name), anchor=False)
    earlier, later = neighbours(library.passages(doc_id=passage.doc_id), int(passage.id or 0))
    _steps(document, earlier, later)
    before, shown, after = context(text, passage.char_start, passage.char_end)
    if before.strip():
        with st.expander("The review before this passage"):
            st.markdown(escape(before))
    with st.container(border=True):
        st.markdown(f"**The passage: {escape(where(passage))}**")
        st.markdown(marked(shown, [(0, len(shown))]))
    if after.strip():
        st.markdown(escape(after))
    original = library.source_file(passage.doc_id)
    if original is not None:
        st.download_button(
            download_label(original.suffix, passage), original.read_bytes(), file_name=original.name,
            key=f"original-{passage.id}",
        )  # fmt: skip
