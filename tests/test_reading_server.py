"""The reading server: one process forks limited children (one per file, or one kept for many
Markdown files), survives their failures, and is started again if it ends."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from assistant.documents import limits, readers, reading_server
from assistant.errors import IngestError


def markdown(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_many_files_are_read_by_one_server_and_a_killed_one_is_started_again(tmp_path, settings):
    first = readers.read_markdown(markdown(tmp_path, "a.md", "# A\n\nFirst."), "a.md", settings)
    server = limits._server.process
    assert server is not None and server.poll() is None
    second = readers.read_markdown(markdown(tmp_path, "b.md", "# B\n\nSecond."), "b.md", settings)
    assert limits._server.process is server  # no new interpreter for the second file
    assert "First." in first.pages[0].text and "Second." in second.pages[0].text

    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    third = readers.read_markdown(markdown(tmp_path, "c.md", "# C\n\nThird."), "c.md", settings)
    assert "Third." in third.pages[0].text
    assert limits._server.process is not server


def test_a_child_over_its_time_is_killed_and_the_next_file_is_read(tmp_path, settings):
    slow = tmp_path / "slow.pdf"
    slow.write_bytes(b"%PDF-1.4\n")
    request = {"module": "assistant.documents.pdf_worker", "args": [str(slow)], "memory_bytes": 1 << 30,
               "cpu_s": 5, "timeout_s": 0.0, "largest": 1000}  # fmt: skip
    header, data = reading_server.serve(request)
    assert header["timed_out"] and data == b""
    fine = readers.read_markdown(markdown(tmp_path, "fine.md", "# Fine\n\nText."), "fine.md", settings)
    assert "Text." in fine.pages[0].text


def test_only_the_readers_are_run_and_a_result_over_the_limit_is_refused(tmp_path, settings):
    header, _ = reading_server.serve({"module": "os", "args": [], "memory_bytes": 1 << 30, "cpu_s": 5,
                                      "timeout_s": 5, "largest": 1000})  # fmt: skip
    assert header["exit"] != 0 and header["length"] == 0
    long = markdown(tmp_path, "long.md", "word " * 50_000)
    header, data = reading_server.serve(
        {
            "module": "assistant.documents.text_worker",
            "args": ["markdown", str(long), "1000000"],
            "memory_bytes": 1 << 30,
            "cpu_s": 5,
            "timeout_s": 30,
            "largest": 1000,
        }  # fmt: skip
    )
    assert header["too_big"] and data == b""
    header, data = reading_server.serve(
        {
            "module": "assistant.documents.text_worker",
            "args": ["markdown", str(long), "1000000"],
            "memory_bytes": 1 << 30,
            "cpu_s": 5,
            "timeout_s": 30,
            "largest": 10_000_000,
        }  # fmt: skip
    )
    assert header["exit"] == 0 and "word word" in json.loads(data)["pages"][0][1]


def test_a_reader_that_crashes_or_runs_out_of_memory_is_a_named_error(tmp_path, settings):
    path = markdown(tmp_path, "x.md", "# X\n\nText.")
    with pytest.raises(IngestError, match=r"corrupt Markdown file \(the reader stopped with code 1\)"):
        limits.run("assistant.documents.text_worker", ["markdown", str(path), "many"], settings, "x.md",
                   "Markdown file")  # fmt: skip
    big = markdown(tmp_path, "big.md", "# Big\n\n" + "Text of a long report. " * 80_000)
    with pytest.raises(IngestError, match="needed more memory than the limit allows"):
        readers.read_markdown(big, "big.md", settings.replace(read_memory_mb=16))
    assert "Text." in readers.read_markdown(path, "x.md", settings).pages[0].text


def _request(path, reuse: bool = True, timeout_s: float = 30, memory_bytes: int = 1 << 30, kind="markdown"):
    return {"module": "assistant.documents.text_worker", "args": [kind, str(path), "1000000"],
            "memory_bytes": memory_bytes, "cpu_s": 5, "timeout_s": timeout_s, "largest": 10_000_000,
            "reuse": reuse}  # fmt: skip


def _text(data: bytes) -> str:
    """The text read, without the report's heading."""
    return json.loads(data)["pages"][0][1].split("\n")[-1]


