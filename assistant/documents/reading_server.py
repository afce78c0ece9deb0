"""The reading server: one process that forks limited children to read files.

``python -m assistant.documents.reading_server`` is started once by :mod:`assistant.documents.limits`
and reads requests from stdin, one JSON line each: ``{"module", "args", "memory_bytes", "cpu_s",
"timeout_s", "largest", "reuse"}``. A child limits its own memory and CPU time, runs
``module.run(args)`` and sends back the JSON result; the server waits at most ``timeout_s``, kills the
child when it runs over (or its result is over ``largest`` bytes) and answers with one JSON line
``{"exit": code, "timed_out": bool, "too_big": bool, "length": n}`` followed by the n bytes of the
result.

Why a server: a new interpreter importing the readers cost 0.1-0.3 s a file, as long as embedding a
Markdown report's passages; a fork of this one, which has the readers and pypdf imported already,
costs a few milliseconds. It is single-threaded, so forking is safe (the app and the embedder are
not), and it holds nothing of the parent: no library, no settings, no open files. It ends when its
stdin closes, that is when the process that started it ends.

Why a child is kept (``reuse``, asked for Markdown and plain text): a fork costs more than reading
such a file. Measured on PFD reports written as Markdown: ~10 ms a file in a new child (the fork,
the first touch of each page the parent shares, the exit), ~1 ms in a child that has read one
before. A kept child reads one file at a time, so a file that hangs or crashes it still costs only
that file; it ends after :data:`KEEP_FILES` files, :data:`KEEP_CPU_S` of CPU time or
:data:`KEEP_GROWTH` bytes more memory, so every file keeps its whole CPU budget and a file cannot
leave much behind for the next; and a file a kept child fails is read again by a new child, whose
answer stands. PDFs and Word documents, read by C libraries from binary formats,
get a new child each.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import json
import os
import resource
import select
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

WORKERS = ("assistant.documents.pdf_worker", "assistant.documents.text_worker")
PRELOAD = (*WORKERS, "pypdf", "docx", "yaml", "subprocess")  # what each child would import again
MEMORY_ERROR = json.dumps({"error": "needed more memory than the limit allows"}).encode()
EXIT_READER_FAILED = 1
KEEP_FILES = 64  # a kept child reads at most this many files...
KEEP_CPU_S = 1.0  # ...and ends once it has used this much CPU time...
KEEP_GROWTH = 64 * 1024 * 1024  # ...or its address space has grown by this much (or 1/8 of its limit)
HEADER_MAX = 200  # bytes of a child's header line


def _header(length: int, last: bool) -> bytes:
    """A child's reply begins with this line; ``last``: the child ends after it."""
    return json.dumps({"length": length, "last": last}).encode() + b"\n"


MEMORY_REPLY = _header(len(MEMORY_ERROR), True) + MEMORY_ERROR  # made now: there may be no memory then


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _spent() -> tuple[float, int]:
    """This process's CPU seconds and address space in bytes (what RLIMIT_AS counts)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        size = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # no /proc: the largest resident size instead
        size = usage.ru_maxrss * 1024
    return usage.ru_utime + usage.ru_stime, size


def child(request: dict[str, Any], inbox: int, out: int) -> None:
    """In the forked child: limit it, read the request's file and write the reply to ``out``;
    when the request says ``reuse``, go on with the requests that follow on ``inbox`` while the
    child is within its keeping limits. Never returns."""
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # the server's requests and replies are not the child's; nor is its noise
            os.dup2(devnull, fd)
        memory = int(request["memory_bytes"])
        # CPU time counts over all a kept child's files: it ends after KEEP_CPU_S, so each file keeps cpu_s
        cpu = int(request["cpu_s"] + (KEEP_CPU_S if request.get("reuse") else 0))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        requests = os.fdopen(inbox, "rb")
        _, size_at_start = _spent()
        growth = min(KEEP_GROWTH, memory // 8)
        for served in itertools.count(1):
            try:
                payload = json.dumps(importlib.import_module(request["module"]).run(request["args"])).encode()
            except MemoryError:
                _write(out, MEMORY_REPLY)
                break
            seconds, size = _spent()
            last = not request.get("reuse") or served >= KEEP_FILES
            last = last or seconds >= KEEP_CPU_S or size - size_at_start >= growth
            _write(out, _header(len(payload), last) + payload)
            line = b"" if last else requests.readline()
            if not line:  # the last one, or the server has gone
                break
            request = json.loads(line)
    except MemoryError:
        _write(out, MEMORY_REPLY)
    except BaseException:  # the reader's own bug: no result; the parent names it from the exit code
        code = EXIT_READER_FAILED
    os._exit(code)


@dataclass
class _Child:
    pid: int
    inbox: int  # the server writes further requests here
    replies: int  # and reads the child's replies here
    limits: tuple[int, int]  # (memory_bytes, cpu_s) it was given

    def end(self, kill: bool) -> int:
        """Close its pipes (a kept child ends at that), kill it if asked; its exit code."""
        os.close(self.inbox)
        os.close(self.replies)
        if kill:
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def _limits(request: dict[str, Any]) -> tuple[int, int]:
    """The limits a child is given for this request: (memory_bytes, cpu_s)."""
    return int(request["memory_bytes"]), int(request["cpu_s"])


def _fork(request: dict[str, Any], others: tuple[int, ...] = ()) -> _Child:
    """A new child for this request; ``others``: the server's pipes to a kept child, closed in it."""
    inbox_read, inbox = os.pipe()
    replies, out = os.pipe()
    pid = os.fork()
    if pid == 0:
        for fd in (inbox, replies, *others):
            os.close(fd)
        child(request, inbox_read, out)
    os.close(inbox_read)
    os.close(out)
    return _Child(pid, inbox, replies, _limits(request))


