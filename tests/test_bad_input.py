"""Odd, broken and hostile files: each ends in success or a named reason, and the batch goes on.

The real-world PDFs come from ``../shared/testdata/pdf-samples`` (see its MANIFEST.md).
"""

from __future__ import annotations

import os
import re
import shutil
import time
import unicodedata
import zlib
from pathlib import Path

import pytest

from assistant.documents import ocr
from assistant.documents.cleaning import CONTROL, clean_pages
from assistant.documents.readers import read
from assistant.errors import IngestError
from assistant.library import Library
from assistant.library.ingest import ingest, prepare

from .support import CORPUS, PDF_SAMPLES, FakeEmbedder, require_shared

SAMPLES = sorted(PDF_SAMPLES.glob("*/*.pdf")) or [PDF_SAMPLES / "missing.pdf"]
SLOW = {"GeoTopo-komprimiert.pdf"}  # 117 pages: 5-10 s

# What should happen to the files whose outcome matters: a reason, or None for success.
EXPECTED = {
    "libreoffice-writer-password.pdf": "password-protected",
    "imagemagick-CCITTFaxDecode.pdf": "no text layer",
    "cmyk-image.pdf": "no text layer",
    "imagemagick-images.pdf": "no text layer",
    # opens with an empty password; no text layer, but page 2 is a scanned patent: read by OCR
    "encrypted_doc_no_id.pdf": None if ocr.missing() is None else "no text layer",
    "unreadablemetadata.pdf": "corrupt",
    "issue-297.pdf": None,  # broken xref table, repaired
    "r6-user-password.pdf": None,  # AES-256: needs `cryptography`
    "minimal-document.pdf": None,
    "pdflatex-4-pages.pdf": None,
    "habibi.pdf": None,
    "GeoTopo-komprimiert.pdf": None,
}
HABIBI = "\u062d\u064e\u0628\u064a\u0628\u064a"  # حَبيبي


def sample(name: str) -> Path:
    matches = list(require_shared(PDF_SAMPLES).glob(f"*/{name}"))
    assert len(matches) == 1, f"{name} should be in {PDF_SAMPLES} once"
    return matches[0]


def attempt(path: Path, settings, name: str | None = None):
    """(document, text, passages) or the IngestError, and the seconds it took."""
    started = time.monotonic()
    try:
        outcome = prepare(path, "f" * 64, settings, name)
    except IngestError as exc:
        outcome = exc
    return outcome, time.monotonic() - started


def expect_failure(path: Path, settings, reason: str, name: str | None = None) -> IngestError:
    outcome, _ = attempt(path, settings, name)
    assert isinstance(outcome, IngestError), f"{path.name} should fail with {reason!r}"
    assert reason in outcome.reason
    assert outcome.name == (name or path.name)
    return outcome


def test_the_expected_samples_are_all_here():
    names = {p.name for p in require_shared(PDF_SAMPLES).glob("*/*.pdf")}
    assert set(EXPECTED) <= names
    assert len(names) == 24  # MANIFEST.md lists 24 PDFs


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, id=p.name, marks=[pytest.mark.slow] if p.name in SLOW else []) for p in SAMPLES],
)
def test_every_sample_ends_in_success_or_a_named_reason_in_time(path, settings):
    require_shared(path)
    outcome, seconds = attempt(path, settings)
    assert seconds < 2 * settings.pdf_timeout_s  # the PDF reader's limit, plus cleaning and cutting
    if isinstance(outcome, IngestError):
        assert outcome.name == path.name
        assert re.fullmatch(r"[a-z][^\n]{4,}", outcome.reason), outcome.reason
        assert "took too long" not in outcome.reason  # none of these needs 30 s
        assert EXPECTED.get(path.name, "any reason") is not None, f"{path.name}: {outcome.reason}"
        if EXPECTED.get(path.name):
            assert EXPECTED[path.name] in outcome.reason
        return
    assert path.name not in EXPECTED or EXPECTED[path.name] is None, f"{path.name} should have failed"
    document, text, passages = outcome
    assert document.status == "indexed" and document.kind == "pdf"
    assert passages and all(p.text.strip() for p in passages)
    assert not CONTROL.search(text), "control characters left after cleaning"
    assert unicodedata.is_normalized("NFC", text)
    assert all(1 <= p.page_start <= p.page_end <= document.pages for p in passages)


