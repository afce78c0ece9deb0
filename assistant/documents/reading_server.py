"""The reading server: one process that forks a limited child for each file to read.

``python -m assistant.documents.reading_server`` is started once by :mod:`assistant.documents.limits`
and reads requests from stdin, one JSON line each: ``{"module", "args", "memory_bytes", "cpu_s",
"timeout_s", "largest"}``. For each it forks a child that limits its own memory and CPU time, runs
``module.run(args)`` and writes the JSON result to a pipe; the server waits at most ``timeout_s``,
kills the child when it runs over (or writes more than ``largest`` bytes) and answers with one JSON
line ``{"exit": code, "timed_out": bool, "too_big": bool, "length": n}`` followed by the n bytes the
child wrote.

Why a server: a new interpreter importing the readers cost 0.1-0.3 s a file, as long as embedding a
Markdown report's passages; a fork of this one, which has the readers and pypdf imported already,
costs a few milliseconds. It is single-threaded, so forking is safe (the app and the embedder are
not), and it holds nothing of the parent: no library, no settings, no open files. It ends when its
stdin closes, that is when the process that started it ends.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import select
import signal
import sys
import time
from typing import Any, BinaryIO

WORKERS = ("assistant.documents.pdf_worker", "assistant.documents.text_worker")
PRELOAD = (*WORKERS, "pypdf", "docx", "yaml", "subprocess")  # what each child would import again
MEMORY_ERROR = json.dumps({"error": "needed more memory than the limit allows"}).encode()
EXIT_READER_FAILED = 1


def child(request: dict[str, Any], out: int) -> None:
    """In the forked child: limit it, read, write the JSON result to ``out``. Never returns."""
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # the server's requests and replies are not the child's; nor is its noise
            os.dup2(devnull, fd)
        memory, cpu = int(request["memory_bytes"]), int(request["cpu_s"])
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        try:
            payload = json.dumps(importlib.import_module(request["module"]).run(request["args"])).encode()
        except MemoryError:
            payload = MEMORY_ERROR
        view = memoryview(payload)
        while view:
            view = view[os.write(out, view) :]
    except MemoryError:
        os.write(out, MEMORY_ERROR)
    except BaseException:  # the reader's own bug: no result; the parent names it from the exit code
        code = EXIT_READER_FAILED
    os._exit(code)


def serve(request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Fork a child for one request and wait for it, within its time limit."""
    if request.get("module") not in WORKERS:
        return {"exit": EXIT_READER_FAILED, "timed_out": False, "too_big": False, "length": 0}, b""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        child(request, write_end)
    os.close(write_end)
    deadline = time.monotonic() + float(request["timeout_s"])
    largest = int(request["largest"])
    chunks: list[bytes] = []
    size, timed_out, too_big = 0, False, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        if not select.select([read_end], [], [], left)[0]:
            continue
        chunk = os.read(read_end, 1 << 20)
        if not chunk:
            break
        size += len(chunk)
        if size > largest:
            too_big = True
            break
        chunks.append(chunk)
    os.close(read_end)
    if timed_out or too_big:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    data = b"" if timed_out or too_big else b"".join(chunks)
    header = {"exit": os.waitstatus_to_exitcode(status), "timed_out": timed_out, "too_big": too_big}
    return {**header, "length": len(data)}, data


def main(requests: BinaryIO = sys.stdin.buffer, replies: BinaryIO = sys.stdout.buffer) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for module in PRELOAD:
        importlib.import_module(module)
    for module in WORKERS:  # what a first reading sets up, done once here instead of in each child
        warm = getattr(importlib.import_module(module), "warm", None)
        try:
            if warm is not None:
                warm()
        except Exception:  # only a saving of time: each child sets up what it needs anyway
            pass
    replies.write(b'{"ready": true}\n')
    replies.flush()
    for line in requests:
        header, data = serve(json.loads(line))
        replies.write(json.dumps(header).encode() + b"\n" + data)
        replies.flush()


if __name__ == "__main__":
    main()
