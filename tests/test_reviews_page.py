"""The Search page's Reviews / Passages switch, headless (AppTest, fake embedder)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assistant.ui import state

from .support import ROOT
from .test_app import texts

APP = str(ROOT / "app.py")


@pytest.fixture
def app(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(state, "SETTINGS", seeds_library.replace(reviews_threshold=0.3))  # fake scale
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    monkeypatch.setattr(state, "server_address", lambda: "localhost")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_reviews_view_counts_reviews_with_evidence(app):
    app.text_input(key="query").input("bath safety").run()
    app.radio(key="search-view").set_value("Reviews").run()
    assert not app.exception
    assert any("review" in s.value and "match" in s.value for s in app.header)
    assert any(s.value.startswith("1. Child ") for s in app.subheader)  # each review is a heading
    assert "unattended while bathing" in texts(app)
    assert any("precision first" in c.value for c in app.caption)
    [csv] = [b for b in app.get("download_button") if b.label.startswith("Download as CSV (")]
    shown = [s for s in app.subheader if s.value[:1].isdigit()]
    assert csv.label.startswith(f"Download as CSV ({len(shown)} counted")  # none of the seeds is a near miss


def test_a_theme_searched_by_its_label_says_how_its_count_differs_from_the_themes_page(app):
    theme = next(t for t in state.searcher().library.themes() if t.documents)
    app.radio(key="search-view").set_value("Reviews").run()
    app.text_input(key="query").input(theme.label.upper()).run()
    assert not app.exception
    [note] = [c.value for c in app.caption if "is also a learning theme" in c.value]
    assert f"{len(theme.documents)} review" in note and "usually smaller" in note
    app.text_input(key="query").input("bath safety").run()  # not a theme's label: nothing said
    assert not any("is also a learning theme" in c.value for c in app.caption)


def test_a_passage_found_by_meaning_alone_says_it_uses_none_of_your_words(app):
    from assistant.ui.reviews_view import MEANING_ONLY

    app.text_input(key="query").input("bathing").run()
    assert not app.exception
    cues = [p.text for p in app.get("progress")]
    cards = [m.value for m in app.markdown if "bathing" in m.value.lower() and "**" in m.value]
    assert cues and cards  # the seeds hold the word: those passages have it marked
    assert not cues[0].endswith(MEANING_ONLY)  # the best holds the word
    assert sum(c.endswith(MEANING_ONLY) for c in cues) == len(cues) - len(cards) > 0


def test_a_review_card_says_its_title_only_when_it_adds_to_its_name():
    from assistant.records import Document
    from assistant.ui.about import heading

    pfd = Document("pfd-1", "Prevention of Future Deaths report: Ivy Mitchell", "pfd-1.md", "md", "0",
                   "indexed", subject="Ivy Mitchell", review_type="Prevention of Future Deaths report",
                   published="2017-01-20")  # fmt: skip
    assert heading(pfd) == "Ivy Mitchell (2017)"  # not "Ivy Mitchell (2017): Prevention ...: Ivy Mitchell"
    review = Document("j", "Response to Publication of SCR on Child J", "j.md", "md", "0", "indexed",
                      subject="Child J", review_type="Serious Case Review",
                      published="2019-12-01")  # fmt: skip
    assert heading(review) == "Child J (2019): Response to Publication of SCR on Child J"
    untitled = Document("u", "Serious case review of a baby", "u.md", "md", "0", "indexed", published="2019")
    assert heading(untitled) == "Serious case review of a baby (2019)"  # its citation is its title


def test_the_csv_button_says_what_its_rows_are():
    from types import SimpleNamespace

    from assistant.search.reviews import ReviewList
    from assistant.ui.reviews_view import _csv_label

    def found(matches: int, misses: int) -> ReviewList:
        rows = [SimpleNamespace(match=True)] * matches + [SimpleNamespace(match=False)] * misses
        return ReviewList("q", tuple(rows))  # type: ignore[arg-type]  # only a review's match is read

    assert _csv_label(found(0, 0)) == "Download as CSV (0 counted)"
    assert _csv_label(found(8, 1)) == "Download as CSV (8 counted, and 1 near miss marked match = no)"
    assert _csv_label(found(1, 20)) == "Download as CSV (1 counted, and 20 near misses marked match = no)"


def test_passages_are_grouped_by_review_and_paged(app):
    app.text_input(key="query").input("recommendation response").run()
    assert not app.exception
    headings = [m.value for m in app.markdown if m.value.startswith("### ")]
    assert len(headings) == len(set(headings)) >= 1  # each review once, its passages under it
    assert any(p.text and "relevance" in p.text for p in app.get("progress"))
    more = [b for b in app.button if b.label == "More results"]
    assert more, "the seeds have more than 10 passages"
    more[0].click().run()
    assert not app.exception
    shown = next(c.value for c in app.caption if c.value.startswith("Passages 1-"))
    assert int(shown.split("-")[1].split()[0].rstrip(",")) > 10  # the next page came
    assert any(c.value.startswith("Passages 11-") for c in app.caption)  # the next ten, under their own
    headings = [m.value for m in app.markdown if m.value.startswith("### ")]
    assert len(headings) > len(set(headings))  # a review in both tens is headed in each: none slotted above
