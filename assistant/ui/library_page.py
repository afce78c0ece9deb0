"""Library (self-service): add documents in the browser, see every document's status, remove.

An upload is read here and written by a worker (:mod:`assistant.ui.upload_job`), so going to
another page while it runs does not lose it: its results wait on this page.
"""

from __future__ import annotations

import streamlit as st

from assistant.errors import AssistantError
from assistant.records import Document
from assistant.ui import edit_section, remove_section, render, state, upload_job, url_section
from assistant.ui.about import age_labels, edited_note

JOB = "upload-job"
MESSAGES = {
    "added": "added ({passages})",
    "replaced": "replaced an earlier version ({passages})",
    "unchanged": "already in the library",
}


@st.fragment(run_every=2.0)
def _progress(job: upload_job.UploadJob) -> None:
    """The running upload's progress, refreshed every two seconds; the whole page once it is done."""
    if job.finished:
        st.rerun()  # the results, and the documents table with the new documents
    if job.state == "waiting":
        st.progress(0.0, text="Waiting for another upload to finish...")
    else:
        if job.current:
            doing = f"Reading and embedding {render.escape(job.current)}"
        else:  # before the first file, or after the last one
            doing = "Saving the library..." if job.done >= job.total else "Reading and embedding the files..."
        st.progress(job.done / max(job.total, 1), text=doing)
    st.caption(
        f"Adding {len(job.names)} file(s). You can use the other pages meanwhile: the upload goes on, "
        "and its results are shown here."
    )


def _results(job: upload_job.UploadJob) -> None:
    if job.error:
        st.error(render.escape(job.error))
    for report in job.reports:
        if report.failed:
            st.error(f"{render.escape(report.name)}: failed — {render.escape(report.reason or '')}")
        else:
            message = MESSAGES[report.status].format(passages=render.counted(report.passages, "passage"))
            st.success(f"{render.escape(report.name)}: {message}")
    if st.button("Clear these messages", key="upload-clear"):
        st.session_state.pop(JOB, None)
        st.rerun()


def _upload_section() -> None:
    allowed, why = state.can_upload()
    st.subheader("Add a published review")
    if not allowed:
        st.info(why)
        if state.upload_mode() == "signed-in":
            st.button("Sign in", on_click=st.login)
        return
    job: upload_job.UploadJob | None = st.session_state.get(JOB)
    if job is not None and not job.finished:
        _progress(job)
        return
    if job is not None:
        _results(job)
    files = st.file_uploader(
        f"PDF, Word (.docx), Markdown or text files, up to {state.SETTINGS.max_file_mb} MB each",
        type=["pdf", "docx", "md", "markdown", "txt"],
        accept_multiple_files=True,
        max_upload_size=state.SETTINGS.max_file_mb,
    )
    if files and st.button("Add to the library", type="primary"):
        read = [(upload.name, upload.getvalue()) for upload in files]  # before any long step
        try:
            st.session_state[JOB] = upload_job.start(read, state.SETTINGS, state.embedder())
        except AssistantError as exc:
            st.error(f"Nothing was added: {render.escape(str(exc))}")
            return
        st.rerun()


FIELD_NAMES = {
    "title": "title", "subject": "subject", "partnership": "publisher",
    "partnership_short": "publisher's short name", "review_type": "type", "published": "date",
    "age_groups": "ages",
}  # fmt: skip
TABLE_HEIGHT = 600  # pixels: about 16 documents in view, the rest by scrolling the table


def counted(documents: list[Document]) -> str:
    """What the table holds: the table lists failed files too, which the library's count leaves out."""
    failed = sum(d.status == "failed" for d in documents)
    indexed = len(documents) - failed
    said = f"{indexed} document{'' if indexed == 1 else 's'} indexed"
    if not failed:
        return f"{said}."
    return (
        f"{said}, {failed} failed: a failed file is listed with its problem and adds nothing to search;"
        " add it again once it is mended. An upload refused before it is read (empty, too large, or"
        " not what its name says) is reported when it is added, and not listed."
    )


def page() -> None:
    st.title("Library")
    _upload_section()
    url_section.section()
    library = state.searcher().library
    documents = library.documents()
    st.subheader("Documents")
    st.caption(counted(documents))
    cases = {doc_id: ids for ids in library.cases().values() for doc_id in ids}
    rows = [
        {"review": d.name, "published": d.published, "type": d.review_type, "publisher": d.partnership,
         "file": d.source, "status": d.status,
         "passages": d.passages, "pages": str(d.pages or ""), "pages read by OCR": str(d.ocr_pages or ""),
         "about": age_labels(d), "edited": edited_note(d),
         "fields read from": "; ".join(f"{FIELD_NAMES.get(f, f)}: {s}" for f, s in d.field_sources.items()),
         "same case as": ", ".join(i for i in cases.get(d.doc_id, []) if i != d.doc_id), "address": d.url,
         "problem": d.error or "; ".join(d.warnings)}
        for d in documents
    ]  # fmt: skip
    st.dataframe(rows, hide_index=True, width="stretch", height=min(TABLE_HEIGHT, 35 * (len(rows) + 1) + 3))
    edit_section.section(documents)
    allowed, _ = state.can_upload()
    if allowed:
        remove_section.section(documents)


page()
