"""Uploads: safe names, type by content, size limits, nothing written outside the upload folder."""

from __future__ import annotations

import pytest

from assistant.documents.uploads import accept, safe_name
from assistant.errors import IngestError

from .support import CORPUS


@pytest.mark.parametrize(
    "given, safe",
    [
        ("../../etc/passwd.md", "passwd.md"),
        ("..\\..\\Windows\\evil.pdf", "evil.pdf"),
        ("/absolute/review.docx", "review.docx"),
        ("child\x00j\x1f.md", "child_j_.md"),
        (".hidden.md", "hidden.md"),
        ("Révision – Child J.PDF", "Révision – Child J.pdf"),
        ("", "upload"),
    ],
)
def test_safe_names(given, safe):
    assert safe_name(given) == safe


def test_an_upload_is_written_only_inside_its_folder(tmp_path, settings):
    folder = tmp_path / "uploads"
    data = (CORPUS / "child-i-hscb.md").read_bytes()
    path, shown = accept("../../outside.md", data, folder, settings)
    assert path.parent == folder and shown == "outside.md"
    assert not (tmp_path / "outside.md").exists()
    again, _ = accept("outside.md", data, folder, settings)
    assert again != path and again.parent == folder  # never overwrites another upload


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("review.pdf", b"<!DOCTYPE html><html>login page</html>", "not a PDF"),
        ("review.docx", b"plain words", "not a Word document"),
        ("notes.exe", b"MZ\x90\x00", "unsupported file type"),
        ("empty.md", b"", "empty file"),
    ],
)
def test_bad_uploads_are_refused_by_name(tmp_path, settings, name, data, reason):
    with pytest.raises(IngestError, match=reason) as caught:
        accept(name, data, tmp_path, settings)
    assert caught.value.name == name
    assert not any(tmp_path.iterdir())  # nothing written


def test_an_oversized_upload_is_refused_before_it_is_written(tmp_path, settings):
    small = settings.replace(max_file_mb=1)
    with pytest.raises(IngestError, match="too large"):
        accept("big.txt", b"a" * (1024 * 1024 + 1), tmp_path, small)
    assert not any(tmp_path.iterdir())
