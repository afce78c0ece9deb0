"""A reader process for concurrency tests: ``python -m tests.reader_child INDEX OUT STOP CLIENT``.

Searches and asks in a loop with the fake embedder until the file STOP exists, reopening the
library whenever its current generation changes (as the web app does). Every call is written
to OUT as one JSON line: the generation it ran against, the documents that generation holds
as seen at that moment, and the documents of the results; or the error it met.
"""

import json
import sys
import time
import traceback
from pathlib import Path

from assistant.answers.answer import ask
from assistant.field.vocabulary import load
from assistant.library import Library, current_generation
from assistant.search.searcher import Searcher
from tests.support import FakeEmbedder

# (kind, text, mode): "marigold" is only in the documents of set A, "heliotrope" only in set B.
CALLS = [
    ("search", "marigold", "keyword"),
    ("search", "heliotrope", "keyword"),
    ("search", "information sharing between agencies", "hybrid"),
    ("ask", "What should agencies do about marigold reviews?", None),
    ("search", "DAISU", "keyword"),
    ("search", "heliotrope training for housing staff", "dense"),
    ("ask", "What training is planned for housing staff?", None),
]


def main(index_dir: Path, out: Path, stop: Path, client: int) -> None:
    embedder, vocabulary = FakeEmbedder(), load()
    library, searcher, opened = None, None, -1
    with out.open("a", encoding="utf-8") as log:

        def write(record: dict) -> None:
            log.write(json.dumps({"client": client, "at": time.monotonic(), **record}) + "\n")
            log.flush()

        n = 0
        while not stop.exists():
            kind, text, mode = CALLS[(n + client) % len(CALLS)]
            n += 1
            try:
                pointer = current_generation(index_dir)
                if pointer != opened:
                    if library is not None:
                        library.close()
                    library = Library.open(index_dir)
                    searcher = Searcher(library, embedder, vocabulary)
                    opened = pointer
                    write({"opened": library.generation, "pointer": pointer, "check": library.check(),
                           "warning": library.warning})  # fmt: skip
                if kind == "search":
                    found = [h.passage.doc_id for h in searcher.search(text, k=20, mode=mode)]
                else:
                    answer = ask(searcher, text, threshold=0.0)
                    found = [c.hit.passage.doc_id for c in answer.citations]
                    found += [h.passage.doc_id for h in answer.suggestions]
                documents = sorted(d.doc_id for d in library.documents() if d.status == "indexed")
                write({"generation": library.generation, "kind": kind, "query": text, "mode": mode,
                       "documents": documents, "found": sorted(set(found))})  # fmt: skip
            except Exception as exc:
                write({"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
                time.sleep(0.05)
    print(f"done {n}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
