"""Nothing unbounded: a query longer than the limit is cut (with a note), and one query sends a
bounded number of terms to the keyword index."""

from __future__ import annotations

import random
import re
import time

from assistant.answers.answer import ask
from assistant.cli import main as cli
from assistant.field.vocabulary import load
from assistant.library import Library
from assistant.search.searcher import MAX_QUERY_TERMS, Searcher, fts_query

from .support import CORPUS


def _long_query(chars: int = 100_000) -> str:
    """Distinct real words (each becomes its own OR term on an unbounded search)."""
    words = sorted(set(re.findall(r"[a-z]{4,}", "".join(p.read_text() for p in CORPUS.glob("*.md")).lower())))
    rng = random.Random(7)
    extra = [f"{rng.choice(words)}{n}" for n in range(chars // 6)]  # many distinct terms
    return " ".join(words + extra)[:chars]


def test_a_long_query_sends_a_bounded_number_of_keyword_terms():
    expression = fts_query(load().expand(_long_query()))
    assert expression.count(" OR ") + 1 <= MAX_QUERY_TERMS == 64


def test_a_100kb_query_is_cut_with_a_note_and_answers_quickly(searcher):
    query = _long_query()
    note = searcher.query_note(query)
    assert note == "the query is 100,000 characters long; only its first 2,000 were searched"
    assert len(searcher.bounded(query)) <= 2000 and query.startswith(searcher.bounded(query))
    for mode in ("keyword", "hybrid"):
        started = time.perf_counter()
        hits = searcher.search(query, 10, None, mode)
        assert time.perf_counter() - started < 0.5 and hits  # main: 1.1 s here, 47 s at 50k passages
    started = time.perf_counter()
    ask(searcher, query)
    assert time.perf_counter() - started < 1.0


def test_a_short_query_is_not_cut(searcher):
    assert searcher.query_note("bath safety") is None and searcher.bounded(" bath safety ") == "bath safety"


def test_the_limits_are_settings(seeds_library, fake_embedder):
    small = Searcher(
        Library.open(seeds_library.index_dir), fake_embedder, max_query_chars=20, max_query_terms=2
    )
    assert small.bounded("the dangers of leaving babies in the bath") == "the dangers of"
    assert fts_query(load().expand("babies bath dangers leaving"), small.max_query_terms).count(" OR ") == 1
    assert small.search("babies bath dangers leaving", 3, None, "keyword")


def test_the_cli_prints_the_note(seeds_library, fake_embedder, monkeypatch, capsys):
    code = cli.main(
        ["search", _long_query(5000), "--k", "1", "--index", str(seeds_library.index_dir)],
        embedder=fake_embedder,
    )
    err = capsys.readouterr().err
    assert code == 0 and "note: the query is 5,000 characters long; only its first 2,000 were searched" in err
