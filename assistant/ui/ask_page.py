"""Ask: a chat whose answers quote the reviews and cite them, or say plainly "not found"."""

from __future__ import annotations

import streamlit as st

from assistant.answers.answer import Answer, Turn
from assistant.answers.conversation import respond
from assistant.answers.generate import generative
from assistant.field.suggested_topics import suggested
from assistant.ui import render, reviews_view, state


def _search_for(words: str) -> None:
    st.session_state["query"] = words
    st.session_state.pop("more_like", None)
    st.switch_page(render.SEARCH_PAGE)


def _suggest(answer: Answer, key: str) -> None:
    """Close passages and themes, each a button that opens the passage or searches the theme."""
    if answer.suggestions:
        st.caption("Nearest passages (not an answer):")
        for n, hit in enumerate(answer.suggestions):
            if st.button(f"Open {render.escape(hit.citation)}", key=f"ask-near-{key}-{n}"):
                render.show_in_document(hit)
    if answer.themes:
        st.caption("Nearest learning themes:")
        for n, theme in enumerate(answer.themes):
            if st.button(f"Search {render.escape(theme)}", key=f"ask-theme-{key}-{n}"):
                _search_for(theme)


def _show(answer: Answer, key: str) -> None:
    if answer.no_answer:
        st.warning(render.escape(answer.answer))
        for note in (answer.note, answer.focus.note if answer.focus else ""):  # still about those reports
            if note:
                st.caption(render.escape(note))
        looked_for = answer.search_query or answer.question  # "how old was she?" looked for no "old"
        if spelled := state.searcher().query_note(looked_for):  # words no passage holds
            st.caption(render.escape(spelled))
        _suggest(answer, key)
        return
    if answer.focus and answer.focus.note:
        st.caption(render.escape(answer.focus.note))
    if answer.lead:
        st.markdown(render.escape(answer.lead))
    lines = answer.answer.split("\n")
    st.markdown(
        "\n".join(f"- {render.escape(ln[2:])}" if ln.startswith("- ") else render.escape(ln) for ln in lines)
    )
    if answer.note:
        st.caption(render.escape(answer.note))
    for citation in answer.citations:
        with st.expander(render.escape(f"[{citation.n}] {citation.hit.citation}")):  # a label is Markdown
            st.markdown(render.marked(citation.hit.passage.text, citation.hit.highlights))
            if st.button("Add to session pack", key=f"ask-pack-{key}-{citation.n}"):
                render.add_to_pack(citation.hit)


def page() -> None:
    st.title("Ask the reviews")
    st.caption(
        "Answers are sentences quoted from the published reviews, each with its citation. "
        "When the reviews say nothing on a question, you are told so."
    )
    history: list[tuple[Turn, Answer | None]] = st.session_state.setdefault("chat", [])
    for n, (turn, answer) in enumerate(history):
        with st.chat_message(turn.role):
            if answer is None:
                st.markdown(render.escape(turn.text))
            else:
                _show(answer, key=str(n))
    topics = suggested(state.searcher().library.themes(), 1)  # the library's own: road deaths, bath safety
    example = f", e.g. What is the learning about {topics[0].lower()}?" if topics else ""
    question = st.chat_input(f"Ask a question{example}")
    if question:
        focus = next((a.focus for _, a in reversed(history) if a is not None), None)
        with st.spinner("Finding the passages that answer your question..."):
            answer = respond(state.searcher(), question, focus, state.SETTINGS.answer_threshold,
                             reviews_view.finder)  # fmt: skip
            answer = generative(state.SETTINGS, answer)
        history.append((Turn("user", question), None))
        history.append((Turn("assistant", answer.answer), answer))
        st.rerun()
    if history and st.button("Start a new conversation"):
        history.clear()
        st.rerun()


page()
