"""The Themes page's grid, headless: a cell chosen opens its reviews' passages, the CSV is the
grid's, "no theme" is said where no theme fits, and a recurring theme is drawn only when opened."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.field.theme_grid import NO_THEME, to_csv
from assistant.library import Library
from assistant.library.ingest import ingest
from assistant.markdown_escape import escape
from assistant.quality import themes_bench
from assistant.settings import Settings
from assistant.ui import state
from tests.support import plain_theme_passages

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _open_themes_page(settings, embedder, monkeypatch) -> AppTest:
    """The app over ``settings``' library, switched to the Themes page, which ran without error."""
    monkeypatch.setattr(state, "SETTINGS", settings)
    monkeypatch.setattr(state, "embedder", lambda: embedder)
    monkeypatch.setattr(state, "server_address", lambda: "localhost")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("assistant/ui/themes_page.py").run()
    assert not at.exception
    return at


@pytest.fixture
def themes_page(seeds_library, fake_embedder, monkeypatch):
    return _open_themes_page(seeds_library, fake_embedder, monkeypatch)


def test_a_grid_cell_opens_the_passages_of_its_reviews(themes_page, seeds_library):
    library = Library.open(seeds_library.index_dir)
    grid = library.theme_grid("year")
    theme = next(t for t in grid.themes if t != NO_THEME)
    column = next(c for c in grid.columns if grid.count(theme, c))
    themes_page.selectbox(key="grid-theme").select(theme).run()
    themes_page.selectbox(key="grid-column").select(column).run()
    assert not themes_page.exception
    heading = [h.value for h in themes_page.subheader if h.value.endswith("reviews")]
    assert heading and heading[-1].endswith(f": {grid.count(theme, column)} reviews")
    library.close()


def test_age_groups_are_named_in_words_and_many_publishers_are_cut_to_the_largest(themes_page):
    from assistant.field.theme_grid import ReviewThemes, build
    from assistant.ui.theme_grid_section import DRAWN, _widest

    themes_page.radio(key="grid-axis").set_value("age_group").run()
    assert not themes_page.exception
    options = themes_page.selectbox(key="grid-column").options
    assert options and all(o in ("Baby (under 1)", "Child (1-12)", "Teenager (13-17)", "not known")
                           for o in options)  # fmt: skip
    reviews = [ReviewThemes(f"d{n}", "2020", f"P{n % 40:02d}", (), ("falls",)) for n in range(100)]
    grid = build(reviews, {"falls": "Falls"}, "publisher")
    drawn = _widest(grid)
    assert len(grid.columns) == 40 and len(drawn) == DRAWN == 30
    assert (
        drawn == tuple(sorted(drawn)) and {"P00", "P19"} <= set(drawn) and "P39" not in drawn
    )  # the largest


def test_the_page_says_what_a_count_means(themes_page, seeds_library):
    """A count is a floor: the page says how precise the tags were when read, and what they miss."""
    from assistant.ui.themes_page import TAG_NOTE

    assert any(TAG_NOTE in c.value for c in themes_page.caption)
    library = Library.open(seeds_library.index_dir)
    tagged = len({d for t in library.themes() if t.passages for d in t.documents})
    library.close()
    assert any(
        f"themes appear in {tagged} documents." in c.value for c in themes_page.caption
    )  # none untagged
    assert "a floor, not a total" in TAG_NOTE


def test_the_grid_downloads_as_the_grids_csv(seeds_library):
    library = Library.open(seeds_library.index_dir)
    text = to_csv(library.theme_grid("publisher"))
    lines = text.splitlines()
    assert lines[0].startswith("theme,theme_id,") and lines[0].endswith(",reviews")
    assert len(lines) == 1 + len(library.theme_grid("publisher").themes)
    library.close()


def test_a_passage_with_no_theme_says_so(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(state, "SETTINGS", seeds_library)
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    monkeypatch.setattr(state, "server_address", lambda: "localhost")
    library = Library.open(seeds_library.index_dir)
    untagged = [p for p in library.passages() if not p.themes]
    library.close()
    assert untagged, "the fake embedder leaves some seed passages without a theme"
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="query").input(untagged[0].text[:80]).run()
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Learning themes: none") for c in captions)


def test_a_tagged_passage_says_what_made_each_theme(seeds_library, fake_embedder, monkeypatch):
    library = Library.open(seeds_library.index_dir)
    labels = library.theme_labels()
    tagged = next(p for p in library.passages() if p.themes)
    evidence = library.theme_evidence(int(tagged.id or 0))
    library.close()
    assert set(evidence) == set(tagged.themes) and all(evidence.values())
    at = _open_themes_page(seeds_library, fake_embedder, monkeypatch)
    at.selectbox(key="theme-choice").select(tagged.themes[0]).run()
    assert not at.exception
    theme = tagged.themes[0]
    expected = f"{labels[theme]} ({', '.join(evidence[theme])})"
    lines = [c.value for c in at.caption if c.value.startswith("Learning themes: ")]
    assert lines and all("(" in line for line in lines)  # every theme shown says why
    assert any(expected in line.replace("\\", "") for line in lines), (expected, lines[:3])


CUED = """
[[theme]]
id = "families"
label = "Working with families"
description = "Listening to relatives."
keywords = ["family liaison"]
cues = {people = ["mother"], actions = ["raised concerns"]}
"""


def test_a_cue_from_a_document_is_shown_as_text(tmp_path, settings, fake_embedder, monkeypatch):
    themes = tmp_path / "themes.toml"
    themes.write_text(CUED, encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "review.txt").write_text("Review of Ann\n\nHer [mother](x) *raised* concerns twice.", "utf-8")
    cued = settings.replace(themes_file=themes)
    assert [r.status for r in ingest([folder], cued, fake_embedder)] == ["added"]
    at = _open_themes_page(cued, fake_embedder, monkeypatch)
    at.selectbox(key="theme-choice").select("families").run()
    lines = [c.value for c in at.caption if c.value.startswith("Learning themes: ")]
    assert lines == ["Learning themes: " + escape("Working with families (mother … raised* concerns)")]
    assert "raised\\* concerns" in lines[0]  # the document's markdown is escaped: shown as typed


def test_a_recurring_theme_draws_its_passages_only_when_opened(tmp_path, fake_embedder, monkeypatch):
    monkeypatch.setattr(themes_bench, "PASSAGES", 3)
    settings = Settings(index_dir=tmp_path / "index")
    themes_bench.build(settings.index_dir, fake_embedder, 30, random.Random(5))
    library = Library.open(settings.index_dir)
    recurring = library.recurring()
    assert recurring, "thirty reviews share some themes"
    widest = recurring[0]
    expected = plain_theme_passages(library, widest.theme, per_document=1, limit=10)  # RECURRING_SHOWN
    library.close()
    at = _open_themes_page(settings, fake_embedder, monkeypatch)

    def shown() -> list[str]:
        return [str(b.key) for b in at.button if str(b.key).startswith("doc-recurring-")]

    labels = [e.label for e in at.expander]
    assert sum(widest.label in label for label in labels) == 1  # every recurring theme is listed...
    assert shown() == []  # ...but none draws its passages while closed
    at.session_state[f"recurring-{widest.theme}"] = True  # the expander opened
    at.run()
    assert not at.exception
    assert shown() == [f"doc-recurring-{widest.theme}-{p.id}" for p in expected]
