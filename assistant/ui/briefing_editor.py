"""The seven-minute briefing of the open pack: drafted by the app, every part edited here.

Quotations are shown as quotations with their citations and can be removed, never reworded;
the trainer's own words go in the boxes under each part, labelled as theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import streamlit as st
from streamlit.runtime.state import SessionStateProxy

from assistant.errors import AssistantError
from assistant.library import Library
from assistant.trainers.briefing import draft
from assistant.trainers.export import EmptyPack, prepared, quoted, to_html, to_markdown
from assistant.trainers.export_docx import to_docx
from assistant.trainers.export_pptx import to_pptx
from assistant.trainers.pack_files import to_json
from assistant.trainers.packs import (
    GONE,
    MAX_QUESTIONS,
    MAX_READING,
    MAX_TEXT,
    Briefing,
    Locator,
    Pack,
    Reading,
)
from assistant.ui import pack_session, render

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
SAVED_FIRST = (
    "The files hold the briefing as saved. A box saves when you press Enter (Ctrl+Enter in a large"
    " box) or click outside it: do that before exporting or going to another page, as clicking an"
    " export while still typing downloads what was saved before."
)
OWN_WORDS_HELP = "Your own words, not a quotation: exports keep them apart from the quoted text."


def box(name: str, version: int, part: object = None) -> str:
    """The widget key of one box of the page: its name, the widgets' version (new boxes after a
    change made elsewhere, :func:`pack_session.version`), and which of several."""
    return f"{name}-{version}" if part is None else f"{name}-{version}-{part}"


def pending(pack: Pack, values: Mapping[str, object] | SessionStateProxy, version: int) -> Pack:
    """``pack`` with what its boxes of ``version`` last held (``values``: the session's widget
    state). A box typed in and left for another page without Enter sends its text only when the
    page is shown again; these are kept before the boxes start afresh from what is saved."""

    def typed(key: str, before: str) -> str:
        value = values.get(key)
        return value if isinstance(value, str) else before

    items = tuple(replace(i, note=typed(box("note", version, i.key), i.note)) for i in pack.items)
    used = typed(box("used", version), pack.used)
    b = pack.briefing
    if b is None:
        return replace(pack, items=items, used=used)
    parts = {
        key: replace(part, text=typed(box(f"b-{key}", version), part.text)) for key, _, part in b.parts()
    }
    briefing = replace(
        b,
        title=typed(box("b-title", version), b.title),
        audience=typed(box("b-audience", version), b.audience),
        questions=tuple(typed(box("q", version, n), q) for n, q in enumerate(b.questions)),
        reading=tuple(
            replace(r, url=typed(box("url", version, n), r.url).strip()) for n, r in enumerate(b.reading)
        ),
        **parts,
    )
    return replace(pack, items=items, briefing=briefing, used=used)


def _redraft(pack: Pack, library: Library) -> None:
    pack_session.save(replace(pack, briefing=draft(pack, library)), fresh_widgets=True)
    st.rerun()


def _quotes(pack: Pack, key: str, locator: Locator) -> None:
    briefing = pack.briefing
    assert briefing is not None
    part = getattr(briefing, key)
    for n, quote in enumerate(part.quotes):
        gone = "" if locator.present(quote) else f" ({GONE})"
        text, remove = st.columns([6, 1])
        text.markdown(f"> {render.escape(quoted(quote))}  \n> — *{render.escape(quote.citation + gone)}*")
        if remove.button("Remove", key=f"rmq-{key}-{n}", help="Leave this quotation out of the briefing"):
            kept = part.quotes[:n] + part.quotes[n + 1 :]
            pack_session.save(replace(pack, briefing=replace(briefing, **{key: replace(part, quotes=kept)})),
                              fresh_widgets=True)  # fmt: skip
            st.rerun()


def _questions(pack: Pack, briefing: Briefing, v: int) -> tuple[str, ...]:
    st.subheader("Reflective questions")
    st.caption("Suggested from the learning themes of the passages: change them, add and remove.")
    asked = []
    for n, question in enumerate(briefing.questions):
        text, remove = st.columns([6, 1])
        asked.append(text.text_input(f"Question {n + 1}", value=question, key=box("q", v, n), max_chars=1000))
        if remove.button("Remove", key=f"rm-question-{n}"):
            questions = briefing.questions[:n] + briefing.questions[n + 1 :]
            pack_session.save(
                replace(pack, briefing=replace(briefing, questions=questions)), fresh_widgets=True
            )
            st.rerun()
    if len(asked) < MAX_QUESTIONS:
        new = st.text_input("Add a question", key=f"q-new-{v}", max_chars=1000)
        if st.button("Add the question", key="add-question") and new.strip():
            added = (*asked, new.strip())
            pack_session.save(replace(pack, briefing=replace(briefing, questions=added)), fresh_widgets=True)
            st.rerun()
    return tuple(asked)


def _reading(pack: Pack, briefing: Briefing, v: int) -> tuple[Reading, ...]:
    st.subheader("Further reading")
    reading = []
    for n, entry in enumerate(briefing.reading):
        title = f": {entry.title}" if entry.title else ""
        st.markdown(f"{n + 1}\\. **{render.escape(entry.citation)}**{render.escape(title)}")
        # a label of the app's words only: a screen reader reads a label's Markdown escapes aloud
        label = f"Web address of reading {n + 1} (optional)"
        url = st.text_input(label, value=entry.url, key=box("url", v, n), max_chars=2000)
        reading.append(replace(entry, url=url.strip()))
    if len(reading) < MAX_READING:
        extra = st.text_input(
            "Add further reading (a title, or a web address)", key=f"read-new-{v}", max_chars=500
        )
        if st.button("Add the reading", key="add-reading") and extra.strip():
            extra = extra.strip()
            added = (*reading, Reading(extra, url=extra if extra.startswith(("http://", "https://")) else ""))
            pack_session.save(replace(pack, briefing=replace(briefing, reading=added)), fresh_widgets=True)
            st.rerun()
    return tuple(reading)


def edit(pack: Pack, library: Library, locator: Locator) -> Pack:
    """The briefing editor; returns the pack with what the trainer typed this run."""
    st.header("Seven-minute briefing")
    if pack.briefing is None:
        st.caption("The app drafts each part from the passages and their reviews; you then edit every part.")
        if st.button(
            "Draft the briefing from the pack", key="draft", disabled=not pack.items, type="primary"
        ):
            _redraft(pack, library)
        return pack
    v = pack_session.version()
    b = pack.briefing
    title = st.text_input("Title", value=b.title, key=box("b-title", v), max_chars=300)
    audience = st.text_input("Audience", value=b.audience, key=box("b-audience", v), max_chars=300,
                             placeholder="e.g. health visitors, housing officers, all agencies")  # fmt: skip
    parts = {}
    for key, name, part in b.parts():
        st.subheader(name)
        if not part.quotes and key in ("actions", "good"):
            st.caption("The reviews gathered have no recommendation or response to quote here: write this "
                       "part in your own words, or it is left out of the exports.")  # fmt: skip
        _quotes(pack, key, locator)
        text = st.text_area(f"{name}: your words", value=part.text, key=box(f"b-{key}", v),
                            max_chars=MAX_TEXT, help=OWN_WORDS_HELP)  # fmt: skip
        parts[key] = replace(part, text=text)
    questions = _questions(pack, b, v)
    reading = _reading(pack, b, v)
    st.subheader("How the briefing was used")
    label = "A record for you: when and with whom you used it, and what came of it"
    used = st.text_area(label, value=pack.used, key=box("used", v), max_chars=MAX_TEXT)
    with st.expander("Draft the briefing again"):
        st.caption(
            "Drafts every part again from the passages now in the pack; your edits to the briefing are lost."
        )
        if st.button("Draft again", key="redraft", disabled=not pack.items):
            _redraft(pack, library)
    briefing = replace(b, title=title, audience=audience, questions=questions, reading=reading, **parts)
    return replace(pack, briefing=briefing, used=used)


def exports(pack: Pack, library: Library) -> None:
    st.header("Export")
    st.download_button("Pack file (.json), to keep or share", to_json(pack).encode("utf-8"),
                       f"{_file_stem(pack.name)}.json", "application/json", key="export-pack")  # fmt: skip
    if pack.briefing is None:
        return
    try:
        briefing, sources = prepared(pack, library)
    except EmptyPack as exc:
        st.info(render.escape(str(exc)))
        return
    except AssistantError as exc:
        st.error(render.escape(str(exc)))
        return
    stem = _file_stem(briefing.title)
    st.caption(SAVED_FIRST)
    word, slides, markdown, text = st.columns(4)
    word.download_button("Word (.docx)", to_docx(briefing), f"{stem}.docx", DOCX, key="export-docx")
    slides.download_button("PowerPoint (.pptx)", to_pptx(briefing, sources), f"{stem}.pptx", PPTX,
                           key="export-pptx")  # fmt: skip
    markdown.download_button(
        "Markdown (.md)", to_markdown(briefing), f"{stem}.md", "text/markdown", key="export-md"
    )
    text.download_button("Accessible text-only (.html)", to_html(briefing), f"{stem}.html", "text/html",
                         key="export-html")  # fmt: skip


def _file_stem(name: str) -> str:
    stem = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return "-".join(filter(None, stem.split("-")))[:60] or "briefing"
