"""Helpers the tests share (not fixtures: those are in conftest.py): the project's folders, a
deterministic fake embedder, a real PDF made from a seed review, and a skip for ../shared."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from assistant.library import Library
from assistant.records import Passage
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
PDF_SAMPLES = SHARED / "testdata" / "pdf-samples"
PFD = SHARED / "corpora" / "pfd"


class FakeEmbedder:
    """Hashed bag of words: deterministic, instant, and similar texts get similar vectors."""

    name = "fake-hash-embedder"
    dimension = 64
    encoder = "fake"

    def __init__(self) -> None:
        self.calls = 0
        self.encoded = 0

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.calls += 1
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dimension] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out


def ingested(folder: Path, texts: dict[str, str], settings: Settings, embedder: object) -> Library:
    """``texts`` (file name → text) written to a new ``folder``, ingested, the library opened
    (the caller closes it)."""
    from assistant.library.ingest import ingest

    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert {r.status for r in ingest([folder], settings, embedder)} == {"added"}  # type: ignore[arg-type]
    return Library.open(settings.index_dir)


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared is only beside the project checkout)")
    return path


def seed_pdf(path: Path) -> Path:
    """A real three-page PDF of the Child J response, as a council would publish it.

    Every page carries the header 'HSCP Chair: Jenny Coles' and a 'Page N of 3' footer.
    Page 1: introduction; page 2: recommendations 1-2; page 3: recommendations 3-5.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from assistant.documents.readers import markdown_to_text

    markdown = (CORPUS / "child-j-hscp-2019.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    text = markdown_to_text(markdown.replace("HSCP Chair: Jenny Coles", ""))
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip() and p.strip() != "Notes"]
    paragraphs = [p for p in paragraphs if not p.startswith("1 New guidance")]
    styles = getSampleStyleSheet()
    story = []
    for para in paragraphs:
        if para.startswith(("Recommendation 1 ", "Recommendation 3 ")):
            story.append(PageBreak())
        style = (
            styles["Heading2"]
            if para.startswith("Hertfordshire Safeguarding Children Partnership Response")
            else styles["BodyText"]
        )
        story.append(Paragraph(para.replace("&", "&amp;").replace("<", "&lt;"), style))

    def furniture(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 9)
        canvas.drawString(72, A4[1] - 40, "HSCP Chair: Jenny Coles")
        canvas.drawString(72, 30, f"Page {doc.page} of 3")
        canvas.restoreState()

    SimpleDocTemplate(str(path), pagesize=A4, title="Child J response").build(
        story, onFirstPage=furniture, onLaterPages=furniture
    )
    return path


def downgrade_to_schema_3(index_dir: Path) -> Path:
    """Turn the current generation of a library into the one schema 3 wrote: no
    ``passages.text_sha256`` (nor its index), ``schema_version`` 3 in a manifest whose checksums
    match, and ``CURRENT`` naming that manifest. Returns the generation's folder."""
    import json
    import sqlite3

    from assistant.library import store
    from assistant.library.generations import generation_dir, read_current

    pointer = read_current(index_dir)
    assert pointer is not None
    folder = generation_dir(index_dir, pointer["generation"])
    db = sqlite3.connect(folder / store.DB_FILE, isolation_level=None)
    db.execute("DROP INDEX passages_text_sha")
    db.execute("ALTER TABLE passages DROP COLUMN text_sha256")
    db.execute("VACUUM")
    db.close()
    path = folder / store.MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["schema_version"] = 3
    for name in manifest["files"]:
        manifest["files"][name] = {
            "sha256": store.sha256_file(folder / name),
            "bytes": (folder / name).stat().st_size,
        }
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    pointer["manifest_sha256"] = store.sha256_file(path)
    (index_dir / "CURRENT").write_text(json.dumps(pointer) + "\n", encoding="utf-8")
    return folder


def run_scripts_start(tmp_path: Path, index_dir: Path) -> tuple[subprocess.CompletedProcess[str], bool]:
    """scripts/start itself on ``index_dir``, with setup, OCR install and streamlit stubbed out:
    (what it did, whether it started the app)."""
    import os
    import shutil
    import sys

    root = tmp_path / "root"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "start", root / "scripts" / "start")
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    started = tmp_path / "started"
    stubs = {
        root / "scripts" / "setup": "#!/bin/sh\nexit 0\n",
        root / "scripts" / "install-ocr": "#!/bin/sh\nexit 0\n",
        bin_dir / "python": f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" "$@"\n',
        bin_dir / "streamlit": f"#!/bin/sh\ntouch {started}\n",
    }
    for path, text in stubs.items():
        path.write_text(text)
        path.chmod(0o755)
    done = subprocess.run(
        ["bash", str(root / "scripts" / "start")],
        env={**os.environ, "ASSISTANT_INDEX_DIR": str(index_dir)},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return done, started.exists()


def plain_theme_passages(
    library: Library, theme: str, per_document: int | None = None, limit: int | None = None,
    doc_ids: set[str] | None = None,
) -> list[Passage]:  # fmt: skip
    """The passages of a theme read the slow, obvious way (every tag sorted in Python): what
    :meth:`Library.theme_passages`, kept per generation, must equal."""
    scored = library.db.execute(
        "SELECT pt.passage_id, pt.score, p.doc_id FROM passage_themes pt"
        " JOIN passages p ON p.id = pt.passage_id WHERE pt.theme = ?",
        (theme,),
    ).fetchall()
    taken: dict[str, int] = {}
    ids: list[int] = []
    for passage_id, _, doc_id in sorted(scored, key=lambda row: (-row[1], row[0])):
        if doc_ids is not None and doc_id not in doc_ids:
            continue
        if limit is not None and len(ids) >= limit:
            break
        if per_document is None or taken.get(doc_id, 0) < per_document:
            taken[doc_id] = taken.get(doc_id, 0) + 1
            ids.append(passage_id)
    return library.passages(ids)
