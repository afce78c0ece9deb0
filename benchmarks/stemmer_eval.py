"""What moving from the home-made suffix stripper to Porter's stemmer changed (issue 18).

    python benchmarks/stemmer_eval.py [--index DIR] [--json]

The stemmer is not used by the ranking itself (FTS5 stems the keyword index with its own Porter
tokenizer, the dense half has no words): it chooses the highlighted sentences of every result and
decides what a follow-up question covers. So this runs, once with each stemmer, the labelled search
queries on the evaluation library at ``--index`` (build it with ``python -m assistant eval``) and
the ask evaluation on the seeds, and reports the rankings that differ, the highlights that differ,
and both ask scores side by side.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant import embedding
from assistant.answers import questions
from assistant.library import Library
from assistant.quality import ask_eval, evaluation
from assistant.search import searcher as searcher_module
from assistant.search.searcher import Searcher
from assistant.search.stemming import stem as porter
from assistant.settings import Settings


def suffix_stripper(word: str) -> str:
    """The stemmer before Porter's (commit ea2c68d's parent), kept here to compare against."""
    word = word.lower().strip("'")
    for suffix in ("ational", "ations", "ation", "ings", "ing", "ies", "ied", "ness", "ment",
                   "age", "ers", "er", "ed", "es", "s", "e", "y"):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@contextmanager
def stemming_with(stem: Callable[[str], str]) -> Iterator[None]:
    """Every user of the stemmer (highlights, follow-up questions) uses ``stem`` meanwhile."""
    saved = searcher_module.stem, questions.stem
    searcher_module.stem = questions.stem = stem
    try:
        yield
    finally:
        searcher_module.stem, questions.stem = saved


def searches(searcher: Searcher, queries: list[str]) -> list[list[tuple[int, tuple]]]:
    return [[(h.passage.id, h.highlights) for h in searcher.search(q)] for q in queries]


def run(index_dir: Path) -> dict[str, Any]:
    settings = Settings.from_env(index_dir=index_dir)
    model = embedding.load()
    queries = [q["text"] for q in evaluation.load_queries(settings.eval_dir / "search.toml")]
    library = Library.open(index_dir, model.name, model.dimension)
    size = {"documents": len(library.documents()), "passages": library.passage_count}
    found, asked = {}, {}
    with tempfile.TemporaryDirectory(prefix="stemmer-") as tmp:
        seeds = settings.replace(index_dir=Path(tmp))
        evaluation.build_library(seeds, model, [])
        seeds_library = Library.open(seeds.index_dir)
        for name, stem in (("suffix stripper", suffix_stripper), ("porter", porter)):
            with stemming_with(stem):
                found[name] = searches(Searcher(library, model), queries)
                asked[name] = ask_eval.run(
                    Searcher(seeds_library, model),
                    settings.answer_threshold,
                    settings.eval_dir / ask_eval.EVAL_FILE,
                )["parts"]
        seeds_library.close()
    library.close()
    before, after = found["suffix stripper"], found["porter"]
    pairs = [(b, a) for old, new in zip(before, after, strict=True) for b, a in zip(old, new, strict=True)]
    return {
        "library": size,
        "queries": len(queries),
        "rankings_that_differ": sum(
            [i for i, _ in old] != [i for i, _ in new] for old, new in zip(before, after, strict=True)
        ),
        "results": len(pairs),
        "highlights_that_differ": sum(b[0] == a[0] and b[1] != a[1] for b, a in pairs),
        "ask": asked,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("index-eval"), help="the evaluation library")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    report = run(args.index)
    if args.json:
        print(json.dumps(report))
        return 0
    print(
        f"{report['queries']} labelled queries on {report['library']['documents']} documents: "
        f"{report['rankings_that_differ']} rankings differ; {report['highlights_that_differ']} of "
        f"{report['results']} results highlight other sentences"
    )
    for name, parts in report["ask"].items():
        print(f"ask with the {name}:")
        for part, scores in parts.items():
            print(f"  {part:<22} {json.dumps(scores)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
