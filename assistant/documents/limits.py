"""Run one file's reader in a child process under the time, memory and output limits.

Every kind of file is read this way (PDF by :mod:`assistant.documents.pdf_worker`, the others by
:mod:`assistant.documents.text_worker`), so a hostile file can hang or bloat only that child: it is stopped
after ``read_timeout_s`` seconds, may use at most ``read_memory_mb``, and gives at most
``max_chars_per_file`` characters. Whatever goes wrong becomes the file's :class:`IngestError`.

The children are forked by one reading server per process (:mod:`assistant.documents.reading_server`),
started at the first file and restarted if it ever ends; files are read one at a time, Markdown and
plain text by a child that may have read others before (it ends within bounds the server keeps).
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from assistant.documents import stopping
from assistant.errors import IngestError
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[2]  # the folder holding the assistant package
SERVER = "assistant.documents.reading_server"
GRACE_S = 30.0  # the server's own answer comes within the time limit; this is only a safeguard


class _ReadingServer:
    """The running server process, started on first use; one request at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        assert process.stdout is not None
        if not process.stdout.readline().startswith(b'{"ready"'):
            process.kill()
            process.wait()
            raise OSError("the reading server did not start")
        return process

    def _stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def ask(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """Send one request; its header and the child's bytes. Restarts a server that ended."""
        with self.lock:
            for attempt in (1, 2):
                if self.process is None or self.process.poll() is not None:
                    self.process = self._start()
                stdin, stdout = self.process.stdin, self.process.stdout
                assert stdin is not None and stdout is not None
                try:
                    stdin.write(json.dumps(request).encode() + b"\n")
                    stdin.flush()
                    return _reply(stdout, float(request["timeout_s"]) + GRACE_S)
                except (OSError, ValueError):  # the server ended (killed, Ctrl-C) or said nonsense
                    self._stop()
                    if attempt == 2:
                        raise
                except BaseException:  # Ctrl-C or Stopped while waiting: its answer would go to the next file
                    self._stop()
                    raise
        raise AssertionError("unreachable")


def _reply(stdout: IO[bytes], wait_s: float) -> tuple[dict[str, Any], bytes]:
    if not any(select.select([stdout], [], [], left)[0] for left in stopping.slices(wait_s)):
        raise OSError("the reading server did not answer")
    header = json.loads(stdout.readline())
    data = stdout.read(header["length"]) if header["length"] else b""
    if len(data) != header["length"]:
        raise OSError("the reading server's answer was cut short")
    return header, data


_server = _ReadingServer()


def run(
    module: str, args: list[str], settings: Settings, name: str, kind: str, reuse: bool = False
) -> dict[str, Any]:
    """``module.run(args)`` in a limited child; its JSON result, or the file's IngestError.

    ``kind`` names the file in the reason when the child dies ("corrupt PDF (...)"). ``reuse``: the
    child may be one that has read other files before, one at a time (the reading server keeps
    it within bounds); asked for the cheap readers, whose reading costs less than a fork.
    """
    too_long = f"took too long (over {settings.read_timeout_s:g} s)"
    request = {
        "module": module,
        "args": args,
        "memory_bytes": settings.read_memory_mb * 1024 * 1024,
        "cpu_s": int(settings.read_timeout_s) + 1,
        "timeout_s": settings.read_timeout_s,
        "largest": 8 * settings.max_chars_per_file + 1_000_000,  # JSON: at most ~6 bytes a character
        "reuse": reuse,
    }
    try:
        header, data = _server.ask(request)
    except (OSError, ValueError) as exc:
        raise IngestError(name, f"could not be read (the reading process failed: {exc})") from exc
    if header["too_big"]:  # killed for it: its exit code says nothing more
        raise IngestError(name, f"corrupt {kind} (the reader gave no usable result)")
    if header["timed_out"] or header["exit"] in (-9, -24):  # its time, or its CPU time (SIGXCPU)
        raise IngestError(name, too_long)
    if not data:
        raise IngestError(name, f"corrupt {kind} (the reader stopped with code {header['exit']})")
    try:
        result = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise IngestError(name, f"corrupt {kind} (the reader gave no usable result)") from exc
    if not isinstance(result, dict):
        raise IngestError(name, f"corrupt {kind} (the reader gave no usable result)")
    if "error" in result:
        raise IngestError(name, str(result["error"]))
    return result