def test_minimal_document_cites_page_1(settings):
    document, _, passages = prepare(sample("minimal-document.pdf"), "0" * 64, settings)
    assert document.pages == 1
    assert {(p.page_start, p.page_end) for p in passages} == {(1, 1)}


def test_pdflatex_passages_point_at_their_pages(settings):
    document, text, passages = prepare(sample("pdflatex-4-pages.pdf"), "0" * 64, settings)
    source = read(sample("pdflatex-4-pages.pdf"), settings)
    assert document.pages == 4 and len(source.pages) == 4
    assert {p.page_start for p in passages} | {p.page_end for p in passages} == {1, 2, 3, 4}
    for p in passages:  # a passage's first words are on the page it cites as its start
        words = " ".join(p.text.split()[:4])
        page = " ".join(source.pages[p.page_start - 1].text.split())
        assert words in page, (p.page_start, words)


def test_arabic_text_is_kept_intact(settings):
    _, text, passages = prepare(sample("habibi.pdf"), "0" * 64, settings)
    assert HABIBI in text and "habibi" in text
    assert text == unicodedata.normalize("NFC", text)
    assert HABIBI in passages[0].text
    # the same file with its character map on one line gives the same text
    _, other, _ = prepare(sample("habibi-oneline-cmap.pdf"), "1" * 64, settings)
    assert other == text


def test_rotated_pages_all_keep_their_text(settings):
    document, text, _ = prepare(sample("habibi-rotated.pdf"), "0" * 64, settings)
    assert document.pages == 4
    assert text.count(HABIBI) == 8  # twice on each of the four pages


def test_repaired_file_keeps_the_repair_warning(settings):
    document, text, _ = prepare(sample("issue-297.pdf"), "0" * 64, settings)
    assert "test example" in text
    assert document.warnings, "the repair of the broken xref table should be recorded"


def test_aes_256_file_opens_with_the_empty_password(settings):
    pytest.importorskip("cryptography")  # a declared dependency; without it the reason is named
    _, text, _ = prepare(sample("r6-user-password.pdf"), "0" * 64, settings)
    assert len(text) > 20


@pytest.mark.slow
def test_slow_noisy_file_is_read_whole_and_clean(settings):
    source = read(sample("GeoTopo-komprimiert.pdf"), settings)
    assert [p.number for p in source.pages] == list(range(1, 118))
    assert source.meta["title"] == "Geometrie und Topologie"
    assert any(CONTROL.search(p.text) for p in source.pages)  # the raw text has them ...
    pages = clean_pages(source.pages)
    assert not any(CONTROL.search(p.text) for p in pages)  # ... the clean text has none
    assert sum(len(p.text) for p in pages) > 100_000
    assert 1 <= len(source.warnings) <= 6  # thousands of font warnings are summarised


# -- files built here -----------------------------------------------------------------------------


def test_zero_byte_file(tmp_path, settings):
    (tmp_path / "empty.pdf").write_bytes(b"")
    expect_failure(tmp_path / "empty.pdf", settings, "empty file")


