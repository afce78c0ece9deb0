"""Training the per-theme classifiers from the labelled data: `scripts/train-themes`.

Examples are the passages of an evaluation library (``assistant eval`` builds one) with their
stored vectors. A PFD report's passages take the report's labels on the themes its CSV file has
columns for (through each theme's ``pfd_themes``); a labelled seed passage (``eval/themes.toml``)
its own labels on every theme. Reports and seed passages are split by the shared rule
(:mod:`assistant.quality.split`; a report's key is its id): only the tuning part is learned from, and
the threshold of each theme is chosen on out-of-fold predictions over the tuning part (five folds
by report) as the lowest one at which the reports it tags are right ``TARGET`` of the time.
The held-out part is scored once, after, by ``assistant eval``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.field.theme_weights import DEFAULT_WEIGHTS, KEYWORD_CAP, LinearTheme, keywords_sha
from assistant.field.themes import KeywordTagger, Taxonomy
from assistant.library import store
from assistant.library.reader import Library
from assistant.quality import pfd, split
from assistant.quality.theme_eval import report_doc_id, report_labels, seed_key

TARGET = 0.95  # report-level precision a theme must reach on the tuning part's unseen folds
MIN_POSITIVE_REPORTS = 8  # fewer labelled reports than this: no classifier, the keyword rule stays
FOLDS = 5
C = 0.5  # inverse L2 strength of the logistic regression (sklearn's default is 1.0)


@dataclass
class Examples:
    vectors: np.ndarray  # (n, dimension)
    counts: np.ndarray  # (n, themes): the theme's words found, capped
    groups: list[str]  # the report (or seed passage) each passage belongs to
    splits: list[str]
    labels: dict[str, dict[int, int]] = field(default_factory=dict)  # theme → row → 0/1 where judged
    group_labels: dict[str, dict[str, int]] = field(default_factory=dict)  # theme → group → 0/1


def collect(library: Library, taxonomy: Taxonomy, tagger: KeywordTagger, reports: list[pfd.PfdReport],
            seed_labels: list[dict[str, Any]], pfd_dir: Path) -> Examples:  # fmt: skip
    ids, vectors = store.all_vectors(library.vectors)
    passages = {p.id: p for p in library.passages()}
    files = pfd.columns(pfd_dir)
    by_doc = {report_doc_id(r): r for r in reports}
    seeds = {(s["doc"], s["section"]): s for s in seed_labels}
    rows: list[np.ndarray] = []
    groups: list[str] = []
    splits: list[str] = []
    counts: list[list[int]] = []
    labels: dict[str, dict[int, int]] = {t: {} for t in taxonomy.ids}
    group_labels: dict[str, dict[str, int]] = {t: {} for t in taxonomy.ids}
    for row_id, vector in zip(ids.tolist(), vectors, strict=True):
        passage = passages[row_id]
        report = by_doc.get(passage.doc_id)
        judged: dict[str, int] = {}
        if report is not None:
            judged_on, actual = report_labels(taxonomy, report, files)
            judged = {t: int(t in actual) for t in judged_on}
            group, part = passage.doc_id, split.split_of(report.id)
        else:
            seed = seeds.get((passage.doc_id, passage.section))
            if seed is None or seed["contains"] not in passage.text:
                continue
            judged = {t: int(t in seed["themes"]) for t in taxonomy.ids}
            group = f"{seed['doc']}#{seed['section']}"
            part = split.split_of(seed_key(seed))
        n = len(rows)
        rows.append(vector)
        groups.append(group)
        splits.append(part)
        counts.append([min(len(found), KEYWORD_CAP) for found in tagger.evidence(passage.text)])
        for theme, value in judged.items():
            labels[theme][n] = value
            group_labels[theme][group] = value
    return Examples(np.asarray(rows, np.float32), np.asarray(counts, np.float32), groups, splits, labels,
                    group_labels)  # fmt: skip


def _features(examples: Examples, rows: list[int], column: int) -> np.ndarray:
    keyword = examples.counts[rows, column : column + 1] / KEYWORD_CAP
    return np.hstack([examples.vectors[rows], keyword])


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression  # training only

    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    model.fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _fold(group: str) -> int:
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % FOLDS


def group_scores(examples: Examples, rows: list[int], probs: np.ndarray, column: int) -> dict[str, float]:
    """A report's score for a theme: its best passage that uses the theme's words (0 if none)."""
    best: dict[str, float] = {}
    for row, p in zip(rows, probs, strict=True):
        group = examples.groups[row]
        score = float(p) if examples.counts[row, column] > 0 else 0.0
        best[group] = max(best.get(group, 0.0), score)
    return best


def choose_threshold(scores: dict[str, float], truth: dict[str, int]) -> tuple[float, dict[str, float]]:
    """The lowest threshold at which the tagged reports are right TARGET of the time (and at least
    two are right); 1.0 (never) when no threshold gets there."""
    ranked = sorted(((s, truth[g]) for g, s in scores.items() if s > 0), reverse=True)
    positives = sum(truth.values())
    best = (1.0, {"precision": 0.0, "recall": 0.0})
    tp = 0
    for n, (score, label) in enumerate(ranked, start=1):
        tp += label
        precision = tp / n
        if precision >= TARGET and tp >= 2 and (n == len(ranked) or ranked[n][0] < score):
            best = (score, {"precision": round(precision, 3), "recall": round(tp / max(positives, 1), 3)})
    return best


def train(examples: Examples, taxonomy: Taxonomy) -> tuple[dict[str, LinearTheme], dict[str, Any]]:
    learned: dict[str, LinearTheme] = {}
    measured: dict[str, Any] = {}
    for column, theme in enumerate(taxonomy):
        rows = [r for r in examples.labels[theme.id] if examples.splits[r] == split.TUNING]
        truth = {examples.groups[r]: examples.group_labels[theme.id][examples.groups[r]] for r in rows}
        if sum(truth.values()) < MIN_POSITIVE_REPORTS:
            continue
        y = np.array([examples.labels[theme.id][r] for r in rows])
        out_of_fold = np.zeros(len(rows), np.float32)
        for fold in range(FOLDS):
            test = [i for i, r in enumerate(rows) if _fold(examples.groups[r]) == fold]
            fit = [i for i, r in enumerate(rows) if _fold(examples.groups[r]) != fold]
            if not test or len(set(y[fit])) < 2:
                continue
            w, b = _fit(_features(examples, [rows[i] for i in fit], column), y[fit])
            z = _features(examples, [rows[i] for i in test], column) @ w + b
            out_of_fold[test] = 1 / (1 + np.exp(-z))
        threshold, scores = choose_threshold(group_scores(examples, rows, out_of_fold, column), truth)
        w, b = _fit(_features(examples, rows, column), y)
        learned[theme.id] = LinearTheme(w, b, threshold, keywords_sha(theme.keywords))
        measured[theme.id] = {"tuning_reports": len(truth), "positive": sum(truth.values()), **scores}
    return learned, measured


def main(index_dir: Path, out: Path, themes_file: Path | None = None) -> dict[str, Any]:
    """Train from the evaluation library in ``index_dir`` and write the weights to ``out``."""
    from assistant.embedding import load_for
    from assistant.field.theme_weights import save
    from assistant.quality.evaluation import load_theme_labels, pfd_reports
    from assistant.settings import Settings

    taxonomy = Taxonomy.load(themes_file) if themes_file else Taxonomy.load()
    library = Library.open(index_dir)
    try:
        settings = Settings.from_env()
        embedder = load_for(settings)
        library.check_model(embedder.name, embedder.dimension)
        tagger = KeywordTagger(taxonomy, embedder)
        labels = load_theme_labels(settings.eval_dir / "themes.toml", set(taxonomy.ids))
        reports = pfd_reports(settings.pfd_dir)
        examples = collect(library, taxonomy, tagger, reports, labels, settings.pfd_dir)
    finally:
        library.close()
    learned, measured = train(examples, taxonomy)
    save(out, embedder.name, int(examples.vectors.shape[1]), learned, measured)
    return measured


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description="train the per-theme classifiers (scripts/train-themes)")
    parser.add_argument("--index", type=Path, default=Path("index-eval"), help="the evaluation library")
    parser.add_argument("--out", type=Path, default=DEFAULT_WEIGHTS)
    parser.add_argument(
        "--themes", type=Path, default=None, help="the themes file (default: the packaged one)"
    )
    args = parser.parse_args()
    print(json.dumps(main(args.index, args.out, args.themes), indent=1))
