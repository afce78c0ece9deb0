"""The themes grid: review counts per cell, the reviews behind a cell, "no theme", and the CSV."""

from __future__ import annotations

import csv
import io

import pytest

from assistant.field.theme_grid import NO_THEME, NO_THEME_LABEL, UNKNOWN, ReviewThemes, build, to_csv

LABELS = {"housing": "Housing", "falls": "Care homes and falls", "water": "Water safety"}
REVIEWS = [
    ReviewThemes("a", "2021", "Kent", ("adult",), ("housing", "falls")),
    ReviewThemes("b", "2021", "Kent", ("older",), ("falls",)),
    ReviewThemes("c", "2022", "=cmd|' /C calc'!A0", ("baby", "adult"), ("housing",)),
    ReviewThemes("d", "", "", (), ()),
]


def test_cells_count_reviews_and_open_the_reviews_behind_them():
    grid = build(REVIEWS, LABELS, "year")
    assert grid.columns == ("2021", "2022", UNKNOWN)
    assert grid.themes == ("housing", "falls", NO_THEME)  # taxonomy order, empty rows left out
    assert grid.count("housing", "2021") == 1 and grid.reviews("housing", "2021") == ("a",)
    assert grid.count("falls", "2021") == 2 and grid.reviews("falls", "2021") == ("a", "b")
    assert grid.count("water", "2021") == 0 and grid.reviews("water", "2021") == ()
    assert grid.row_total("housing") == 2


def test_a_review_with_no_theme_is_counted_as_such():
    grid = build(REVIEWS, LABELS, "year")
    assert grid.reviews(NO_THEME, UNKNOWN) == ("d",)
    assert grid.label(NO_THEME) == NO_THEME_LABEL
    assert sum(grid.row_total(t) for t in grid.themes if t != NO_THEME) == 4  # a twice, b, c


def test_by_age_group_a_review_counts_in_each_of_its_groups():
    grid = build(REVIEWS, LABELS, "age_group")
    assert grid.reviews("housing", "adult") == ("a", "c")
    assert grid.reviews("housing", "baby") == ("c",)
    assert grid.row_total("housing") == 2  # distinct reviews, not cells
    assert grid.columns[:2] == ("baby", "adult")  # youngest first, not A to Z
    assert [grid.column_label(c) for c in grid.columns[:2]] == ["Baby (under 1)", "Adult (18-64)"]
    assert "Baby (under 1)" in to_csv(grid).splitlines()[0].split(",")


def test_by_publisher_and_a_bad_axis():
    grid = build(REVIEWS, LABELS, "publisher")
    assert grid.reviews("falls", "Kent") == ("a", "b")
    with pytest.raises(ValueError, match="unknown grid axis"):
        build(REVIEWS, LABELS, "colour")  # type: ignore[arg-type]


def test_csv_has_the_grids_counts_and_no_formulas():
    grid = build(REVIEWS, LABELS, "publisher")
    rows = list(csv.reader(io.StringIO(to_csv(grid))))
    header = rows[0]
    assert header[:2] == ["theme", "theme_id"] and header[-1] == "reviews"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "'=cmd|' /C calc'!A0" in header
    by_id = {row[1]: row for row in rows[1:]}
    assert by_id["falls"][header.index("Kent")] == "2" and by_id["falls"][-1] == "2"
    assert by_id[""][0] == NO_THEME_LABEL and by_id[""][header.index(UNKNOWN)] == "1"
    assert len(rows) == 1 + len(grid.themes)
