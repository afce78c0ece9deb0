"""Suggested topics come from the library's own themes, most widespread first."""

from __future__ import annotations

from assistant.field.suggested_topics import suggested
from assistant.library import Library
from assistant.records import ThemeCount


def theme(label: str, passages: int, documents: int) -> ThemeCount:
    return ThemeCount(label.lower(), label, "", passages, tuple(f"d{n}" for n in range(documents)))


def test_the_most_widespread_themes_lead_and_unused_themes_are_left_out() -> None:
    themes = [theme("Water safety", 9, 1), theme("Road safety", 4, 5), theme("Housing", 0, 0),
              theme("Neglect", 6, 5), theme("Training", 2, 2)]  # fmt: skip
    assert suggested(themes, n=3) == ["Neglect", "Road safety", "Training"]
    assert "Housing" not in suggested(themes)


def test_the_seed_library_suggests_its_own_themes(seeds_library) -> None:
    library = Library.open(seeds_library.index_dir)
    try:
        topics = suggested(library.themes())
        assert topics and set(topics) <= set(library.theme_labels().values())
        reach = {t.label: len(t.documents) for t in library.themes()}
        assert reach[topics[0]] == max(reach.values())
    finally:
        library.close()
