"""Scanned pages are read by OCR (Tesseract), marked, and reported when they cannot be read.

The scans are made here: the seed response is printed to PDF, its pages rendered to images,
skewed, turned upside down or spoiled, and saved as a PDF of pictures with no text layer.
Tests that need Tesseract skip, saying so, when it is not installed (scripts/install-ocr).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from assistant.cli import main as cli
from assistant.documents import ocr, scanned
from assistant.documents.readers import read
from assistant.errors import IngestError
from assistant.library import Library
from assistant.library.ingest import ingest, prepare
from assistant.records import Passage
from assistant.search.searcher import Searcher

from .support import FakeEmbedder, seed_pdf

needs_tesseract = pytest.mark.skipif(
    ocr.missing() is not None, reason=f"Tesseract is not installed: {ocr.missing()}"
)


def page_images(pdf: Path, dpi: int = 200) -> list[Image.Image]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    return [
        document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(document))
    ]


def save_scan(images: list[Image.Image], path: Path, dpi: int = 200) -> Path:
    """A PDF of pictures only, as a scanner makes it."""
    images[0].save(path, save_all=True, append_images=images[1:], resolution=dpi)
    return path


def text_page_then(path: Path, picture: Image.Image, tmp_path: Path) -> Path:
    """A two-page PDF: page 1 of the seed response with its text layer, then ``picture``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(seed_pdf(tmp_path / "seed.pdf")).pages[0])
    writer.add_page(PdfReader(save_scan([picture], tmp_path / "picture.pdf")).pages[0])
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def photograph(width: int = 1400, height: int = 1000, seed: int = 3) -> Image.Image:
    """A picture with no writing: smooth light and shade, like a photograph of a room."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, size=(height // 50, width // 50), dtype=np.uint8)
    image = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    return image.filter(ImageFilter.GaussianBlur(6))


@pytest.fixture
def settings(settings):
    """The scans made here are 200 dpi: read them at that resolution (the default is 300)."""
    return settings.replace(ocr_dpi=200)


@pytest.fixture(scope="module")
def scanned_response(tmp_path_factory) -> Path:
    """The seed response's pages 2 and 3 (recommendations 1-5) as a two-page scan: page 1 a
    little skewed, page 2 fed upside down, both with speckle."""
    folder = tmp_path_factory.mktemp("scan")
    pages = page_images(seed_pdf(folder / "seed.pdf"))[1:3]
    rng = np.random.default_rng(15)
    spoiled = []
    for n, image in enumerate(pages):
        image = image.rotate(1.2, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        if n == 1:
            image = image.rotate(180)
        pixels = np.asarray(image).copy()
        pixels[rng.random(pixels.shape) < 0.002] = 0
        spoiled.append(Image.fromarray(pixels))
    return save_scan(spoiled, folder / "scanned-response.pdf")


# -- pure parts -----------------------------------------------------------------------------------


def test_page_ranges_read_as_people_write_them():
    assert ocr.page_ranges([5, 4]) == "pages 4-5"
    assert ocr.page_ranges([2]) == "page 2"
    assert ocr.page_ranges([1, 3, 4, 5, 9]) == "pages 1, 3-5, 9"


def test_passages_carry_the_lowest_confidence_of_the_ocr_pages_they_span():
    def passage(start: int, end: int) -> Passage:
        return Passage("d", "t", "s", None, start, end, 0, 1, "x")

    marked = scanned.mark([passage(1, 1), passage(1, 2), passage(2, 3), passage(3, 3)], {2: 91.0, 3: 88.5})
    assert [p.ocr_confidence for p in marked] == [None, 91.0, 88.5, 88.5]


# -- a scanned response, end to end ---------------------------------------------------------------


@needs_tesseract
def test_a_scanned_response_is_ingested_searched_and_cited_as_read_by_ocr(scanned_response, settings, capsys):
    reports = ingest([scanned_response], settings, FakeEmbedder())
    assert [(r.status, r.reason) for r in reports] == [("added", None)], reports
    assert any(w.startswith("pages 1-2 read by OCR (confidence") for w in reports[0].warnings)

    library = Library.open(settings.index_dir)
    document = library.documents()[0]
    assert document.ocr_pages == 2 and document.pages == 2
    passages = library.passages(doc_id=document.doc_id)
    assert {p.recommendation for p in passages} == {1, 2, 3, 4, 5}
    assert all(p.ocr_confidence is not None and p.ocr_confidence >= 70 for p in passages)
    on_page = {p.recommendation: p.page_start for p in passages}
    assert on_page == {1: 1, 2: 1, 3: 2, 4: 2, 5: 2}  # page 2 was upside down

    hits = Searcher(library, FakeEmbedder()).search("modular parenting assessment Family Safeguarding Team")
    top = hits[0]
    assert top.passage.recommendation == 3 and top.page == 2
    assert "modular" in top.passage.text and "parenting assessment" in top.passage.text
    assert top.citation.startswith(f"{document.cite()}: Recommendation 3, page 2 (read by OCR, confidence ")
    assert top.to_dict()["ocr_confidence"] == top.passage.ocr_confidence

    assert cli.main(["docs", "--index", str(settings.index_dir)]) == 0
    assert "2 pages read by OCR" in capsys.readouterr().out


@needs_tesseract
def test_scanned_pages_are_read_before_the_library_is_locked(scanned_response, settings, monkeypatch):
    from filelock import FileLock

    calls = []
    real = ocr.read_pages

    def watched(jobs, settings_):
        jobs = list(jobs)
        if jobs:  # the writer's lock must be free while Tesseract works
            with FileLock(str(settings.index_dir / ".lock"), timeout=0):
                calls.append([n for _, n in jobs])
        return real(jobs, settings_)

    settings.index_dir.mkdir(parents=True)
    monkeypatch.setattr(ocr, "read_pages", watched)
    reports = ingest([scanned_response], settings, FakeEmbedder())
    assert reports[0].status == "added"
    assert calls == [[1, 2]]  # once, ahead; the reader then used what was read


# -- mixed, photographs, low confidence -----------------------------------------------------------


@needs_tesseract
def test_a_mixed_pdf_keeps_its_text_layer_and_reads_only_the_scanned_page(
    scanned_response, settings, tmp_path
):
    picture = page_images(scanned_response)[0]  # recommendations 1-2, as scanned
    mixed = text_page_then(tmp_path / "mixed.pdf", picture, tmp_path)
    source = read(mixed, settings)
    text_layer = read(seed_pdf(tmp_path / "again.pdf"), settings).pages[0].text
    assert source.pages[0].text == text_layer  # page 1 untouched
    assert set(source.ocr_pages) == {2}
    assert "Recommendation 1" in source.pages[1].text
    document, _, passages = prepare(mixed, "0" * 64, settings)
    assert document.ocr_pages == 1
    assert {p.ocr_confidence is None for p in passages if p.page_end == 1} == {True}
    assert all(p.ocr_confidence for p in passages if p.page_start == 2)


@needs_tesseract
def test_a_page_that_is_only_a_photograph_is_reported_and_the_rest_indexed(settings, tmp_path):
    mixed = text_page_then(tmp_path / "with-photo.pdf", photograph(), tmp_path)
    reports = ingest([mixed], settings, FakeEmbedder())
    assert reports[0].status == "added"
    assert "page 2 shows no text that OCR could find (a picture?)" in reports[0].warnings
    document = Library.open(settings.index_dir).documents()[0]
    assert document.ocr_pages == 0

    only = save_scan([photograph()], tmp_path / "photo.pdf")
    with pytest.raises(IngestError) as caught:
        read(only, settings)
    assert caught.value.reason == (
        "no text layer, and OCR could not read it: page 1 shows no text that OCR could find (a picture?);"
        " not indexed"
    )


@needs_tesseract
def test_pages_below_the_confidence_threshold_are_reported_and_not_indexed(scanned_response, settings):
    strict = settings.replace(ocr_min_confidence=99.5)
    with pytest.raises(IngestError) as caught:
        prepare(scanned_response, "0" * 64, strict)
    assert "pages 1-2 could not be read reliably by OCR (confidence " in caught.value.reason


# -- limits ---------------------------------------------------------------------------------------


@needs_tesseract
def test_the_time_limit_stops_ocr_of_a_huge_page(settings, tmp_path):
    """A 60 x 60 inch poster covered in small print: cut off at the page's time budget."""
    rng = np.random.default_rng(1)
    tile = page_images(seed_pdf(tmp_path / "seed.pdf"), dpi=100)[2]
    poster = Image.new("L", (tile.width * 7, tile.height * 5), 255)
    for x in range(7):
        for y in range(5):
            poster.paste(
                tile.rotate(float(rng.uniform(-2, 2)), fillcolor=255), (x * tile.width, y * tile.height)
            )
    huge = save_scan([poster], tmp_path / "poster.pdf", dpi=int(poster.width / 60))
    quick = settings.replace(ocr_page_timeout_s=2)
    started = time.monotonic()
    page = ocr.read_page(huge, 1, quick)
    assert time.monotonic() - started < 15
    assert page.outcome == "failed" and page.reason == "took too long (over 2 s)"
    assert not [p for p in Path("/proc").glob("[0-9]*") if _runs(p, str(huge))], "a reader was left running"
    with pytest.raises(IngestError, match=r"page 1 could not be read by OCR \(took too long \(over 2 s\)\)"):
        read(huge, quick)


