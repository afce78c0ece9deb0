"""Measured quality: the labelled query set run through keyword, dense and hybrid search.

The evaluation library holds the default corpus and, when ``../shared/corpora/pfd`` is there,
the ~870 Prevention of Future Deaths reports, written as Markdown and ingested like any other
document (incrementally, so a second run only re-reads what changed).
"""

from __future__ import annotations

import statistics
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import ask_eval, pfd, split, theme_eval
from .ask_eval import grounded  # noqa: F401  (re-exported: the tests judge answers with it)
from .embedding import Embedder
from .ingest import ingest
from .library import Library
from .metadata import doc_id_for
from .metrics import ndcg_at, recall_at, reciprocal_rank, unique
from .search import MODES, Searcher
from .settings import Settings
from .themes import Taxonomy

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
K = 10


def load_queries(path: Path = EVAL_DIR / "search.toml") -> list[dict[str, Any]]:
    queries = tomllib.loads(path.read_text(encoding="utf-8"))["query"]
    for n, query in enumerate(queries, start=1):
        if not query.get("text") or not (query.get("relevant") or query.get("theme")):
            raise ValueError(f"{path}: query {n} needs text and either relevant or theme")
    return queries


def pfd_reports(folder: Path = pfd.DEFAULT_DIR) -> list[pfd.PfdReport]:
    return list(pfd.load(folder)) if folder.is_dir() else []


def seed_and_pfd_texts(settings: Settings | None = None) -> Iterator[str]:
    """Raw text of the default corpus and the PFD reports: a pool of real sentences."""
    settings = settings or Settings()
    corpus = (
        settings.corpus_dir if settings.corpus_dir.is_absolute() else EVAL_DIR.parent / settings.corpus_dir
    )
    for path in sorted(corpus.glob("*.md")):
        yield path.read_text(encoding="utf-8").split("---\n", 2)[-1]
    for report in pfd_reports():
        yield from report.sections.values()


def build_library(settings: Settings, embedder: Embedder, reports: list[pfd.PfdReport]) -> None:
    """Ingest the default corpus and the PFD reports into ``settings.index_dir``."""
    corpus = (
        settings.corpus_dir if settings.corpus_dir.is_absolute() else EVAL_DIR.parent / settings.corpus_dir
    )
    with tempfile.TemporaryDirectory(prefix="pfd-") as tmp:
        paths = [pfd.write_markdown(report, Path(tmp)) for report in reports]
        failed = [r for r in ingest([corpus, *paths], settings, embedder) if r.failed]
    if failed:
        raise RuntimeError(f"evaluation corpus did not ingest: {failed[:3]}")


def theme_labels(reports: list[pfd.PfdReport]) -> dict[str, set[str]]:
    """theme → doc ids of the reports labelled with it."""
    labels: dict[str, set[str]] = {}
    for report in reports:
        doc_id = doc_id_for(f"pfd-{report.id}.md", "")
        for theme in report.themes:
            labels.setdefault(theme, set()).add(doc_id)
    return labels


def judge(hits: list[Any], query: dict[str, Any], labels: dict[str, set[str]]) -> tuple[list[str], set[str]]:
    """The ranked items and the relevant set, by passage or by document as the label says."""
    if "relevant" in query:
        return [f"{h.passage.doc_id}#{h.passage.section}" for h in hits], set(query["relevant"])
    return unique([h.passage.doc_id for h in hits]), labels.get(query["theme"], set())


def search_quality(searcher: Searcher, queries: list[dict[str, Any]], labels: dict[str, set[str]]) -> dict:
    """recall@10, MRR and nDCG@10 per search mode, over the queries that can be judged here."""
    usable = [q for q in queries if "relevant" in q or labels.get(q["theme"])]
    result: dict[str, Any] = {"queries": len(usable), "skipped": len(queries) - len(usable), "k": K}
    for mode in MODES:  # hybrid, keyword, dense, and the rank-fusion baseline
        scores: dict[str, list[float]] = {"recall@10": [], "mrr": [], "ndcg@10": []}
        for query in usable:
            hits = searcher.search(query["text"], k=50, mode=mode)
            ranked, relevant = judge(hits, query, labels)
            scores["recall@10"].append(recall_at(ranked, relevant, K))
            scores["mrr"].append(reciprocal_rank(ranked, relevant))
            scores["ndcg@10"].append(ndcg_at(ranked, relevant, K))
        result[mode] = {name: round(statistics.mean(values), 3) for name, values in scores.items()}
    return result


def load_theme_labels(path: Path = EVAL_DIR / "themes.toml", known: set[str] | None = None) -> list[dict]:
    labels = tomllib.loads(path.read_text(encoding="utf-8"))["passage"]
    for n, label in enumerate(labels, start=1):
        if not all(isinstance(label.get(key), str) for key in ("doc", "section", "contains")):
            raise ValueError(f"{path}: passage {n} needs doc, section and contains")
        if not isinstance(label.get("themes"), list):
            raise ValueError(f"{path}: passage {n} needs a themes list (empty for none)")
        if known is not None and (unknown := set(label["themes"]) - known):
            raise ValueError(f"{path}: passage {n} names unknown themes {sorted(unknown)}")
        label["split"] = split.check(path, n, theme_eval.seed_key(label), label.get("split"))
    return labels


def tagging_quality(library: Library, taxonomy: Taxonomy, reports: list[pfd.PfdReport]) -> dict[str, Any]:
    """Precision and recall of the tags the library holds, per theme and overall, on the tuning
    and held-out parts (:func:`assistant.theme_eval.quality`), and any theme for children only
    given to a document about adults."""
    passages = library.passages()
    labels = load_theme_labels(known=set(taxonomy.ids))
    report = theme_eval.quality(taxonomy, passages, reports, labels, pfd.columns() if reports else {})
    report["children_only_on_adults"] = theme_eval.children_only_on_adults(
        taxonomy, passages, library.documents()
    )
    return report


def load_questions(path: Path = ask_eval.EVAL_FILE) -> list[dict[str, Any]]:
    """The single questions of ``eval/ask.toml`` (the conversations: :func:`ask_eval.load`)."""
    return ask_eval.load(path)[0]


def run(settings: Settings, embedder: Embedder, use_pfd: bool = True) -> dict[str, Any]:
    reports = pfd_reports() if use_pfd else []
    build_library(settings, embedder, reports)
    library = Library.open(settings.index_dir, embedder.name, embedder.dimension)
    searcher = Searcher(library, embedder)
    report = {
        "library": {"documents": len(library.documents()), "passages": library.passage_count},
        "search": search_quality(searcher, load_queries(), theme_labels(reports)),
        "tagging": tagging_quality(library, Taxonomy.load(settings.themes_file), reports),
    }
    library.close()
    with tempfile.TemporaryDirectory(prefix="ask-") as tmp:
        seeds = settings.replace(index_dir=Path(tmp))
        build_library(seeds, embedder, [])
        seeds_library = Library.open(seeds.index_dir)
        report["ask"] = ask_eval.run(Searcher(seeds_library, embedder), settings.answer_threshold)
        seeds_library.close()
    return report
