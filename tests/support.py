"""Helpers the tests share (not fixtures: those are in conftest.py): the project's folders, a
deterministic fake embedder, a real PDF made from a seed review, and a skip for ../shared."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
PDF_SAMPLES = SHARED / "testdata" / "pdf-samples"
PFD = SHARED / "corpora" / "pfd"


class FakeEmbedder:
    """Hashed bag of words: deterministic, instant, and similar texts get similar vectors."""

    name = "fake-hash-embedder"
    dimension = 64

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