def test_truncated_pdf_fails_with_a_reason_or_reads_what_is_there(tmp_path, settings):
    data = sample("pdflatex-4-pages.pdf").read_bytes()
    path = tmp_path / "cut-off.pdf"
    path.write_bytes(data[: len(data) // 2])
    outcome, seconds = attempt(path, settings)
    assert seconds < settings.pdf_timeout_s
    if isinstance(outcome, IngestError):
        assert outcome.name == "cut-off.pdf"
        assert "corrupt" in outcome.reason or "no text" in outcome.reason
    else:
        assert outcome[2], "a truncated file read as a success must still give passages"


def test_html_page_named_pdf(tmp_path, settings):
    path = tmp_path / "review.pdf"
    path.write_text("<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>")
    error = expect_failure(path, settings, "not a PDF")
    assert "HTML" in error.reason


def test_decompression_bomb_is_stopped(tmp_path, settings):
    """A page whose half-megabyte content stream inflates to 120 MB of zeros."""
    packer, megabyte = zlib.compressobj(1), b"\0" * (1 << 20)
    bomb = b"".join(packer.compress(megabyte) for _ in range(120)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
    ]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += xref + b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % len(data)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(data)
    for limited in (settings, settings.replace(pdf_memory_mb=150)):  # pypdf's own cap, then ours
        outcome, seconds = attempt(path, limited)
        assert isinstance(outcome, IngestError)
        assert seconds < settings.pdf_timeout_s
        assert re.search("memory|corrupt|no text layer|no readable text", outcome.reason)


# -- limits ---------------------------------------------------------------------------------------


def test_time_limit(settings):
    started = time.monotonic()
    expect_failure(sample("GeoTopo-komprimiert.pdf"), settings.replace(pdf_timeout_s=0.5), "took too long")
    assert time.monotonic() - started < 3  # the reader is stopped, not waited for


@pytest.mark.parametrize("megabytes", [30, 60])  # Python cannot start / pypdf runs out mid-file
def test_memory_limit_is_a_named_error(settings, megabytes):
    limited = settings.replace(pdf_memory_mb=megabytes)
    expect_failure(sample("GeoTopo-komprimiert.pdf"), limited, "needed more memory than the limit allows")


def test_oversized_file(settings):
    error = expect_failure(sample("GeoTopo-komprimiert.pdf"), settings.replace(max_file_mb=1), "too large")
    assert "the limit is 1 MB" in error.reason


# -- a batch --------------------------------------------------------------------------------------


def test_a_batch_records_bad_files_and_indexes_the_good_ones(tmp_path, settings):
    folder = tmp_path / "uploads"
    folder.mkdir()
    shutil.copy(sample("minimal-document.pdf"), folder / "minimal-document.pdf")
    shutil.copy(CORPUS / "child-i-hscb.md", folder / "child-i-hscb.md")
    shutil.copy(sample("libreoffice-writer-password.pdf"), folder / "locked.pdf")
    shutil.copy(sample("imagemagick-CCITTFaxDecode.pdf"), folder / "scanned.pdf")
    (folder / "zero.pdf").write_bytes(b"")
    (folder / "web-page.pdf").write_text("<html><body>Page moved</body></html>")
    bad = {
        "locked.pdf": "password-protected",
        "scanned.pdf": "no text layer",
        "zero.pdf": "empty file",
        "web-page.pdf": "not a PDF",
    }

    reports = {r.name: r for r in ingest([folder], settings, FakeEmbedder())}

    assert set(reports) == set(bad) | {"minimal-document.pdf", "child-i-hscb.md"}
    for name, reason in bad.items():
        assert reports[name].status == "failed" and reports[name].failed
        assert reason in reports[name].reason
        assert reports[name].passages == 0
    for name in ("minimal-document.pdf", "child-i-hscb.md"):
        assert reports[name].status == "added" and reports[name].reason is None
        assert reports[name].passages > 0

    library = Library.open(settings.index_dir)
    try:
        documents = {d.source: d for d in library.documents()}
        assert set(documents) == set(reports)
        for name, reason in bad.items():
            document = documents[name]
            assert document.status == "failed" and reason in document.error
            assert document.passages == 0 and library.passages(doc_id=document.doc_id) == []
        indexed = {d.source for d in documents.values() if d.status == "indexed"}
        assert indexed == {"minimal-document.pdf", "child-i-hscb.md"}
        with_passages = {p.doc_id for p in library.passages()}
        assert with_passages == {documents[name].doc_id for name in indexed}
    finally:
        library.close()


def test_a_file_name_that_is_not_utf8_does_not_stop_the_batch(tmp_path, settings):
    folder = tmp_path / "batch"
    folder.mkdir()
    odd = os.fsdecode(b"review-\xff.md")
    (folder / odd).write_text("# Review\n\nRecommendation 1: Schools should share attendance concerns.\n")
    shutil.copy(CORPUS / "child-i-hscb.md", folder)
    reports = ingest([folder], settings, FakeEmbedder())
    assert sorted(r.status for r in reports) == ["added", "added"]
    assert "review-\ufffd.md" in {r.name for r in reports}
    assert Library.open(settings.index_dir).check() == []
