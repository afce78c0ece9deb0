"""The labelled "which reviews" queries (``eval/reviews.toml``) and what each is judged on.

A query labelled by a PFD theme column is judged only on the reports of the files that have the
column (the others were never labelled on it); ``positive_cases`` is the child-suicide screen of
``dataset_for_annotation.csv``; a hand-labelled query (``relevant``: PFD ids) is judged on every
PFD report. A query may be labelled twice, by its theme column and by hand (``judged``: the size
of the pool of reports read to label it; the rest of the library counts as not relevant): the
second label is *pooled* and measured apart (:mod:`.review_eval`).
"""

from __future__ import annotations

import csv
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from assistant.documents.metadata import doc_id_for
from assistant.quality import pfd
from assistant.quality.split import check
from assistant.settings import Settings

SCREEN_FILE = "dataset_for_annotation.csv"
SCREEN = "positive_cases"
HAND = "hand"


@dataclass(frozen=True)
class Judged:
    text: str
    split: str  # tuning | held-out (assistant/split.py)
    label: str  # the theme column, or "hand" for a hand-labelled query
    relevant: frozenset[str]  # doc ids
    universe: frozenset[str]  # doc ids the label speaks for
    pooled: bool = False  # labelled by hand over a pool, for a query a theme column labels too


def doc_id(report: pfd.PfdReport) -> str:
    return doc_id_for(f"pfd-{report.id}.md", "")


def screen(folder: Path) -> dict[str, bool]:
    """URL → the published child-suicide screen's verdict, for the 146 reports it judged."""
    csv.field_size_limit(sys.maxsize)
    path = folder / SCREEN_FILE
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        missing = [name for name in ("url", SCREEN) if name not in (rows.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: no {' or '.join(missing)} column, so the screen cannot be read")
        return {row["url"]: (row[SCREEN] or "").strip().lower() in pfd.TRUE for row in rows}


def load(reports: list[pfd.PfdReport], path: Path | None = None, folder: Path | None = None) -> list[Judged]:
    settings = Settings.from_env()
    path = path or settings.eval_dir / "reviews.toml"
    folder = folder or settings.pfd_dir
    files = pfd.columns(folder)
    verdicts = screen(folder) if (folder / SCREEN_FILE).is_file() else {}
    by_pfd_id = {r.id: doc_id(r) for r in reports}
    judged: list[Judged] = []
    for n, query in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["query"], start=1):
        text = query.get("text")
        if not text or not (query.get("theme") or isinstance(query.get("relevant"), list)):
            raise ValueError(f"{path}: query {n} needs text and either theme or relevant")  # [] is an answer
        split = check(path, n, text, query.get("split"))
        theme = query.get("theme")
        if theme == SCREEN:
            universe = {doc_id(r) for r in reports if any(u in verdicts for u in (r.url, *r.urls))}
            relevant = {doc_id(r) for r in reports if any(verdicts.get(u) for u in (r.url, *r.urls))}
        elif theme:
            holding = {name for name, cols in files.items() if theme in cols}
            universe = {doc_id(r) for r in reports if holding & set(r.source_files)}
            relevant = {doc_id(r) for r in reports if theme in r.themes}
        else:
            missing = [i for i in query["relevant"] if i not in by_pfd_id]
            if missing:
                raise ValueError(f"{path}: query {n} names PFD reports not in the corpus: {missing}")
            universe = set(by_pfd_id.values())
            relevant = {by_pfd_id[i] for i in query["relevant"]}
        pooled = "judged" in query
        if pooled and (theme or not any(j.text == text and j.label != HAND for j in judged)):
            raise ValueError(f"{path}: query {n} is judged by hand over a pool: it needs `relevant` and"
                             " the same text labelled by a theme column before it")  # fmt: skip
        judged.append(Judged(text, split, theme or HAND, frozenset(relevant), frozenset(universe), pooled))
    return judged
