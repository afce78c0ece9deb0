"""Themes by year, by publisher and by age group: a grid of review counts, its cells' reviews, CSV.

Counts are reviews (documents), not passages: a review with five passages about housing counts
once in the housing row. Reviews with no theme at all have their own row, so the grid never
looks fuller than the library is.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from assistant.documents.doc_metadata import publishers
from assistant.documents.doc_metadata.ages import GROUPS as AGE_GROUPS
from assistant.documents.doc_metadata.ages import LABELS as AGE_LABELS

Axis = Literal["year", "publisher", "age_group"]
AXES: tuple[Axis, ...] = ("year", "publisher", "age_group")
NO_THEME = ""  # the row of reviews that carry no theme
NO_THEME_LABEL = "No theme"
UNKNOWN = "not known"  # the column of reviews with no year, publisher or age group


@dataclass(frozen=True)
class ReviewThemes:
    """One review and what the grid needs of it (read from the library in one query)."""

    doc_id: str
    year: str  # "2023", or "" when not known
    publisher: str
    age_groups: tuple[str, ...]
    themes: tuple[str, ...]  # theme ids carried by any of its passages


@dataclass(frozen=True)
class Grid:
    axis: Axis
    themes: tuple[str, ...]  # row keys, taxonomy order, NO_THEME last
    labels: dict[str, str]  # theme id → label
    columns: tuple[str, ...]
    cells: dict[tuple[str, str], tuple[str, ...]]  # (theme, column) → doc ids, sorted

    def count(self, theme: str, column: str) -> int:
        return len(self.cells.get((theme, column), ()))

    def reviews(self, theme: str, column: str) -> tuple[str, ...]:
        """The reviews behind a cell: what a click on it opens."""
        return self.cells.get((theme, column), ())

    def row_total(self, theme: str) -> int:
        return len({d for column in self.columns for d in self.reviews(theme, column)})

    def label(self, theme: str) -> str:
        return NO_THEME_LABEL if theme == NO_THEME else self.labels.get(theme, theme)

    def column_label(self, column: str) -> str:
        """What a column is called on the page and in the CSV: an age group by its words and
        ages ("Baby (under 1)"), a year or a publisher as it is."""
        return AGE_LABELS.get(column, column) if self.axis == "age_group" else column


def _columns_of(review: ReviewThemes, axis: Axis) -> tuple[str, ...]:
    if axis == "year":
        return (review.year or UNKNOWN,)
    if axis == "publisher":
        return (review.publisher or UNKNOWN,)
    return review.age_groups or (UNKNOWN,)


def build(reviews: Iterable[ReviewThemes], labels: dict[str, str], axis: Axis) -> Grid:
    """The grid of ``reviews`` by ``axis``; rows in the order of ``labels`` (the taxonomy's)."""
    if axis not in AXES:
        raise ValueError(f"unknown grid axis {axis!r}: choose one of {', '.join(AXES)}")
    reviews = list(reviews)
    named = publishers.labels(Counter(r.publisher for r in reviews if r.publisher))  # one column each
    cells: dict[tuple[str, str], set[str]] = {}
    columns: set[str] = set()
    for review in reviews:
        if review.publisher:
            review = replace(review, publisher=named[review.publisher])
        for column in _columns_of(review, axis):
            columns.add(column)
            for theme in review.themes or (NO_THEME,):
                cells.setdefault((theme, column), set()).add(review.doc_id)
    used = {theme for theme, _ in cells}
    rows = tuple(t for t in labels if t in used) + tuple(sorted(used - set(labels) - {NO_THEME}))
    rows += (NO_THEME,) if NO_THEME in used else ()
    if axis == "age_group":  # youngest first, as the groups are
        ordered = sorted(
            columns, key=lambda c: (c == UNKNOWN, AGE_GROUPS.index(c) if c in AGE_GROUPS else 99, c)
        )
    else:
        ordered = sorted(columns, key=lambda c: (c == UNKNOWN, c))
    return Grid(axis, rows, dict(labels), tuple(ordered), {k: tuple(sorted(v)) for k, v in cells.items()})


def _inert(value: str) -> str:
    """A spreadsheet must not read a cell as a formula: a leading = + - @ (or tab/CR) is quoted."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(grid: Grid) -> str:
    """The grid as CSV: one row per theme (its label and id), one column per year, publisher or
    age group (by its label), and the theme's total of distinct reviews."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["theme", "theme_id", *(_inert(grid.column_label(c)) for c in grid.columns), "reviews"])
    for theme in grid.themes:
        counts = [grid.count(theme, column) for column in grid.columns]
        writer.writerow([_inert(grid.label(theme)), theme, *counts, grid.row_total(theme)])
    return out.getvalue()
