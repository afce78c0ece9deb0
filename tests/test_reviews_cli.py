"""`python -m assistant reviews`: text, JSON, JSON Lines, CSV, filters and clear errors."""

from __future__ import annotations

import csv
import json

import pytest

from assistant.cli import main as cli
from assistant.library.ingest import ingest

from .support import CORPUS


@pytest.fixture
def run(monkeypatch, fake_embedder, capsys, settings):
    monkeypatch.setenv("ASSISTANT_REVIEWS_THRESHOLD", "0.3")  # the fake embedder's scale
    ingest([CORPUS], settings, fake_embedder)

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main([*argv, "--index", str(settings.index_dir)], embedder=fake_embedder)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_reviews_json_text_and_csv(run, tmp_path):
    code, out, _ = run("reviews", "bath", "safety", "--json")
    assert code == 0
    found = json.loads(out)
    assert found["query"] == "bath safety" and found["count"] >= 1
    assert found["reviews"][0]["doc_id"] == "child-i-hscb"
    code, out, _ = run("reviews", "bath", "safety")
    assert code == 0 and "match 'bath safety'" in out.splitlines()[0]
    target = tmp_path / "reviews.csv"
    code, _, _ = run("reviews", "bath safety", "--csv", str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert code == 0 and rows[0]["rank"] == "1" and rows[0]["match"] == "yes"


def test_reviews_filters_and_queries_file(run, tmp_path):
    queries = tmp_path / "queries.txt"
    queries.write_text("bath safety\nGP record storage\n", encoding="utf-8")
    code, out, _ = run("reviews", "--queries-file", str(queries), "--doc", "child-j-hscp-2019")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [x["query"] for x in lines] == ["bath safety", "GP record storage"]
    assert all(r["doc_id"] == "child-j-hscp-2019" for x in lines for r in x["reviews"])


def test_reviews_errors_are_one_line(run, tmp_path):
    code, _, err = run("reviews")
    assert code == 2 and err.startswith("error:")
    code, _, err = run("reviews", "--queries-file", str(tmp_path / "missing.txt"))
    assert code == 2 and "missing.txt" in err
    code, out, _ = run("reviews", "xyzzy plugh")
    assert code == 0 and out.startswith("no reviews match")
