"""The command line: commands as functions, the real entry point, error messages, and the README."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.cli import main as cli
from assistant.settings import describe

from .support import CORPUS, ROOT


@pytest.fixture
def run(monkeypatch, fake_embedder, capsys, settings):
    """Run a command in-process with the fake embedder; returns (exit code, stdout, stderr)."""

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main([*argv, "--index", str(settings.index_dir)], embedder=fake_embedder)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_ingest_docs_remove_round_trip(run):
    code, out, _ = run("ingest", str(CORPUS), "--json")
    assert code == 0
    files = json.loads(out)["files"]
    assert [(f["name"], f["status"]) for f in files] == [
        ("child-i-hscb.md", "added"),
        ("child-j-hscp-2019.md", "added"),
    ]
    code, out, _ = run("docs", "--json")
    docs = {d["doc_id"]: d for d in json.loads(out)["documents"]}
    assert docs["child-j-hscp-2019"]["passages"] == 8
    assert docs["child-j-hscp-2019"]["citation"] == "Child J (HSCP, 2019)"
    assert run("remove", "child-i-hscb")[0] == 0
    code, out, _ = run("docs")
    assert "child-i-hscb" not in out and "child-j-hscp-2019" in out
    assert run("check")[0] == 0


def test_failed_files_are_named_and_set_the_exit_code(run, tmp_path):
    bad = tmp_path / "page.pdf"
    bad.write_text("<!doctype html><html><body>Not found</body></html>")
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    code, out, _ = run("ingest", str(bad), str(empty), str(CORPUS / "child-i-hscb.md"))
    assert code == cli.EXIT_FAILED_FILES
    assert "failed    page.pdf (page): not a PDF (the file holds an HTML page)" in out
    assert "failed    empty.md (empty): empty file" in out
    assert "added     child-i-hscb.md" in out
    code, out, _ = run("docs", "--json")
    status = {d["doc_id"]: (d["status"], d["error"]) for d in json.loads(out)["documents"]}
    assert status["page"] == ("failed", "not a PDF (the file holds an HTML page)")
    assert status["child-i-hscb"] == ("indexed", None)


@pytest.mark.parametrize(
    "argv, message",
    [
        (("remove", "no-such-doc"), "error: no document 'no-such-doc'"),
        (("search",), "error: give a QUERY or --queries-file FILE"),
    ],
)
def test_errors_are_one_line_with_a_non_zero_exit(run, argv, message, seeds_library):
    code, _, err = run(*argv)
    assert code == cli.EXIT_ERROR
    assert err.strip().startswith(message) and err.count("\n") == 1


def test_search_json_shape(run, seeds_library, tmp_path):
    queries = tmp_path / "queries.txt"
    queries.write_text("bath safety\nGP record storage\n")
    code, out, _ = run("search", "--queries-file", str(queries), "--k", "3")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [line["query"] for line in lines] == ["bath safety", "GP record storage"]
    result = lines[0]["results"][0]
    keys = {"rank", "score", "doc_id", "title", "source", "section", "page", "text", "highlights", "citation"}
    assert keys <= set(result)
    assert result["rank"] == 1 and result["source"].endswith(".md")
    for start, end in result["highlights"]:
        assert 0 <= start < end <= len(result["text"])


def test_search_shows_a_recommendations_response_status(run, seeds_library):
    """The status is part of the result the search returns: in --json, and in the text output."""
    code, out, _ = run("search", "Board Response introduction recommendation", "--k", "30", "--json")
    assert code == 0
    results = json.loads(out)["results"]
    by_place = {(r["doc_id"], r["section"]): r for r in results}
    recommendation = by_place[("child-i-hscb", "Recommendation 1")]
    assert recommendation["response_status"] == {
        "status": "in_place",
        "label": "already in place",
        "quote": "Health commissioners and providers in maternity services have already developed a system"
        " whereby information is shared with GP practices on those patients that self-book.",
    }
    introductions = [r for r in results if r["section"] == "Introduction"]
    assert introductions and all(r["response_status"] is None for r in introductions)
    assert all(r["response_status"] is not None for r in results if r["recommendation"] is not None)

    code, out, _ = run("search", "self-book maternity GP practices", "--k", "1", "--mode", "keyword")
    assert code == 0
    assert 'response status: already in place: "Health commissioners and providers' in out


@pytest.mark.slow
def test_real_entry_point_with_the_real_model(tmp_path):
    index = tmp_path / "index"
    base = [sys.executable, "-m", "assistant"]
    done = subprocess.run(
        [*base, "ingest", str(CORPUS), "--index", str(index)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "2 files: 2 ok, 0 failed" in done.stdout
    done = subprocess.run(
        [*base, "search", "bath safety", "--index", str(index), "--json", "--k", "3"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    top = json.loads(done.stdout)["results"][0]
    assert top["doc_id"] == "child-i-hscb" and "unattended while bathing" in top["text"]
    assert top["citation"].startswith("Child 'I' (HSCB)")


def test_readme_documents_every_command_and_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = cli.build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    for command in commands:
        assert f"python -m assistant {command}" in readme, command
    for name, _default, _help in describe():
        assert f"ASSISTANT_{name.upper()}" in readme, name
    for command, parser in commands.items():
        for action in parser._actions:  # noqa: SLF001
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"{command} {option}"


def test_themes_retag_and_the_theme_filter(run):
    assert run("ingest", str(CORPUS))[0] == 0
    code, out, _ = run("themes", "--json")
    themes = json.loads(out)["themes"]
    assert code == 0 and len(themes) >= 25
    widest = themes[0]
    assert widest["passages"] > 0 and widest["documents"]
    spread = [len(t["documents"]) for t in themes]
    assert spread == sorted(spread, reverse=True)
    code, out, _ = run("themes", "--recurring", "--json")
    assert code == 0 and json.loads(out)["themes"] == []  # two seed reviews: nothing in 3 or more
    code, out, _ = run("themes", "--recurring", "2", "--json")
    recurring = json.loads(out)["themes"]
    assert code == 0 and recurring and all(len(t["documents"]) >= 2 for t in recurring)
    assert {t["theme"] for t in recurring} == {t["theme"] for t in themes if len(t["documents"]) >= 2}
    code, out, _ = run("themes")
    assert f"[{widest['theme']}]" in out and widest["label"] in out

    code, out, _ = run("search", "information", "--theme", widest["theme"], "--json")
    results = json.loads(out)["results"]
    assert code == 0 and results and all(widest["theme"] in r["themes"] for r in results)
    code, _, err = run("search", "information", "--theme", "no_such_theme")
    assert code == cli.EXIT_ERROR and "unknown theme 'no_such_theme'" in err

    code, out, _ = run("retag")
    assert code == 0 and out.startswith("re-tagged 12 passages")
    assert json.loads(run("themes", "--json")[1])["themes"] == themes  # same rule, same tags


def test_pack_create_list_show_export_import_delete(run, seeds_library, tmp_path):
    from docx import Document as DocxDocument
    from pptx import Presentation

    code, out, _ = run("pack", "create", "Bath safety", "--query", "bath safety", "--reviews", "2")
    assert code == 0 and "created 'Bath safety': the strongest passage of 2 reviews" in out
    code, out, _ = run("pack", "list", "--json")
    assert json.loads(out)["packs"][0] | {"updated": ""} == {
        "name": "Bath safety", "passages": 2, "briefing": True, "updated": ""
    }  # fmt: skip
    code, out, _ = run("pack", "show", "Bath safety")
    assert code == 0 and "## Key learning" in out and "> “" in out
    for fmt in ("docx", "pptx", "md", "html", "json"):
        target = tmp_path / f"bath.{fmt}"
        code, out, _ = run("pack", "export", "Bath safety", "--format", fmt, "--out", str(target))
        assert code == 0 and target.stat().st_size > 0, fmt
    assert DocxDocument(str(tmp_path / "bath.docx")).paragraphs[0].text == "Bath safety"
    assert Presentation(str(tmp_path / "bath.pptx")).slide_width > 0
    code, out, _ = run("pack", "import", str(tmp_path / "bath.json"))
    assert code == 0 and "imported 'Bath safety (2)'" in out
    assert run("pack", "delete", "Bath safety (2)")[0] == 0
    assert [p["name"] for p in json.loads(run("pack", "list", "--json")[1])["packs"]] == ["Bath safety"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (("pack", "show", "Nope"), "error: no pack named 'Nope'"),
        (("pack", "export", "Nope", "--format", "docx", "--out", "x.docx"), "error: no pack named 'Nope'"),
        (
            ("pack", "create", "X", "--query", "bath", "--reviews", "0"),
            "error: --reviews must be between 1 and 20",
        ),
        (("pack", "delete", "Nope"), "error: no pack named 'Nope'"),
        (
            ("pack", "create", "X", "--query", "trampolines"),
            "error: No passage is about \u201ctrampolines\u201d closely enough to teach from",
        ),
    ],
)
def test_pack_errors_are_one_line(run, seeds_library, argv, message):
    code, _, err = run(*argv)
    assert code == cli.EXIT_ERROR and err.startswith(message) and err.count("\n") == 1


def test_pack_import_names_a_bad_file(run, seeds_library, tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"format": "something"}')
    code, _, err = run("pack", "import", str(bad))
    assert code == cli.EXIT_ERROR and err.startswith("error: notes.json: not a pack file")


def test_bench_times_the_labelled_queries_on_a_library_already_built(run, seeds_library):
    code, out, _ = run("bench", "--library", "--rounds", "1", "--json")
    assert code == 0
    timed = json.loads(out)
    from assistant.quality.evaluation import load_queries

    assert (timed["documents"], timed["queries"]) == (2, len(load_queries()))
    assert timed["passages"] > 10
    assert 0 < timed["encode_query_ms"]["p50"] and 0 < timed["search_ms"]["p50"] <= timed["search_ms"]["p95"]
