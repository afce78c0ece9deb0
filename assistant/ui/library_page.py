"""Library (self-service): add documents in the browser, see every document's status, remove."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from assistant.errors import AssistantError, IngestError
from assistant.ingest import ingest, remove
from assistant.records import FileReport
from assistant.ui import edit_section, render, state, url_section
from assistant.ui.about import age_labels, edited_note
from assistant.uploads import accept

MESSAGES = {
    "added": "added ({passages} passages)",
    "replaced": "replaced an earlier version ({passages} passages)",
    "unchanged": "already in the library",
}


def _add(files) -> list[FileReport]:
    settings = state.SETTINGS
    reports: list[FileReport] = []
    bar = st.progress(0.0, text="Reading...")
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        names: dict[Path, str] = {}
        for upload in files:
            try:
                path, shown = accept(upload.name, upload.getvalue(), Path(tmp), settings)
                names[path] = shown
            except IngestError as exc:
                reports.append(FileReport(exc.name, "failed", reason=exc.reason))

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / max(total, 1), text=f"Reading and embedding {name}" if name else "Saving...")

        if names:
            reports += ingest(list(names), settings, state.embedder(), progress, names)
    bar.progress(1.0, text="Done")
    return reports


def _upload_section() -> None:
    allowed, why = state.can_upload()
    st.subheader("Add a published review")
    if not allowed:
        st.info(why)
        if state.SETTINGS.uploads == "signed-in":
            st.button("Sign in", on_click=st.login)
        return
    files = st.file_uploader(
        "PDF, Word (.docx), Markdown or text files",
        type=["pdf", "docx", "md", "markdown", "txt"],
        accept_multiple_files=True,
        max_upload_size=state.SETTINGS.max_file_mb,
    )
    if files and st.button("Add to the library", type="primary"):
        try:
            reports = _add(files)
        except AssistantError as exc:
            st.error(f"Nothing was added: {exc}")
            return
        for report in reports:
            if report.failed:
                st.error(f"{render.escape(report.name)}: failed — {render.escape(report.reason or '')}")
            else:
                message = MESSAGES[report.status].format(passages=report.passages)
                st.success(f"{render.escape(report.name)}: {message}")


def page() -> None:
    st.title("Library")
    _upload_section()
    url_section.section()
    library = state.searcher().library
    st.subheader("Documents")
    cases = {doc_id: ids for ids in library.cases().values() for doc_id in ids}
    rows = [
        {"review": d.name, "document id": d.doc_id, "file": d.source, "status": d.status,
         "passages": d.passages, "pages": d.pages, "read by OCR": d.ocr_pages or None,
         "about": age_labels(d), "edited": edited_note(d),
         "read from": "; ".join(f"{f}: {s}" for f, s in sorted(d.field_sources.items())),
         "same case as": ", ".join(i for i in cases.get(d.doc_id, []) if i != d.doc_id), "address": d.url,
         "problem": d.error or "; ".join(d.warnings)}
        for d in library.documents()
    ]  # fmt: skip
    st.dataframe(rows, hide_index=True, width="stretch")
    edit_section.section(library.documents())
    allowed, _ = state.can_upload()
    if allowed and rows:
        doomed = st.selectbox("Remove a document", [r["document id"] for r in rows], index=None)
        if doomed and st.button(f"Remove {doomed}"):
            remove(doomed, state.SETTINGS)
            st.success(f"Removed {doomed}.")
            st.rerun()


page()
