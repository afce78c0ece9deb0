"""The library's theme reads: the grid counts what the stored tags say, cells open their reviews,
and a review with no theme is counted as such."""

from __future__ import annotations

from assistant.field.theme_grid import NO_THEME, UNKNOWN
from assistant.library import Library


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
