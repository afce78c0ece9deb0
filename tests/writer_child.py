"""A writer process for crash tests: ``python -m tests.writer_child INDEX PATH...``.

Runs ``assistant ingest`` with the fake embedder, so tests can kill it at any moment of a save.
With ``WRITER_FILE_LIMIT=BYTES`` no file it writes may grow past that size (RLIMIT_FSIZE): the
write fails as it would on a full disk. With ``WRITER_ENCODE_BATCH=N`` passages are encoded N at a
time and with ``WRITER_ENCODE_PAUSE_S=SECONDS`` each encoding call waits that long first, so an
ingest is still running when a test's signal arrives.
"""

import os
import resource
import signal
import sys
import time

from assistant.cli import main as cli
from assistant.library import ingest
from tests.support import FakeEmbedder

if __name__ == "__main__":
    # Ctrl-C raises KeyboardInterrupt even when this was started with SIGINT ignored, as a
    # non-interactive shell starts its background jobs (CI): a SIGINT test must reach the ingest.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if limit := os.environ.get("WRITER_FILE_LIMIT"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), int(limit)))
    if batch := os.environ.get("WRITER_ENCODE_BATCH"):
        ingest.ENCODE_BATCH = int(batch)
    embedder = FakeEmbedder()
    if pause := float(os.environ.get("WRITER_ENCODE_PAUSE_S", "0")):
        encode = embedder.encode

        def slow_encode(texts: list[str], progress: bool = False):  # type: ignore[no-untyped-def]
            time.sleep(pause)
            return encode(texts, progress)

        embedder.encode = slow_encode  # type: ignore[method-assign]
    code = cli.main(["ingest", *sys.argv[2:], "--index", sys.argv[1]], embedder=embedder)
    print("done", flush=True)
    sys.exit(code)