def _runs(proc: Path, needle: str) -> bool:
    try:
        return needle in (proc / "cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return False


# -- without OCR ----------------------------------------------------------------------------------


@pytest.fixture
def no_tesseract(tmp_path, monkeypatch):
    """Tesseract missing: a PATH where it cannot be found (Python itself is called by full path)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(ocr, "_checked", {})


def test_without_tesseract_a_scan_is_refused_saying_how_to_install_it(
    scanned_response, settings, no_tesseract
):
    assert ocr.missing() is not None
    with pytest.raises(IngestError) as caught:
        read(scanned_response, settings)
    assert caught.value.reason == (
        "no text layer (probably scanned; OCR is not installed (no tesseract program); to read scanned"
        " pages run scripts/install-ocr, or: sudo apt-get install tesseract-ocr tesseract-ocr-eng"
        " tesseract-ocr-osd); not indexed"
    )


def test_without_tesseract_a_mixed_pdf_is_indexed_with_a_warning(settings, tmp_path, no_tesseract):
    mixed = text_page_then(tmp_path / "mixed.pdf", photograph(), tmp_path)
    source = read(mixed, settings)
    assert source.ocr_pages == {}
    assert any(
        w.startswith("1 page was without a text layer, not read (OCR is not installed")
        for w in source.warnings
    )


def test_the_ocr_setting_turns_it_off(scanned_response, settings):
    with pytest.raises(IngestError, match=r"OCR is turned off; ASSISTANT_OCR=on reads them"):
        read(scanned_response, settings.replace(ocr="off"))


def test_a_worker_that_cannot_start_tesseract_names_it(tmp_path, scanned_response):
    env = {**os.environ, "PATH": str(tmp_path)}
    import subprocess
    import sys

    worker = [sys.executable, "-m", "assistant.documents.ocr_worker", "1024", "30"]
    done = subprocess.run(
        [*worker, "page", str(scanned_response), "1", "100"],
        capture_output=True, env=env, cwd=Path(ocr.__file__).parents[2], check=True,
    )  # fmt: skip
    assert b'"error": "cannot run tesseract"' in done.stdout


# -- the shared samples without a text layer: what each really holds --------------------------------

PICTURES_ONLY = {
    "cmyk-image.pdf": "page 1 shows",  # a photograph from an aeroplane window: no writing
    "imagemagick-CCITTFaxDecode.pdf": "page 1 shows",  # a 4 x 4 point fax-coded speck
    "imagemagick-images.pdf": "pages 1-6 show",  # six 4 x 4 point pictures
    "inline-image.pdf": "page 1 shows",  # a smiley; its text layer holds only "Test"
}


@needs_tesseract
@pytest.mark.parametrize("name", sorted(PICTURES_ONLY))
def test_samples_that_are_only_pictures_are_reported_as_such(name, settings):
    from .test_bad_input import sample

    with pytest.raises(IngestError) as caught:
        read(sample(name), settings)
    assert caught.value.reason == (
        f"no text layer, and OCR could not read it: {PICTURES_ONLY[name]} no text that OCR could find"
        " (a picture?); not indexed"
    )


@needs_tesseract
def test_the_encrypted_sample_with_a_scanned_page_is_read_by_ocr(settings):
    from .test_bad_input import sample

    source = read(sample("encrypted_doc_no_id.pdf"), settings.replace(ocr_dpi=300))
    assert set(source.ocr_pages) == {2}  # pages 1 and 3 are blank
    assert "WO 2003/036426" in source.pages[1].text and "OAPI patent" in source.pages[1].text
