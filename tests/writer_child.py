"""A writer process for crash tests: ``python -m tests.writer_child INDEX PATH...``.

Runs ``assistant ingest`` with the fake embedder, so tests can kill it at any moment of a save.
With ``WRITER_FILE_LIMIT=BYTES`` no file it writes may grow past that size (RLIMIT_FSIZE): the
write fails as it would on a full disk.
"""

import os
import resource
import signal
import sys

from assistant.cli import main as cli
from tests.support import FakeEmbedder

if __name__ == "__main__":
    if limit := os.environ.get("WRITER_FILE_LIMIT"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a refused write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), int(limit)))
    code = cli.main(["ingest", *sys.argv[2:], "--index", sys.argv[1]], embedder=FakeEmbedder())
    print("done", flush=True)
    sys.exit(code)
