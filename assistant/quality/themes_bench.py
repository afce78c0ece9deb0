"""Themes page speed at 1,000 documents: the page, the grid and a chosen theme's reviews.

A synthetic library of ``DOCUMENTS`` reviews (each ``PASSAGES`` passages of real sentences with
their real vectors, years, publishers and age groups drawn at random) is tagged at ingest by the
real tagger. Timed: what the Themes page reads (theme counts, the three grids, recurring
learning), first on a freshly opened library and again on the same generation (cached), and a
chosen theme's passages; then the page itself, rendered headless by Streamlit's AppTest: opened,
rerun, rerun with the most widespread theme chosen (its reviews' passages shown), and with the
most widespread recurring theme opened.
Aims (issue 12): page under 2 s, a chosen theme's reviews under 1 s.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant import library
from assistant.embedding import Embedder
from assistant.field.theme_grid import AXES
from assistant.field.theme_tagger import Tagger
from assistant.field.theme_weights import DEFAULT_WEIGHTS, ThemeWeights
from assistant.field.themes import Taxonomy
from assistant.quality.bench import sentence_pool
from assistant.records import Document, Passage
from assistant.settings import Settings

DOCUMENTS = 1_000
PASSAGES = 10
SENTENCES_PER_PASSAGE = 4
PUBLISHERS = [f"Partnership {n}" for n in range(25)]
AGES = ["baby", "young-child", "teenager", "adult", "older"]
AIM_PAGE_S, AIM_THEME_S = 2.0, 1.0


def build(index_dir: Path, embedder: Embedder, documents: int, rng: random.Random) -> None:
    sentences, vectors = sentence_pool(embedder, rng)
    tagger = Tagger(Taxonomy.load(), embedder, ThemeWeights.load(DEFAULT_WEIGHTS))
    with library.writer(
        index_dir, embedder.name, embedder.dimension, approximate_above=10**12, encoders=[embedder.encoder]
    ) as w:
        w.tag_with(tagger)
        for d in range(documents):
            doc_id = f"synthetic-{d:05d}"
            passages, rows = [], []
            for n in range(PASSAGES):
                picks = rng.sample(range(len(sentences)), SENTENCES_PER_PASSAGE)
                text = " ".join(sentences[i] for i in picks)
                vector = vectors[picks].sum(axis=0)
                rows.append(vector / np.linalg.norm(vector))
                passages.append(Passage(doc_id, doc_id, f"Section {n}", None, None, None, 0, len(text), text))
            document = Document(
                doc_id, doc_id, f"{doc_id}.md", "markdown", doc_id, "indexed",
                partnership=rng.choice(PUBLISHERS), published=f"{rng.randint(2012, 2025)}-06-01",
                age_groups=(rng.choice(AGES),),
            )  # fmt: skip
            w.put(document, "", passages, np.vstack(rows).astype(np.float32))


def _seconds(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return round(time.perf_counter() - started, 3)


def _page_reads(lib: library.Library) -> None:
    themes = lib.themes()
    for axis in AXES:
        lib.theme_grid(axis)
    lib.agency_spread()
    for theme in lib.recurring():
        lib.theme_passages(theme.theme, per_document=1, limit=10)
    del themes


def _app_seconds(settings: Settings, embedder: Embedder, recurring: str | None) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from assistant.ui import state

    state.SETTINGS = settings
    state.embedder = lambda: embedder
    state.server_address = lambda: "localhost"
    app = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=120)
    app.run()
    app.switch_page("assistant/ui/themes_page.py")
    first = _seconds(app.run)
    again = _seconds(app.run)
    if app.exception:
        raise RuntimeError(f"the Themes page failed: {app.exception[0].message}")
    chosen = _seconds(lambda: app.selectbox(key="theme-choice").select_index(0).run())
    timed = {"first_s": first, "again_s": again, "chosen_theme_s": chosen}
    if recurring is not None:  # a recurring theme draws its passages only when opened: time that too
        app.session_state[f"recurring-{recurring}"] = True
        timed["recurring_opened_s"] = _seconds(app.run)
    return timed


def run(embedder: Embedder, documents: int = DOCUMENTS, app: bool = True) -> dict[str, Any]:
    rng = random.Random(12)
    with tempfile.TemporaryDirectory(prefix="themes-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        build_s = _seconds(lambda: build(index_dir, embedder, documents, rng))
        lib = library.Library.open(index_dir)
        page_first = _seconds(lambda: _page_reads(lib))
        page_again = _seconds(lambda: _page_reads(lib))
        theme = lib.themes()[0].theme
        widest = next(iter(lib.recurring()), None)
        chosen = _seconds(lambda: lib.theme_passages(theme, limit=20))
        report: dict[str, Any] = {
            "documents": documents,
            "passages": lib.passage_count,
            "build_and_tag_s": build_s,
            "page_reads_s": {"first": page_first, "same_generation": page_again},
            "chosen_theme_s": chosen,
            "aims_s": {"page": AIM_PAGE_S, "chosen_theme": AIM_THEME_S},
        }
        lib.close()
        if app:
            report["page_in_app"] = _app_seconds(
                Settings(index_dir=index_dir), embedder, widest.theme if widest else None
            )
    return report
