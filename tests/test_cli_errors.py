"""The command line never answers with a traceback: one line, and an exit code that says what
happened (1 is only "some files failed")."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from filelock import FileLock

from assistant import library
from assistant.cli import main as cli
from assistant.library import Library, current_generation, generations, writer_lock

from .support import CORPUS, ROOT


@pytest.fixture
def run(monkeypatch, fake_embedder, capsys, settings):

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main([*argv, "--index", str(settings.index_dir)], embedder=fake_embedder)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def _one_line(err: str) -> bool:
    return err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ("search", "--queries-file", "/no/such/queries.txt"),
            "--queries-file /no/such/queries.txt: No such file",
        ),
        (("ask", "--questions-file", "/no/such/questions.txt"), "--questions-file /no/such/questions.txt"),
        (("search", "--more-like", "abc"), "--more-like needs a passage id"),
        (("search", "--more-like", "99999"), "no passage 99999"),
        (("search", "--more-like", "99999999999999999999999"), "--more-like needs a passage id"),
        (
            ("reviews", "bath", "--year-from", "2022", "--year-to", "2015"),
            "--year-from 2022 --year-to 2015: the years run backwards",
        ),  # fmt: skip
    ],
)
def test_usage_errors_are_one_line_with_the_usage_exit_code(run, seeds_library, argv, message):
    code, _, err = run(*argv)
    assert code == cli.EXIT_USAGE != cli.EXIT_FAILED_FILES
    assert err.startswith(f"error: {message}") and _one_line(err), err


def test_a_query_that_is_not_utf8_is_searched_with_replacement_characters(run, seeds_library, tmp_path):
    code, out, err = run("search", "bath \udcff\udcfe", "--mode", "keyword")
    assert code == 0 and "\ufffd" in out and "Traceback" not in err
    queries = tmp_path / "queries.txt"
    queries.write_bytes(b"bath \xff\xfe safety\n")
    code, out, _ = run("search", "--queries-file", str(queries), "--mode", "keyword")
    assert code == 0 and json.loads(out)["query"] == "bath \ufffd\ufffd safety"


def test_a_library_that_cannot_be_written_is_one_line_not_a_traceback(run, seeds_library, monkeypatch):
    class ReadOnly(FileLock):
        def acquire(self, *args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system", str(self.lock_file))

    monkeypatch.setattr(writer_lock, "FileLock", ReadOnly)
    code, _, err = run("remove", "child-i-hscb")
    assert code == cli.EXIT_ERROR
    assert "cannot be written (Read-only file system). Nothing was changed." in err and _one_line(err)


def test_an_index_that_is_a_file_is_one_line(run, tmp_path, monkeypatch, fake_embedder, capsys):
    not_a_folder = tmp_path / "index"
    not_a_folder.write_text("oops")
    code = cli.main(["ingest", str(CORPUS), "--index", str(not_a_folder)], embedder=fake_embedder)
    err = capsys.readouterr().err
    assert code == cli.EXIT_ERROR and "cannot be written" in err and _one_line(err)


def test_a_bad_number_of_results_is_a_usage_error(run, seeds_library):
    with pytest.raises(SystemExit) as exit_:
        run("search", "bath", "--k", "0")
    assert exit_.value.code == cli.EXIT_USAGE


def test_ctrl_c_just_after_publishing_says_the_library_was_saved(run, monkeypatch, settings):
    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(generations, "tidy", interrupted)  # the moment just after CURRENT moved
    code, _, err = run("ingest", str(CORPUS))
    assert code == cli.EXIT_INTERRUPTED
    assert "unchanged" not in err and "saved (now generation 1)" in err
    assert current_generation(settings.index_dir) == 1


def test_ctrl_c_before_publishing_says_unchanged(run, monkeypatch, seeds_library):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(library.Writer, "finish", interrupted)
    code, _, err = run("remove", "child-i-hscb")
    assert code == cli.EXIT_INTERRUPTED and "the library is unchanged" in err


def test_control_characters_in_names_are_never_printed(run, tmp_path):
    evil = tmp_path / "evil\x1b[31m\x9b2J.md"
    evil.write_text("# A review\n\nThe partnership reviewed the information shared.\n")
    missing = tmp_path / "gone\x1b]0;title\x07.md"
    code, out, _ = run("ingest", str(evil), str(missing))
    assert code == cli.EXIT_FAILED_FILES
    assert "evil?[31m?2J.md" in out and "gone?]0;title?.md" in out
    assert not any(ch in out for ch in "\x1b\x07\x9b")
    code, out, _ = run("docs")
    assert not any(ch in out for ch in "\x1b\x07\x9b")


# -- a second writer --------------------------------------------------------------------------


def test_a_second_writer_with_no_wait_says_so_at_once_and_exits(run, seeds_library):
    lock = FileLock(seeds_library.index_dir / ".lock")
    with lock:
        started = time.monotonic()
        code, _, err = run("remove", "child-i-hscb", "--no-wait")
        took = time.monotonic() - started
    assert code == cli.EXIT_BUSY and took < 2
    assert "is being changed by another process" in err and _one_line(err)


def test_a_second_writer_says_at_once_that_it_waits(seeds_library, tmp_path):
    """The real entry point: the note is on stderr while the first writer still holds the lock."""
    lock = FileLock(seeds_library.index_dir / ".lock")
    lock.acquire()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "remove", "child-i-hscb", "--wait", "30",
             "--index", str(seeds_library.index_dir)],
            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        first = proc.stderr.readline()  # blocks until the note is written
        assert "is being changed by another process; waiting up to 30 s" in first
        assert proc.poll() is None  # still waiting
    finally:
        lock.release()
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "removed child-i-hscb" in out
    assert "child-i-hscb" not in {d.doc_id for d in Library.open(seeds_library.index_dir).documents()}


def test_a_second_writer_gives_up_after_its_wait(run, seeds_library):
    with FileLock(seeds_library.index_dir / ".lock"):
        code, _, err = run("remove", "child-i-hscb", "--wait", "0.5")
    assert code == cli.EXIT_BUSY
    assert err.startswith("note: the library at") and "still busy after 0.5 s" in err


@pytest.mark.parametrize(
    "name, text, reason",
    [
        ("search.toml", "[[query]\ntext = 'x'", "not TOML"),
        (
            "search.toml",
            "[[query]]\ntext = 'bath safety'\n",
            "query 1 needs text and either relevant or theme",
        ),
        ("themes.toml", "title = 'no passages'\n", "it has no [[passage]] entries"),
        ("search.toml", "query = ['bath safety']\n", "query holds 'bath safety', not a [[query]] table"),
        ("ask.toml", "\udcff", "not TOML in UTF-8"),
        ("reviews.toml", "[[query]]\ntheme = 'suicide'\n", "query 1 needs text and either theme or relevant"),
    ],
)
def test_a_bad_labelled_set_is_one_line_naming_the_file_before_any_library_is_built(
    run, monkeypatch, tmp_path, settings, name, text, reason
):
    labels = tmp_path / "eval"
    shutil.copytree(ROOT / "eval", labels)
    (labels / name).write_text(text, encoding="utf-8", errors="surrogateescape")  # \udcff: a bad byte
    monkeypatch.setenv("ASSISTANT_EVAL_DIR", str(labels))
    monkeypatch.setenv("ASSISTANT_PFD_DIR", str(tmp_path / "no-pfd"))
    code, out, err = run("eval", *(["--reviews"] if name == "reviews.toml" else ["--seeds-only"]))
    assert code == cli.EXIT_ERROR and _one_line(err) and out == ""
    assert err.startswith(f"error: {labels / name}: ") and reason in err
    assert not settings.index_dir.exists()  # refused before minutes went into building the library