def _reply(fd: int, deadline: float, largest: int) -> tuple[str, dict[str, Any], bytes]:
    """Read one reply from a child: ("ok", header, result), or ("timed_out" | "too_big" |
    "ended", {}, b"") when it ran over its time, sent too much or ended without replying."""
    buffer = bytearray()
    header: dict[str, Any] = {}
    while True:
        if not header and b"\n" in buffer:
            line, _, rest = bytes(buffer).partition(b"\n")
            try:
                header, buffer = json.loads(line), bytearray(rest)
            except ValueError:
                return "ended", {}, b""  # not a reply: the child is broken
            if header["length"] > largest:
                return "too_big", {}, b""
        if header and len(buffer) >= header["length"]:
            return "ok", header, bytes(buffer[: header["length"]])
        if not header and len(buffer) > HEADER_MAX:
            return "ended", {}, b""  # not a reply: the child is broken
        left = deadline - time.monotonic()
        if left <= 0:
            return "timed_out", {}, b""
        if not select.select([fd], [], [], left)[0]:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return "ended", {}, b""
        buffer += chunk


class Server:
    """Serves requests one at a time, each by a new child or by the child kept from the last."""

    def __init__(self) -> None:
        self.kept: _Child | None = None

    def _child_for(self, request: dict[str, Any]) -> tuple[_Child, bool]:
        """The kept child when the request may use it and has its limits (True), else a new one
        (False). A request that may not leaves the kept child for the next that may."""
        kept = self.kept
        if kept is None or not request.get("reuse"):
            return _fork(request, (kept.inbox, kept.replies) if kept else ()), False
        self.kept = None
        if kept.limits == _limits(request):
            try:
                _write(kept.inbox, json.dumps(request).encode() + b"\n")
                return kept, True
            except OSError:  # it was ended from outside
                pass
        kept.end(kill=True)
        return _fork(request), False

    def serve(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """Read one request's file within its time limit; the answer's header and bytes.

        When a kept child fails a file (it ends without a reply, or runs out of memory), the file
        is read again by a new child, whose answer stands: what earlier files left in the kept
        one must not be blamed on this file."""
        if request.get("module") not in WORKERS:
            return {"exit": EXIT_READER_FAILED, "timed_out": False, "too_big": False, "length": 0}, b""
        child, kept = self._child_for(request)
        while True:
            deadline = time.monotonic() + float(request["timeout_s"])
            outcome, header, data = _reply(child.replies, deadline, int(request["largest"]))
            if outcome == "ok" and not header["last"]:
                self.kept, code = child, 0  # it waits for the next request (a PDF's child never does)
                break
            code = child.end(kill=outcome != "ok")
            if not (kept and (outcome == "ended" or data == MEMORY_ERROR)):
                break
            child, kept = _fork(request), False
        answer = {"exit": code, "timed_out": outcome == "timed_out", "too_big": outcome == "too_big"}
        return {**answer, "length": len(data)}, data

    def close(self) -> None:
        if self.kept is not None:
            self.kept.end(kill=True)
            self.kept = None


def serve(request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """One request served by a child of its own (for the tests)."""
    server = Server()
    try:
        return server.serve(request)
    finally:
        server.close()


def main(requests: BinaryIO = sys.stdin.buffer, replies: BinaryIO = sys.stdout.buffer) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for module in PRELOAD:
        importlib.import_module(module)
    gc.freeze()  # the children share these objects' pages: a collection in a child would copy them all
    replies.write(b'{"ready": true}\n')
    replies.flush()
    server = Server()
    try:
        for line in requests:
            header, data = server.serve(json.loads(line))
            replies.write(json.dumps(header).encode() + b"\n" + data)
            replies.flush()
    finally:
        server.close()


if __name__ == "__main__":
    main()
