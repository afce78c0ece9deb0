"""A writer process for crash tests: ``python -m tests.writer_child INDEX PATH...``.

Ingests with the fake embedder, so tests can kill it at any moment of a save.
"""

import sys
from pathlib import Path

from assistant.ingest import ingest
from assistant.settings import Settings
from tests.conftest import FakeEmbedder

if __name__ == "__main__":
    settings = Settings(index_dir=Path(sys.argv[1]))
    ingest([Path(p) for p in sys.argv[2:]], settings, FakeEmbedder())
    print("done", flush=True)
