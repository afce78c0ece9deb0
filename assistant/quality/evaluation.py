"""Measured quality: the labelled query set run through keyword, dense and hybrid search.

The evaluation library holds the default corpus and, when the ``pfd_dir`` setting's folder is there,
the ~870 Prevention of Future Deaths reports, written as Markdown and ingested like any other
document (incrementally, so a second run only re-reads what changed).
"""

from __future__ import annotations

import statistics
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.documents.metadata import doc_id_for
from assistant.embedding import Embedder
from assistant.errors import UsageError
from assistant.field.themes import Taxonomy
from assistant.library import Library
from assistant.library.ingest import ingest
from assistant.quality import ask_eval, pfd, review_labels, split, theme_eval
from assistant.quality.ask_eval import grounded  # noqa: F401  (re-exported: the tests judge answers with it)
from assistant.quality.metrics import ndcg_at, recall_at, reciprocal_rank, unique
from assistant.search.searcher import MODES, Searcher
from assistant.settings import Settings

K = 10


def load_queries(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or Settings.from_env().eval_dir / "search.toml"
    queries = tomllib.loads(path.read_text(encoding="utf-8"))["query"]
    for n, query in enumerate(queries, start=1):
        if not query.get("text") or not (query.get("relevant") or query.get("theme")):
            raise ValueError(f"{path}: query {n} needs text and either relevant or theme")
    return queries


def pfd_reports(folder: Path | None = None) -> list[pfd.PfdReport]:
    folder = folder or Settings.from_env().pfd_dir
    return list(pfd.load(folder)) if folder.is_dir() else []


def seed_and_pfd_texts(settings: Settings | None = None) -> Iterator[str]:
    """Raw text of the default corpus and the PFD reports: a pool of real sentences."""
    settings = settings or Settings.from_env()
    for path in sorted(settings.corpus_dir.glob("*.md")):
        yield path.read_text(encoding="utf-8").split("---\n", 2)[-1]
    for report in pfd_reports(settings.pfd_dir):
        yield from report.sections.values()


def build_library(settings: Settings, embedder: Embedder, reports: list[pfd.PfdReport]) -> None:
    """Ingest the default corpus and the PFD reports into ``settings.index_dir``."""
    corpus = settings.corpus_dir
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


def load_theme_labels(path: Path | None = None, known: set[str] | None = None) -> list[dict]:
    path = path or Settings.from_env().eval_dir / "themes.toml"
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


def tagging_quality(
    library: Library, taxonomy: Taxonomy, reports: list[pfd.PfdReport], settings: Settings | None = None
) -> dict[str, Any]:
    """Precision and recall of the tags the library holds, per theme and overall, on the tuning
    and held-out parts (:func:`assistant.quality.theme_eval.quality`), against the PFD reports
    read by hand in each part where ``eval/themes_pfd.toml`` is there, and any theme for children
    only given to a document about adults."""
    settings = settings or Settings.from_env()
    passages = library.passages()
    labels = load_theme_labels(settings.eval_dir / "themes.toml", set(taxonomy.ids))
    files = pfd.columns(settings.pfd_dir) if reports else {}
    report = theme_eval.quality(taxonomy, passages, reports, labels, files)
    hand_file = settings.eval_dir / "themes_pfd.toml"
    if reports and hand_file.exists():
        hand = theme_eval.load_hand(hand_file, set(taxonomy.ids), reports)
        report["pfd_by_hand"] = theme_eval.hand_quality(taxonomy, passages, reports, hand, files)
    report["children_only_on_adults"] = theme_eval.children_only_on_adults(
        taxonomy, passages, library.documents()
    )
    return report


def load_questions(path: Path | None = None) -> list[dict[str, Any]]:
    """The single questions of ``eval/ask.toml`` (the conversations: :func:`ask_eval.load`)."""
    return ask_eval.load(path)[0]


def check_labels(settings: Settings, reports: list[pfd.PfdReport], reviews: bool = False) -> None:
    """Read the labelled sets ``eval`` will judge by (``reviews``: the which-reviews queries;
    else the search, theme and ask sets) before minutes go into building its library: a file that
    cannot be used is refused as :class:`UsageError`, with the file and the reason."""
    folder = settings.eval_dir
    known = set(Taxonomy.load(settings.themes_file).ids)
    # file → (the table it must have, or None; its loader, which names the file and entry it refuses)
    loads: dict[str, tuple[str | None, Callable[[Path], object]]] = {}
    if reviews:
        loads["reviews.toml"] = ("query", lambda path: review_labels.load(reports, path, settings.pfd_dir))
    else:
        loads["search.toml"] = ("query", load_queries)
        loads["themes.toml"] = ("passage", lambda path: load_theme_labels(path, known))
        loads[ask_eval.EVAL_FILE] = (None, ask_eval.load)
        if reports and (folder / ask_eval.PFD_FILE).exists():
            loads[ask_eval.PFD_FILE] = (None, ask_eval.load)
        if reports and (folder / "themes_pfd.toml").exists():
            loads["themes_pfd.toml"] = (None, lambda path: theme_eval.load_hand(path, known, reports))
    for name, (table, load) in loads.items():
        path = folder / name
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: not TOML in UTF-8: {exc}") from exc
        if table is not None and not isinstance(data.get(table), list):
            raise UsageError(f"{path}: it has no [[{table}]] entries")
        for key, entries in data.items():
            if isinstance(entries, list) and (
                odd := next((e for e in entries if not isinstance(e, dict)), None)
            ):
                raise UsageError(f"{path}: {key} holds {str(odd)[:40]!r}, not a [[{key}]] table")
        try:
            load(path)
        except (ValueError, TypeError, AttributeError) as exc:  # each loader names the file and entry
            message = str(exc) if str(path) in str(exc) else f"{path}: {exc}"
            raise UsageError(message) from exc


def run(settings: Settings, embedder: Embedder, use_pfd: bool = True) -> dict[str, Any]:
    reports = pfd_reports(settings.pfd_dir) if use_pfd else []
    build_library(settings, embedder, reports)
    library = Library.open(settings.index_dir, embedder.name, embedder.dimension)
    searcher = Searcher(library, embedder)
    report = {
        "library": {"documents": len(library.documents()), "passages": library.passage_count},
        "search": search_quality(
            searcher, load_queries(settings.eval_dir / "search.toml"), theme_labels(reports)
        ),
        "tagging": tagging_quality(library, Taxonomy.load(settings.themes_file), reports, settings),
    }
    if reports and (asked := settings.eval_dir / ask_eval.PFD_FILE).exists():  # Ask on coroners' reports
        report["ask_pfd"] = ask_eval.run(searcher, settings.answer_threshold, asked)
    library.close()
    with tempfile.TemporaryDirectory(prefix="ask-") as tmp:
        seeds = settings.replace(index_dir=Path(tmp))
        build_library(seeds, embedder, [])
        seeds_library = Library.open(seeds.index_dir)
        report["ask"] = ask_eval.run(
            Searcher(seeds_library, embedder),
            settings.answer_threshold,
            settings.eval_dir / ask_eval.EVAL_FILE,
        )
        seeds_library.close()
    return report
