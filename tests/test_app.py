"""Every page of the web app, headless with Streamlit's AppTest (the fake embedder keeps it quick)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from assistant.library.ingest import ingest
from assistant.ui import render, state

from .support import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture
def app(seeds_library, fake_embedder, monkeypatch):
    """The app over the seed library, with the fake embedder in place of the real model."""
    monkeypatch.setattr(state, "SETTINGS", seeds_library)
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    monkeypatch.setattr(state, "server_address", lambda: "localhost")  # as .streamlit/config.toml sets it
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.subheader]
    return "\n".join(shown)


def test_search_shows_cited_cards_with_filters_and_counts(app):
    app.text_input(key="query").input("DAISU").run()
    assert not app.exception
    assert "Child 'I' \\(HSCB\\)\\: Recommendation 2" in texts(app)
    assert "Response status: **already in place**" in texts(app)
    labels = [b.label for b in app.button]
    for action in ("Show in document: ", "More like this: ", "Add to session pack: "):  # and which result
        assert any(label.startswith(action + render.escape("1. Child")) for label in labels), action
    agency = app.multiselect(key="filter-agency")
    assert any(option.startswith("Police (") for option in agency.options)  # label with its count


def test_suggested_topic_and_more_like_this(app):
    topics = app.button_group(key="topic")
    library = state.searcher().library
    assert set(topics.options) <= set(library.theme_labels().values())  # the library's own themes
    topic = topics.options[0]
    topics.set_value(topic).run()
    assert app.text_input(key="query").value == topic
    first_more = next(b for b in app.button if b.label.startswith("More like this: 1"))
    first_more.click().run()
    assert not app.exception
    [based] = [i.value for i in app.info if "Passages like" in i.value]
    assert "A new search replaces this list" in based
    app.text_input(key="query").input("housing staff training").run()  # a new query replaces it
    assert not app.exception and not [i for i in app.info if "Passages like" in i.value]


def test_ask_answers_with_citations(seeds_library, fake_embedder, monkeypatch):
    # The fake embedder's similarities mean nothing, so let any passage through the threshold.
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(answer_threshold=-1.0))
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page("assistant/ui/ask_page.py").run()
    from assistant.field.suggested_topics import suggested
    from assistant.library import Library

    library = Library.open(seeds_library.index_dir)
    [top] = suggested(library.themes(), 1)  # the library's own most common theme, not a fixed example
    library.close()
    assert app.chat_input[0].placeholder == f"Ask a question, e.g. What is the learning about {top.lower()}?"
    app.chat_input[0].set_value("What training is planned for housing staff?").run()
    assert not app.exception
    assert any("Child 'I' \\(HSCB\\)" in e.label for e in app.expander)  # a label is Markdown: escaped
    assert "From Child 'I' \\(HSCB\\)\\:" in texts(app)


def test_an_age_follow_up_names_no_word_it_never_looked_for(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(answer_threshold=-1.0))  # all close
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("assistant/ui/ask_page.py").run()
    at.chat_input[0].set_value("What happened to Child I?").run()
    at.chat_input[0].set_value("how old was she?").run()  # Child 'I' states no age
    assert any("No age is stated in the report in focus" in w.value for w in at.warning)
    assert "“old”" not in " ".join(c.value for c in at.caption)  # no search was made for "old"


def test_ask_not_found(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(
        state, "SETTINGS", seeds_library.replace(answer_threshold=1.0)
    )  # nothing is close enough
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("assistant/ui/ask_page.py").run()
    at.chat_input[0].set_value("What is the learning about school exclusions?").run()
    assert any("do not address this question" in w.value for w in at.warning)
    assert not at.expander  # suggestions are listed, never shown as cited answer passages
    at.chat_input[0].set_value("What about safegaurding?").run()  # a slip is named, not guessed at
    assert "did you mean “safeguarding”?" in " ".join(c.value for c in at.caption)


def test_ask_suggestions_are_buttons_that_open_or_search(seeds_library, fake_embedder, monkeypatch):
    from assistant.answers import suggestions

    monkeypatch.setattr(suggestions, "SUGGEST_MIN", -1.0)  # everything counts as close
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(answer_threshold=1.0))
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("assistant/ui/ask_page.py").run()
    at.chat_input[0].set_value("Which football team did the family support?").run()
    labels = [b.label for b in at.button]
    assert any(label.startswith("Open ") for label in labels)
    theme = next(b for b in at.button if b.label.startswith("Search "))
    theme.click().run()
    assert not at.exception
    assert at.text_input(key="query").value == theme.label.removeprefix("Search ").replace("\\", "")


def test_ask_how_many_gives_the_reviews_views_count(seeds_library, fake_embedder, monkeypatch):
    from assistant.library import Library
    from assistant.search.reviews import ReviewFinder
    from assistant.search.searcher import Searcher

    settings = seeds_library.replace(answer_threshold=1.0, reviews_threshold=0.3)  # the fake's scale
    monkeypatch.setattr(state, "SETTINGS", settings)
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    library = Library.open(settings.index_dir)
    count = ReviewFinder(Searcher(library, fake_embedder), 0.3).find("bath safety").count
    library.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("assistant/ui/ask_page.py").run()
    at.chat_input[0].set_value("How many reviews are about bath safety?").run()
    assert not at.exception and count >= 1
    said = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert f"{count} review{'s' if count != 1 else ''} in this library" in said


def test_ask_keeps_the_review_in_focus(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(answer_threshold=1.0))
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("assistant/ui/ask_page.py").run()
    at.chat_input[0].set_value("recommendations for Child I").run()
    at.chat_input[0].set_value("and recommendation 3?").run()
    assert not at.exception
    assert "kept in focus Child 'I' (HSCB)" in "\n".join(c.value for c in at.caption).replace("\\", "")
    assert any("Child 'I' (HSCB): Recommendation 3" in e.label.replace("\\", "") for e in at.expander)
    at.chat_input[0].set_value("and recommendation 9?").run()  # not found: still about Child 'I'
    captions = [c.value.replace("\\", "") for c in at.caption]
    after = captions[captions.index("Child 'I' (HSCB) has no recommendation 9.") + 1]
    assert after == "Still in focus for your next question: Child 'I' (HSCB)."  # nothing followed on


def test_library_lists_every_document_with_its_status(app, seeds_library, fake_embedder, tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_text("<html>not a pdf</html>")
    ingest([bad], seeds_library, fake_embedder)
    app.switch_page("assistant/ui/library_page.py").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert set(table["status"]) == {"indexed", "failed"}
    assert "not a PDF" in " ".join(table["problem"])
    counted = [c.value for c in app.caption if "indexed" in c.value]
    assert counted and counted[0].startswith("2 documents indexed, 1 failed: ")  # the table holds 3 rows
    assert app.get("file_uploader")
    child_j = table[table["file"].str.startswith("child-j")].iloc[0]  # the fields one can sort by
    assert child_j["published"].startswith("2019") and "Partnership" in child_j["publisher"]
    assert "publisher: front matter" in child_j["fields read from"]  # in words, not field names


def test_read_only_site_has_no_upload_or_remove(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(uploads="off"))
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("assistant/ui/library_page.py").run()
    assert any("read-only" in i.value for i in at.info)
    assert not at.get("file_uploader") and not at.selectbox


def test_document_text_is_shown_as_text(seeds_library, fake_embedder, monkeypatch, tmp_path):
    hostile = tmp_path / "hostile.txt"  # plain text: every character reaches the library
    hostile.write_text(
        "# Hostile review\n\nRecommendation 1: Agencies must check trampoline safety "
        "<script>alert('x')</script> <img src=x onerror=alert(1)> **not bold** [a link](http://example.com).\n"
    )
    ingest([hostile], seeds_library, fake_embedder)
    monkeypatch.setattr(state, "SETTINGS", seeds_library)
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="query").input("trampoline safety").run()
    shown = texts(at)
    assert "&lt;script&gt;alert\\('x'\\)&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in shown
    assert "<script>" not in shown and "<img" not in shown
    assert "\\*\\*not bold\\*\\*" in shown


def test_themes_page_charts_lead_to_passages(app):
    app.switch_page("assistant/ui/themes_page.py").run()
    assert not app.exception
    assert len(app.get("vega_lite_chart")) == 3  # learning themes, the themes grid, agencies
    library = state.searcher().library
    themes = library.themes()
    widest = themes[0]
    assert len(widest.documents) == 2  # the two seed reviews: not yet "recurring" (3 or more)
    assert not any(widest.label in e.label for e in app.expander)
    assert any("3 or more reviews" in i.value for i in app.info)
    single = next(t for t in themes if t.passages == 1)  # the seeds have several
    choice = app.selectbox(key="theme-choice")
    for theme in (widest, single):
        choice.set_value(theme.theme).run()
        assert not app.exception
        cards = [b for b in app.button if (b.key or "").startswith(f"doc-theme-{theme.theme}-")]
        assert len(cards) == min(theme.passages, 20)
        noun = "passage" if theme.passages == 1 else "passages"
        assert f"{theme.label}: {theme.passages} {noun}" in [s.value for s in app.subheader]


def test_a_chosen_bar_is_read_from_the_chart_event():
    from assistant.ui.themes_page import _chosen_bar

    event = type("Event", (), {"selection": {"pick": [{"theme": "a"}, {"theme": "housing"}]}})()
    assert _chosen_bar(event) == "housing"  # the newest point
    assert _chosen_bar(type("Event", (), {"selection": {"pick": []}})()) is None
    assert _chosen_bar(None) is None


def test_search_filters_by_learning_theme(app):
    library = state.searcher().library
    theme = library.themes()[0]
    app.text_input(key="query").input("information").run()
    app.multiselect(key="filter-theme").set_value([theme.theme]).run()
    assert not app.exception
    cards = [h.value for h in app.subheader if re.match(r"\d+\\\. ", h.value)]  # card titles: headings
    themes = [c.value for c in app.caption if c.value.startswith("Learning themes:")]
    assert cards and len(themes) == len(cards) <= theme.passages
    assert all(render.escape(theme.label) in line for line in themes)


def test_library_page_corrects_a_document_and_shows_it_edited(app, seeds_library):
    from assistant.library import Library

    app.switch_page("assistant/ui/library_page.py").run()
    table = app.dataframe[0].value
    assert "Child J, Hertfordshire SCP, December 2019" in set(table["review"])
    app.selectbox(key="edit-doc").select("child-i-hscb").run()
    app.text_input(key="edit-published-child-i-hscb").input("not a date").run()
    app.button(key="edit-save-child-i-hscb").click().run()
    assert any("not a date" in e.value for e in app.error)
    app.text_input(key="edit-published-child-i-hscb").input("01/06/2016").run()
    app.button(key="edit-save-child-i-hscb").click().run()
    assert not app.exception
    library = Library.open(seeds_library.index_dir)
    doc = library.document("child-i-hscb")
    library.close()
    assert doc.published == "2016-06-01" and doc.field_sources["published"] == "edited"
    edited = dict(zip(app.dataframe[0].value["review"], app.dataframe[0].value["edited"], strict=True))
    assert edited[doc.name].startswith("edited: published (")


def test_search_filters_name_documents_and_offer_years_and_ages(app):
    reviews = app.multiselect(key="filter-document")
    assert any(o.startswith("Child J, Hertfordshire SCP, December 2019 (") for o in reviews.options)
    assert app.multiselect(key="filter-year").options and app.selectbox(key="filter-year-from").options
    assert any(o.startswith("Baby (under 1) (") for o in app.multiselect(key="filter-age_group").options)
    app.selectbox(key="filter-year-from").select(2019).run()
    app.text_input(key="query").input("bath").run()
    assert not app.exception
    cards = [h.value for h in app.subheader if re.match(r"\d+\\\. ", h.value)]  # card titles: headings
    assert cards and all("Child J" in c for c in cards)  # Child 'I' gives no year: left out


def test_a_year_range_that_ends_before_it_starts_is_named(app, monkeypatch):
    from assistant.records import Filters

    assert Filters(year_from=2015, year_to=2015).backwards_years() is None
    assert Filters(year_from=2022).backwards_years() is None
    assert "from 2022 up to 2015 holds no year" in Filters(year_from=2022, year_to=2015).backwards_years()
    both = lambda self: "backwards" if None not in (self.year_from, self.year_to) else None  # noqa: E731
    monkeypatch.setattr(Filters, "backwards_years", both)  # the seeds have one year: say 2019..2019 is
    app.text_input(key="query").input("bath").run()
    assert not any("is after “Published up to”" in w.value for w in app.warning)  # only for a range
    app.selectbox(key="filter-year-from").select(2019).run()
    app.selectbox(key="filter-year-to").select(2019).run()
    assert any("“Published from” (2019) is after “Published up to” (2019)" in w.value for w in app.warning)


def test_a_query_longer_than_the_limit_is_cut_with_a_note(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(max_query_chars=20))
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    state._searcher.clear()  # a searcher made with other limits may be cached
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="query").set_value("bath safety " * 10).run()
    assert not at.exception
    notes = " ".join(c.value for c in at.caption)
    assert "only its first 20 were searched" in notes


def test_a_misspelt_query_is_named_and_offered_as_the_library_spells_it(app):
    app.text_input(key="query").input("informaton sharing").run()
    assert not app.exception
    assert "did you mean “information”?" in " ".join(c.value for c in app.caption)
    offer = app.button(key="respelled")
    assert offer.label == "Search for “information sharing”"
    offer.click().run()
    assert app.text_input(key="query").value == "information sharing"
    assert not app.exception and "did you mean" not in " ".join(c.value for c in app.caption)
    assert not [b for b in app.button if b.key == "respelled"]


def test_counts_are_said_in_words_a_person_reads():
    from assistant.ui.render import counted

    assert [counted(n, "passage") for n in (0, 1, 3)] == ["0 passages", "1 passage", "3 passages"]
