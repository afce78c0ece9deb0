"""The pack page headless with AppTest: packs are kept across sessions, a rebuild and a removal,
and the briefing is drafted, edited and exported."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assistant.library.ingest import rebuild, remove
from assistant.trainers.pack_store import PackStore, store_folder
from assistant.trainers.packs import GONE
from assistant.ui import state

from .support import ROOT

APP = str(ROOT / "app.py")
PACK_PAGE = "assistant/ui/pack_page.py"


@pytest.fixture
def session(seeds_library, fake_embedder, monkeypatch):
    """A new browser session (as after a reload or in a new tab) over the seed library."""
    monkeypatch.setattr(state, "SETTINGS", seeds_library)
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)

    def new() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception
        return at

    return new


def site_store(settings) -> PackStore:
    return PackStore(store_folder(settings.packs_path, None))


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(w.value for w in at.warning)


def downloads(at: AppTest) -> dict[str, object]:
    return {b.label: b for b in at.get("download_button")}


def test_a_passage_added_from_search_is_kept_and_found_after_a_reload(session, seeds_library):
    at = session()
    at.text_input(key="query").input("housing staff training").run()
    next(b for b in at.button if b.label.startswith("Add to session pack")).click().run()
    assert not at.exception
    [pack] = site_store(seeds_library).packs()
    assert pack.name == "Session pack" and len(pack.items) == 1

    again = session()  # a reload: a new session with nothing in it
    again.switch_page(PACK_PAGE).run()
    assert not again.exception
    assert "Child 'I' \\(HSCB\\)\\: Recommendation 3" in texts(again)
    assert "Packs are kept on this site" in "\n".join(c.value for c in again.caption)


def test_start_a_briefing_from_search_then_edit_a_question_and_reload(session, seeds_library):
    at = session()
    at.text_input(key="query").input("bath safety").run()
    at.button(key="start-briefing").click().run()
    assert not at.exception
    pack = site_store(seeds_library).get("Briefing: bath safety")
    assert pack.briefing is not None and len({i.passage.doc_id for i in pack.items}) == len(pack.items) == 2
    at.switch_page(PACK_PAGE).run()  # AppTest does not follow st.switch_page by itself
    question = next(t for t in at.text_input if t.label == "Question 1")
    question.input("MY QUESTION: what do we tell parents about bath seats?").run()
    assert not at.exception
    kept = site_store(seeds_library).get("Briefing: bath safety")
    assert kept.briefing.questions[0] == "MY QUESTION: what do we tell parents about bath seats?"

    again = session()
    again.switch_page(PACK_PAGE).run()
    assert any(t.value.startswith("MY QUESTION") for t in again.text_input)
    assert {"Word (.docx)", "PowerPoint (.pptx)", "Markdown (.md)", "Accessible text-only (.html)"} <= set(
        downloads(again)
    )


def test_reorder_note_and_remove_are_kept(session, seeds_library):
    at = session()
    at.text_input(key="query").input("bath safety").run()
    at.button(key="start-briefing").click().run()
    at.switch_page(PACK_PAGE).run()
    store = site_store(seeds_library)
    first, second = store.packs()[0].items
    at.button(key=f"up-{second.key}").click().run()
    assert [i.key for i in store.packs()[0].items] == [second.key, first.key]
    note = next(t for t in at.text_input if t.label == "Your note on this passage (optional)")
    note.input("Read this one aloud").run()
    assert store.packs()[0].items[0].note == "Read this one aloud"
    at.button(key=f"remove-{first.key}").click().run()
    assert [i.key for i in store.packs()[0].items] == [second.key]


def test_a_pack_survives_a_rebuild_and_marks_a_removed_review(session, seeds_library, fake_embedder):
    at = session()
    at.text_input(key="query").input("bath safety").run()
    at.button(key="start-briefing").click().run()
    rebuild(seeds_library, fake_embedder)
    state._searcher.clear()  # noqa: SLF001 (the app reopens the library for a new generation itself)
    at = session()
    at.switch_page(PACK_PAGE).run()
    assert not at.exception and GONE not in texts(at)
    assert "unattended" in texts(at)

    remove("child-i-hscb", seeds_library)
    at = session()
    at.switch_page(PACK_PAGE).run()
    assert not at.exception
    assert any(GONE in w.value for w in at.warning)
    assert "Child 'I' \\(HSCB\\)" in texts(at)  # its words and citation are still there
    assert "Word (.docx)" in downloads(at)


def test_rename_and_delete(session, seeds_library):
    at = session()
    at.text_input(key="query").input("bath safety").run()
    at.button(key="start-briefing").click().run()
    at.switch_page(PACK_PAGE).run()
    rename = next(t for t in at.text_input if t.label == "New name for this pack")
    rename.input("Water safety for health visitors").run()
    at.button(key="rename-pack").click().run()
    assert site_store(seeds_library).names() == ["Water safety for health visitors"]
    next(c for c in at.checkbox if c.label.startswith("Yes, delete")).check().run()
    at.button(key="delete-pack").click().run()
    assert site_store(seeds_library).names() == []


def test_a_read_only_site_keeps_packs_in_the_tab_and_says_so(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(uploads="off"))
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="query").input("bath safety").run()
    at.button(key="start-briefing").click().run()
    at.switch_page(PACK_PAGE).run()
    assert not at.exception
    assert any("not kept on this site" in w.value for w in at.warning)
    assert "Pack file (.json), to keep or share" in downloads(at)
    assert not seeds_library.packs_path.exists()


def test_a_briefing_from_a_theme(session, seeds_library):
    at = session()
    at.switch_page("assistant/ui/themes_page.py").run()
    theme = state.searcher().library.themes()[0]
    at.selectbox(key="theme-choice").set_value(theme.theme).run()
    at.button(key="start-briefing-theme").click().run()
    assert not at.exception
    pack = site_store(seeds_library).packs()[0]
    assert pack.name == f"Briefing: {theme.label}"
    assert len(pack.items) == min(len(theme.documents), 6) and pack.briefing is not None


def test_document_text_in_a_pack_and_its_briefing_is_shown_as_text(
    session, seeds_library, fake_embedder, tmp_path
):
    from assistant.library.ingest import ingest

    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "# Hostile review\n\nRecommendation 1: Agencies must check trampoline safety at every home visit "
        "<script>alert('x')</script> <img src=x onerror=alert(1)> **not bold** [a link](http://example.com).\n"
    )
    ingest([hostile], seeds_library, fake_embedder)
    at = session()
    at.text_input(key="query").input("trampoline safety").run()
    at.button(key="start-briefing").click().run()
    at.switch_page(PACK_PAGE).run()
    assert not at.exception
    shown = texts(at)
    assert "&lt;script&gt;alert\\('x'\\)&lt;/script&gt;" in shown
    assert "<script>" not in shown and "<img" not in shown and "**not bold**" not in shown


@pytest.mark.parametrize("user", ["alice@example.org", None])
def test_signed_in_users_keep_their_own_packs(seeds_library, fake_embedder, monkeypatch, user):
    from assistant.ui import pack_session

    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(packs="signed-in"))
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    monkeypatch.setattr(pack_session, "_user", lambda: user)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="query").input("bath safety").run()
    at.button(key="start-briefing").click().run()
    at.switch_page(PACK_PAGE).run()
    assert not at.exception
    assert site_store(seeds_library).packs() == []  # never in the shared store
    mine = PackStore(store_folder(seeds_library.packs_path, "alice@example.org")).names()
    if user:
        assert mine == ["Briefing: bath safety"]
        assert any("kept on this site for you" in c.value for c in at.caption)
    else:
        assert mine == [] and any("Sign in to keep your packs" in w.value for w in at.warning)


def test_an_edit_in_another_tab_is_seen_and_not_overwritten(session, seeds_library):
    first = session()
    first.text_input(key="query").input("bath safety").run()
    first.button(key="start-briefing").click().run()
    first.switch_page(PACK_PAGE).run()
    second = session()
    second.switch_page(PACK_PAGE).run()
    next(t for t in second.text_input if t.label == "Question 1").input("EDITED IN THE SECOND TAB?").run()
    first.run()  # the first tab's next run
    assert next(t for t in first.text_input if t.label == "Question 1").value == "EDITED IN THE SECOND TAB?"
    next(t for t in first.text_input if t.label == "Audience").input("Health visitors").run()
    kept = site_store(seeds_library).get("Briefing: bath safety").briefing
    assert kept.questions[0] == "EDITED IN THE SECOND TAB?" and kept.audience == "Health visitors"


def test_the_signed_in_account_is_its_subject_then_its_email(monkeypatch):
    from assistant.ui import pack_session

    for info, expected in [
        ({"is_logged_in": True, "iss": "https://id.example", "sub": "123", "email": "a@x.org"}, "https://id.example|123"),
        ({"is_logged_in": True, "email": "a@x.org"}, "a@x.org"),
        ({"is_logged_in": False, "email": "a@x.org"}, None),
        ({}, None),
    ]:  # fmt: skip
        monkeypatch.setattr(pack_session.st, "user", info, raising=False)
        assert pack_session._user() == expected  # noqa: SLF001


def test_packs_follow_the_uploads_mode_in_force_and_fail_closed(seeds_library, monkeypatch):
    """'like-uploads' follows the uploads mode in force: 'auto' keeps packs on the site only when
    the app listens on this computer alone; an unknown mode keeps nothing on the site."""
    from assistant.ui import pack_session

    cases = (
        ("on", "0.0.0.0", True),
        ("signed-in", "localhost", False),  # nobody is signed in
        ("off", "localhost", False),
        ("auto", "localhost", True),
        ("auto", "0.0.0.0", False),
        ("auto", None, False),
    )
    for uploads, address, kept in cases:
        monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(uploads=uploads))
        monkeypatch.setattr(state, "server_address", lambda address=address: address)
        monkeypatch.setattr(state, "proxied", lambda: False)
        monkeypatch.setattr(pack_session, "_user", lambda: None)
        assert (pack_session.store() is not None) is kept, (uploads, address)
        assert pack_session.where_kept()[0] is kept
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(uploads="on"))
    object.__setattr__(state.SETTINGS, "packs", "sideways")  # a mode the page does not know
    assert pack_session.store() is None


def test_a_box_typed_in_and_left_for_another_page_is_kept_and_shown(session, seeds_library):
    """Typed without Enter, then another page: the browser sends the text only when the pack page is
    shown again, for boxes the page has since forgotten. It is saved, and the box shows it."""
    from assistant.ui import pack_session
    from assistant.ui.briefing_editor import box

    at = session()
    at.text_input(key="query").input("bath safety").run()
    at.button(key="start-briefing").click().run()
    at.switch_page(PACK_PAGE).run()
    version = at.session_state[pack_session.VERSION]
    at.switch_page("assistant/ui/themes_page.py").run()  # left for another page ...
    at.session_state[box("b-audience", version)] = "Typed on the way out"  # ... sent on the way back
    at.switch_page(PACK_PAGE).run()
    assert not at.exception
    assert site_store(seeds_library).get("Briefing: bath safety").briefing.audience == "Typed on the way out"
    assert next(t for t in at.text_input if t.label == "Audience").value == "Typed on the way out"
    assert at.session_state[pack_session.VERSION] > version  # new boxes, from what is saved (a browser
    # would otherwise go on showing the text the old boxes held: tests/test_e2e.py)
    at.run()  # and the next run does not write the old text back
    assert site_store(seeds_library).get("Briefing: bath safety").briefing.audience == "Typed on the way out"


def test_no_box_on_the_page_has_markdown_escapes_in_its_label(session, seeds_library):
    """A screen reader reads a label as written: "Child 'I' \\(HSCB\\)" aloud. Labels are the
    app's words; the reviews' names are in the text beside them."""
    at = session()
    at.text_input(key="query").input("bath safety").run()
    at.button(key="start-briefing").click().run()
    at.switch_page(PACK_PAGE).run()
    labels = [w.label for kind in ("text_input", "text_area", "checkbox") for w in at.get(kind)]
    assert any(label.startswith("Web address of reading 1") for label in labels)
    assert not [label for label in labels if "\\" in label]
