"""Tagging quality per theme and overall, the tuning and held-out parts reported apart.

Seeds: each passage labelled in ``eval/themes.toml``, judged on every theme. PFD reports: a
report has a theme when any of its passages has it, judged against the report's theme columns
through the taxonomy's ``pfd_themes``, on the themes its CSV files have columns for. Both are
split by the shared rule (:mod:`assistant.quality.split`): a report by its id, a seed passage by its
document, section and words. The classifiers learn only from the tuning part.
"""

from __future__ import annotations

import statistics
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.field.themes import Taxonomy
from assistant.quality import pfd, split
from assistant.records import Document, Passage

CHILDREN_ONLY_AGES = frozenset({"baby", "young-child", "teenager"})
# Files that each hold one kind of death: road deaths, suicides, children's suicides. A theme's
# ``pfd_files`` label the reports of these files; a report only in the annotation set (which
# mixes children's suicides with other deaths) is not judged that way.
SINGLE_KIND_FILES = frozenset({"road_traffic.csv", "suicide_sig_themed.csv", "child_suicide_tagged.csv"})


class Tally:
    """True and false positives and negatives per theme, over the items judged on it."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}  # theme → [tp, fp, fn]
        self.items = 0

    def add(self, predicted: set[str], actual: set[str], judged: set[str]) -> None:
        self.items += 1
        for theme in judged:
            row = self.counts.setdefault(theme, [0, 0, 0])
            row[0] += theme in predicted and theme in actual
            row[1] += theme in predicted and theme not in actual
            row[2] += theme in actual and theme not in predicted

    def report(self) -> dict[str, Any]:
        per_theme = {
            theme: {**scores(*row), "support": row[0] + row[2], "tagged": row[0] + row[1]}
            for theme, row in sorted(self.counts.items())
            if row[0] + row[1] + row[2]
        }
        totals = [sum(row[i] for row in self.counts.values()) for i in range(3)]
        macro = [m["f1"] for m in per_theme.values() if m["support"] and m["f1"] is not None]
        return {
            "items": self.items,
            "micro": scores(*totals),
            "macro_f1": round(statistics.mean(macro), 3) if macro else None,
            "per_theme": per_theme,
        }


def scores(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    """None where there is nothing to divide by (nothing tagged, or nothing labelled)."""
    named = {
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None,
    }
    return {name: None if value is None else round(value, 3) for name, value in named.items()}


def report_doc_id(report: pfd.PfdReport) -> str:
    from assistant.documents.metadata import doc_id_for

    return doc_id_for(f"pfd-{report.id}.md", "")


def report_labels(
    taxonomy: Taxonomy, report: pfd.PfdReport, columns: dict[str, frozenset[str]]
) -> tuple[set[str], set[str]]:
    """The themes a PFD report is judged on, and those it has.

    Through ``pfd_themes``: judged where the report's CSV files have one of the columns, had
    where one is true. Through ``pfd_files``: a file that holds only one kind of death (every
    report in road_traffic.csv is a road death) labels every report of those files, had where it
    is in one of the theme's.
    """
    held = set().union(*(columns.get(name, frozenset()) for name in report.source_files))
    sources = set(report.source_files)
    judged, actual = set(), set()
    for theme in taxonomy:
        names, files = set(theme.pfd_themes), set(theme.pfd_files)
        if names & held or (files and sources & SINGLE_KIND_FILES):
            judged.add(theme.id)
        if names & report.themes or files & sources:
            actual.add(theme.id)
    return judged, actual & judged


def seed_key(label: dict[str, Any]) -> str:
    return f"{label['doc']} {label['section']} {label['contains']}"


def quality(
    taxonomy: Taxonomy,
    passages: Sequence[Passage],
    reports: Sequence[pfd.PfdReport],
    seed_labels: Sequence[dict[str, Any]],
    columns: dict[str, frozenset[str]],
) -> dict[str, Any]:
    """Per theme and overall, on the tuning and the held-out parts of seeds and PFD reports."""
    known = set(taxonomy.ids)
    seeds = {split.TUNING: Tally(), split.HELD_OUT: Tally()}
    for n, label in enumerate(seed_labels, start=1):
        found = [
            p for p in passages
            if p.doc_id == label["doc"] and p.section == label["section"] and label["contains"] in p.text
        ]  # fmt: skip
        if len(found) != 1:
            raise ValueError(f"eval/themes.toml: passage {n} matches {len(found)} passages, not one")
        seeds[split.split_of(seed_key(label))].add(set(found[0].themes), set(label["themes"]), known)
    by_doc: dict[str, set[str]] = {}
    for passage in passages:
        by_doc.setdefault(passage.doc_id, set()).update(passage.themes)
    reports_tally = {split.TUNING: Tally(), split.HELD_OUT: Tally()}
    for report in reports:
        judged, actual = report_labels(taxonomy, report, columns)
        if judged:
            predicted = by_doc.get(report_doc_id(report), set())
            reports_tally[split.split_of(report.id)].add(predicted & judged, actual, judged)
    return {
        "seeds": {part: tally.report() for part, tally in seeds.items()},
        "pfd": {part: tally.report() for part, tally in reports_tally.items()},
    }


@dataclass(frozen=True)
class HandJudged:
    """PFD reports of one part read by hand for one theme: the pool read, and those the reader
    found to be about the theme (PFD ids, as in ``eval/themes_pfd.toml``)."""

    theme: str
    split: split.Split
    judged: frozenset[str]
    relevant: frozenset[str]


def load_hand(path: Path, known: set[str], reports: Sequence[pfd.PfdReport] = ()) -> list[HandJudged]:
    """The hand judgements of ``path``. A file that is not TOML, an unknown theme or report, a
    relevant report outside the pool, a report of the other part, or a theme read twice in one
    part is refused with the file and the reason."""
    ids = {r.id for r in reports}
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("theme", [])
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not TOML: {exc}") from exc
    found: list[HandJudged] = []
    for n, entry in enumerate(entries, start=1):
        theme, judged, relevant = entry.get("id"), entry.get("judged"), entry.get("relevant")
        part = entry.get("split", split.TUNING)
        where = f"{path}: theme {n} ({theme!r})"
        if theme not in known:
            raise ValueError(f"{where} is not in the taxonomy")
        if part not in (split.TUNING, split.HELD_OUT):
            raise ValueError(f"{where}: split must be {split.TUNING!r} or {split.HELD_OUT!r}, not {part!r}")
        if not isinstance(judged, list) or not isinstance(relevant, list):
            raise ValueError(f"{where} needs judged and relevant lists of PFD ids")
        if ids and (unknown := set(judged) - ids):
            raise ValueError(f"{where} names reports not in the PFD corpus: {sorted(unknown)}")
        if outside := set(relevant) - set(judged):
            raise ValueError(f"{where}: relevant but not judged: {sorted(outside)}")
        if other := sorted(i for i in judged if split.split_of(i) != part):
            raise ValueError(f"{where} says split = {part!r}; the shared rule puts {other} in the other part")
        if any(h.theme == theme and h.split == part for h in found):
            raise ValueError(f"{where} is read twice in the {part} part")
        found.append(HandJudged(theme, part, frozenset(judged), frozenset(relevant)))
    return found


def hand_quality(
    taxonomy: Taxonomy,
    passages: Sequence[Passage],
    reports: Sequence[pfd.PfdReport],
    hand: Sequence[HandJudged],
    columns: dict[str, frozenset[str]],
) -> dict[str, Any]:
    """Per part, the PFD tags scored against the hand judgements, and the coroners' columns
    scored against the same judgements (how far the column labels can be trusted).

    A theme is scored on the reports of a part that its columns judge, where the theme was read
    in that part. A report outside the pool read counts as not about the theme: the pool held
    every report the columns or the tags gave the theme when it was read, so only a later change
    of the tags can reach outside it; such tags are counted (``unread``), for a reader to read."""
    read = {(h.split, h.theme): h for h in hand}
    by_doc: dict[str, set[str]] = {}
    for passage in passages:
        by_doc.setdefault(passage.doc_id, set()).update(passage.themes)
    out: dict[str, Any] = {}
    for part in (split.TUNING, split.HELD_OUT):
        pools = {theme: h for (p, theme), h in read.items() if p == part}
        if not pools:
            continue
        tags, coroners = Tally(), Tally()
        unread = 0
        for report in reports:
            if split.split_of(report.id) != part:
                continue
            judged_on, by_columns = report_labels(taxonomy, report, columns)
            judged = judged_on & pools.keys()
            if not judged:
                continue
            actual = {t for t in judged if report.id in pools[t].relevant}
            predicted = by_doc.get(report_doc_id(report), set()) & judged
            unread += sum(report.id not in pools[t].judged for t in predicted)
            tags.add(predicted, actual, judged)
            coroners.add(by_columns & judged, actual, judged)
        out[part] = {"tags": tags.report(), "columns": coroners.report(), "unread": unread}
    return out


def children_only_on_adults(
    taxonomy: Taxonomy, passages: Sequence[Passage], documents: Sequence[Document]
) -> list[tuple[str, str]]:
    """(doc id, theme) where a theme for children only (and not for a case that shows children)
    was given to a document about adults only."""
    children_only = {
        t.id
        for t in taxonomy
        if getattr(t, "applies", None)
        and t.applies.ages <= CHILDREN_ONLY_AGES
        and not t.applies.unless_children
    }
    adults = {d.doc_id for d in documents if d.age_groups and not set(d.age_groups) & CHILDREN_ONLY_AGES}
    return sorted(
        {(p.doc_id, t) for p in passages if p.doc_id in adults for t in p.themes if t in children_only}
    )


def lines(tagging: dict[str, Any]) -> list[str]:
    """The tagging report as the CLI prints it: each labelled set, tuning and held-out apart."""
    out = []
    for name, label in (("seeds", "labelled seed passages"), ("pfd", "PFD reports")):
        for part in (split.TUNING, split.HELD_OUT):
            t = tagging[name][part]
            if not t["items"]:
                continue
            m = t["micro"]
            out.append(
                f"themes, {label} ({part}, {t['items']}): precision {_score(m['precision'])},"
                f" recall {_score(m['recall'])}, F1 {_score(m['f1'])} (macro F1 {_score(t['macro_f1'])})"
            )
            out += [
                f"  {theme:<31} precision {_score(s['precision'])} recall {_score(s['recall'])}"
                f"  ({s['support']} labelled, {s['tagged']} tagged)"
                for theme, s in t["per_theme"].items()
            ]
    for part, hand in tagging.get("pfd_by_hand", {}).items():
        t, c = hand["tags"], hand["columns"]
        m, k = t["micro"], c["micro"]
        out.append(
            f"themes, PFD reports judged by hand ({part}, {t['items']}): precision"
            f" {_score(m['precision'])}, recall {_score(m['recall'])}, F1 {_score(m['f1'])};"
            f" the coroners' columns against the same: precision {_score(k['precision'])},"
            f" recall {_score(k['recall'])}; tags outside the pool read: {hand['unread']}"
        )
        out += [
            f"  {theme:<31} precision {_score(s['precision'])} recall {_score(s['recall'])}"
            f"  ({s['support']} about it by hand, {s['tagged']} tagged; columns precision"
            f" {_score(c['per_theme'].get(theme, {}).get('precision'))})"
            for theme, s in t["per_theme"].items()
        ]
    wrong = tagging.get("children_only_on_adults", [])
    out.append(f"themes for children only given to documents about adults: {len(wrong)}")
    return out


def _score(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:.3f}"
