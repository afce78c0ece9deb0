"""The library's theme reads: the grid counts what the stored tags say, cells open their reviews,
and a review with no theme is counted as such; answers kept per generation are the plain reads."""

from __future__ import annotations

import random

import pytest

from assistant.field.theme_grid import AXES, NO_THEME, UNKNOWN
from assistant.field.theme_grid import build as build_grid
from assistant.library import Library, theme_queries
from assistant.library.ingest import ingest
from assistant.quality import themes_bench
from tests.support import CORPUS, plain_theme_passages


def test_grid_counts_reviews_from_the_stored_tags(seeds_library):
    library = Library.open(seeds_library.index_dir)
    documents = {d.doc_id: d for d in library.documents()}
    carried: dict[str, set[str]] = {}
    for passage in library.passages():
        carried.setdefault(passage.doc_id, set()).update(passage.themes)
    grid = library.theme_grid("year")
    assert grid is library.theme_grid("year")  # kept for this generation
    for theme in grid.themes:
        for column in grid.columns:
            expected = {
                doc_id
                for doc_id, themes in carried.items()
                if (theme in themes or (theme == NO_THEME and not themes))
                and str(documents[doc_id].year or UNKNOWN) == column
            }
            assert set(grid.reviews(theme, column)) == expected, (theme, column)
    library.close()


def test_a_cell_opens_its_reviews_passages(seeds_library):
    library = Library.open(seeds_library.index_dir)
    grid = library.theme_grid("publisher")
    theme = next(t for t in grid.themes if t != NO_THEME)
    column = next(c for c in grid.columns if grid.count(theme, c))
    reviews = grid.reviews(theme, column)
    quoted = library.theme_passages(theme, per_document=1, doc_ids=list(reviews))
    assert {p.doc_id for p in quoted} == set(reviews)
    assert all(theme in p.themes for p in quoted)
    assert library.theme_passages(theme, doc_ids=[]) == []
    library.close()


def test_recurring_means_three_reviews_or_more(seeds_library):
    library = Library.open(seeds_library.index_dir)
    assert all(len(t.documents) >= 3 for t in library.recurring())
    assert {t.theme for t in library.recurring(1)} == {t.theme for t in library.themes() if t.documents}
    library.close()


@pytest.fixture
def synthetic_library(tmp_path, fake_embedder, monkeypatch):
    """Forty synthetic reviews tagged by the real tagger: enough for recurring themes and full grid cells."""
    monkeypatch.setattr(themes_bench, "PASSAGES", 3)
    index_dir = tmp_path / "synthetic"
    themes_bench.build(index_dir, fake_embedder, 40, random.Random(5))
    return index_dir


def test_kept_answers_are_the_plain_reads(synthetic_library):
    library = Library.open(synthetic_library)
    for _ in range(2):  # first read, then kept
        assert library.themes() == theme_queries.theme_counts(library.db)
        assert library.agency_spread() == theme_queries.agency_spread(library.db)
        assert library.theme_labels() == theme_queries.theme_labels(library.db)
        assert library.document_count == len(library.documents())
        for axis in AXES:
            assert library.theme_grid(axis) == build_grid(
                theme_queries.review_themes(library.db), theme_queries.theme_labels(library.db), axis
            )
    assert library.recurring(), "forty reviews share some themes"
    for count in library.themes():
        for per_document, limit in [(None, None), (1, 10), (None, 20), (2, None)]:
            plain = plain_theme_passages(library, count.theme, per_document, limit)
            assert library.theme_passages(count.theme, per_document, limit) == plain
            assert library.theme_passages(count.theme, per_document, limit) == plain  # kept
        cell = list(count.documents[:3])
        plain = plain_theme_passages(library, count.theme, 1, None, set(cell))
        assert library.theme_passages(count.theme, per_document=1, doc_ids=cell) == plain
    document = library.documents()[0]
    assert library.document(document.doc_id) == document
    library.close()


def test_what_the_page_is_given_cannot_change_what_is_kept(synthetic_library):
    library = Library.open(synthetic_library)
    library.themes().clear()
    library.agency_spread().clear()
    theme = library.themes()[0].theme
    library.theme_passages(theme).clear()
    assert library.themes() == theme_queries.theme_counts(library.db)
    assert library.agency_spread() == theme_queries.agency_spread(library.db)
    assert library.theme_passages(theme) == plain_theme_passages(library, theme)
    library.close()


def test_a_new_generation_is_read_anew(seeds_library, fake_embedder, tmp_path):
    before = Library.open(seeds_library.index_dir)
    counts = before.themes()
    assert before.document_count == 2
    extra = tmp_path / "more"
    extra.mkdir()
    source = next(p for p in CORPUS.iterdir() if p.suffix == ".md")
    (extra / "copy.md").write_text(source.read_text(encoding="utf-8") + "\n\nA new line.\n", encoding="utf-8")
    ingest([extra], seeds_library, fake_embedder)
    after = Library.open(seeds_library.index_dir)
    assert after.generation > before.generation
    assert after.document_count == 3 and before.document_count == 2
    assert after.themes() == theme_queries.theme_counts(after.db) != counts
    assert before.themes() == counts  # the old generation keeps its own answers
    before.close()
    after.close()
