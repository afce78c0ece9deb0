"""The Themes page's grid, headless: a cell chosen opens its reviews' passages, the CSV is the
grid's, and "no theme" is said where no theme fits."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.field.theme_grid import NO_THEME, to_csv
from assistant.library import Library
from assistant.ui import state

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def themes_page(seeds_library, fake_embedder, monkeypatch):
    monkeypatch.setattr(state, "SETTINGS", seeds_library)
    monkeypatch.setattr(state, "embedder", lambda: fake_embedder)
    monkeypatch.setattr(state, "server_address", lambda: "localhost")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("assistant/ui/themes_page.py").run()
    assert not at.exception
    return at


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