def _ended(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_kept_child_reads_markdown_one_file_after_another_and_pdfs_get_their_own(tmp_path):
    files = [markdown(tmp_path, f"{n}.md", f"# Report {n}\n\nText {n}.") for n in range(3)]
    server = reading_server.Server()
    try:
        texts, pids = [], []
        for path in files:
            header, data = server.serve(_request(path))
            assert header == {"exit": 0, "timed_out": False, "too_big": False, "length": len(data)}
            texts.append(_text(data))
            assert server.kept is not None
            pids.append(server.kept.pid)
        assert texts == [f"Text {n}." for n in range(3)] and len(set(pids)) == 1
        kept = server.kept

        header, data = server.serve(_request(files[0], reuse=False))  # not asked: a child of its own
        assert _text(data) == "Text 0." and server.kept is kept
        header, data = server.serve(_request(files[1], memory_bytes=1 << 29))  # other limits: a new child
        assert _text(data) == "Text 1." and server.kept is not None and server.kept.pid != kept.pid
        assert _ended(kept.pid)
        last = server.kept.pid
    finally:
        server.close()
    assert server.kept is None and _ended(last)


def test_a_kept_child_ends_after_its_files_and_one_that_fails_costs_only_its_file(tmp_path, monkeypatch):
    monkeypatch.setattr(reading_server, "KEEP_FILES", 2)
    files = [markdown(tmp_path, f"{n}.md", f"# Report {n}\n\nText {n}.") for n in range(4)]
    server = reading_server.Server()
    try:
        server.serve(_request(files[0]))
        first = server.kept.pid
        server.serve(_request(files[1]))
        assert server.kept is None and _ended(first)  # its second file was its last
        server.serve(_request(files[2]))
        second = server.kept.pid

        header, data = server.serve(_request(files[3], kind="nonsense"))  # the reader raises: the child ends
        assert header["exit"] == reading_server.EXIT_READER_FAILED and data == b"" and _ended(second)
        header, data = server.serve(_request(files[3], timeout_s=0.0))  # over its time: killed
        assert header["timed_out"] and data == b"" and server.kept is None
        header, data = server.serve(_request(files[3]))
        assert header["exit"] == 0 and _text(data) == "Text 3."
    finally:
        server.close()


def test_a_kept_child_ended_from_outside_is_replaced(tmp_path):
    files = [markdown(tmp_path, f"{n}.md", f"# Report {n}\n\nText {n}.") for n in range(2)]
    server = reading_server.Server()
    try:
        server.serve(_request(files[0]))
        os.kill(server.kept.pid, signal.SIGKILL)
        stat = Path(f"/proc/{server.kept.pid}/stat")
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":  # dead, not yet waited for
            time.sleep(0.01)
        header, data = server.serve(_request(files[1]))
        assert _text(data) == "Text 1."
    finally:
        server.close()


_READ_BEFORE: list[str] = []


def run(args: list[str]) -> dict:
    """A reader for the test below (the server's children import this module): it fails in a
    child that has read a file before, as leftovers of earlier files might make it fail."""
    if _READ_BEFORE:
        if args[1] == "crash":
            os._exit(3)
        raise MemoryError
    _READ_BEFORE.append(args[0])
    return {"pages": [[None, args[0]]]}


@pytest.mark.parametrize("failure", ["crash", "memory"])
def test_a_file_a_kept_child_fails_is_read_again_by_a_new_child(monkeypatch, failure):
    monkeypatch.setattr(reading_server, "WORKERS", (*reading_server.WORKERS, __name__))
    request = {"module": __name__, "memory_bytes": 1 << 30, "cpu_s": 5, "timeout_s": 30,
               "largest": 10_000, "reuse": True}  # fmt: skip
    server = reading_server.Server()
    try:
        header, data = server.serve({**request, "args": ["first", failure]})
        assert header["exit"] == 0 and _text(data) == "first" and server.kept is not None
        kept = server.kept.pid
        header, data = server.serve({**request, "args": ["second", failure]})  # the kept child fails it
        assert header["exit"] == 0 and _text(data) == "second" and _ended(kept)
    finally:
        server.close()
    assert _READ_BEFORE == []  # the test process itself read nothing


def test_a_result_over_the_limit_is_named_so_whatever_the_killed_child_exited_with(monkeypatch, settings):
    for code in (-9, 1):  # killed at once, or ended by the closed pipe first
        header = {"exit": code, "timed_out": False, "too_big": True, "length": 0}
        monkeypatch.setattr(limits._server, "ask", lambda request, header=header: (header, b""))
        with pytest.raises(IngestError, match=r"corrupt Markdown file \(the reader gave no usable result\)"):
            limits.run("assistant.documents.text_worker", [], settings, "x.md", "Markdown file")
