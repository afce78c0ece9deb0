"""Run one file's reader in a child process under the time, memory and output limits.

Every kind of file is read this way (PDF by :mod:`assistant.documents.pdf_worker`, the others by
:mod:`assistant.documents.text_worker`), so a hostile file can hang or bloat only that child: it is stopped
after ``read_timeout_s`` seconds, may use at most ``read_memory_mb``, and gives at most
``max_chars_per_file`` characters. Whatever goes wrong becomes the file's :class:`IngestError`.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from assistant.errors import IngestError
from assistant.settings import Settings

MEMORY_SIGNS = (b"MemoryError", b"failed to map segment", b"Cannot allocate memory")
ROOT = Path(__file__).resolve().parents[2]  # the folder holding the assistant package


def run(module: str, args: list[str], settings: Settings, name: str, kind: str) -> dict[str, Any]:
    """``python -m module *args`` under the limits; its JSON result, or the file's IngestError.

    ``kind`` names the file in the reason when the child dies ("corrupt PDF (...)").
    """
    limit = settings.read_memory_mb * 1024 * 1024

    def limits() -> None:  # runs in the child, before any reader is imported
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(settings.read_timeout_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    too_long = f"took too long (over {settings.read_timeout_s:g} s)"
    try:
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            capture_output=True,
            timeout=settings.read_timeout_s,
            preexec_fn=limits,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired as exc:
        raise IngestError(name, too_long) from exc
    if done.returncode != 0 or not done.stdout:
        if done.returncode < 0 and -done.returncode in (9, 24):  # SIGKILL / SIGXCPU
            raise IngestError(name, too_long)
        if any(sign in done.stderr for sign in MEMORY_SIGNS):  # also when Python cannot even start
            raise IngestError(name, "needed more memory than the limit allows")
        raise IngestError(name, f"corrupt {kind} (the reader stopped with code {done.returncode})")
    try:
        result = json.loads(done.stdout)
    except (ValueError, RecursionError) as exc:
        raise IngestError(name, f"corrupt {kind} (the reader gave no usable result)") from exc
    if not isinstance(result, dict):
        raise IngestError(name, f"corrupt {kind} (the reader gave no usable result)")
    if "error" in result:
        raise IngestError(name, str(result["error"]))
    return result
