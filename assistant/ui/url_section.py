"""Library page: add a review by its web address (only where ``url_import`` is on).

The download happens first (with its own limits, see :mod:`assistant.documents.fetch`); only then is the
library locked to add what came. A web page that links to PDFs lists them to choose from.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from assistant.documents.url_import import download
from assistant.errors import AssistantError
from assistant.library.ingest import ingest
from assistant.records import FileReport
from assistant.ui import render, state


def _add(urls: list[str], pick: list[str] | None) -> list[FileReport]:
    settings = state.SETTINGS
    with tempfile.TemporaryDirectory(prefix="url-") as tmp, st.spinner("Downloading..."):
        got = download(urls, Path(tmp), settings, pick)
        if got.pages and pick is None:
            st.session_state["url-page"] = {"url": urls[0], "links": got.pages[urls[0]]}
            return []
        reports = got.problems
        if got.names:
            reports += ingest(list(got.names), settings, state.embedder(), None, got.names, urls=got.urls)
    return reports


def _show(reports: list[FileReport]) -> None:
    for report in reports:
        name = render.escape(report.name)
        if report.failed:
            st.error(f"{name}: failed — {render.escape(report.reason or '')}")
        else:
            st.success(f"{name}: {report.status} ({render.counted(report.passages, 'passage')})")


def section() -> None:
    if state.SETTINGS.url_import != "on" or not state.can_upload()[0]:
        return
    url = st.text_input("Or add a published review by its web address", placeholder="https://...")
    try:
        if url and st.button("Download and add"):
            st.session_state.pop("url-page", None)
            _show(_add([url.strip()], None))
        page = st.session_state.get("url-page")
        if page:
            st.write(f"{len(page['links'])} PDFs on that page:")
            chosen = st.multiselect("Choose the documents to add", page["links"], key="url-pick")
            if chosen and st.button("Add the chosen PDFs"):
                picks = [str(page["links"].index(link) + 1) for link in chosen]
                _show(_add([page["url"]], picks))
                st.session_state.pop("url-page", None)
    except AssistantError as exc:
        st.error(f"Nothing was added: {render.escape(str(exc))}")
