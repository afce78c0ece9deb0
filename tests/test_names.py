"""Names from outside: long names, names that give the same id, control characters."""

from __future__ import annotations

import pytest

from assistant.documents.names import fit_bytes, printable
from assistant.documents.uploads import accept
from assistant.library import Library
from assistant.library.ingest import ingest

from .support import CORPUS

TEXT = "# {title}\n\nThe partnership reviewed how agencies shared information about {title}.\n"


def _write(path, title):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEXT.format(title=title), encoding="utf-8")
    return path


@pytest.mark.parametrize("stem_bytes", [246, 247, 248, 249, 250])  # + ".md": 248-252... 255 bytes in all
def test_a_file_name_of_up_to_255_bytes_is_read_and_the_batch_goes_on(
    settings, fake_embedder, tmp_path, stem_bytes
):
    long = _write(tmp_path / "in" / ("a" * (stem_bytes + 2) + ".md"), "long name")
    reports = ingest([long, CORPUS / "child-i-hscb.md"], settings, fake_embedder)
    assert [r.status for r in reports] == ["added", "added"]
    assert len(reports[0].name.encode()) <= 200
    lib = Library.open(settings.index_dir)
    assert lib.source_file(reports[0].doc_id) is not None  # the original is kept
    assert lib.check() == []


def test_an_upload_name_of_85_cjk_characters_is_accepted_and_ingested(settings, fake_embedder, tmp_path):
    data = (CORPUS / "child-i-hscb.md").read_bytes()
    path, shown = accept("審" * 85 + ".md", data, tmp_path / "uploads", settings)  # 259 bytes
    assert path.exists() and len(shown.encode()) <= 200 and shown.endswith(".md")
    reports = ingest([path], settings, fake_embedder, names={path: shown})
    assert [r.status for r in reports] == ["added"]


def test_fit_bytes_never_cuts_a_character_and_keeps_the_suffix():
    name = fit_bytes("é" * 150 + ".docx", 100)
    assert len(name.encode()) <= 100 and name.endswith(".docx") and "\ufffd" not in name


def test_two_files_whose_names_give_the_same_id_are_both_kept(settings, fake_embedder, tmp_path):
    kent = _write(tmp_path / "kent" / "response.md", "Kent")
    herts = _write(tmp_path / "herts" / "response.md", "Hertfordshire")
    reports = ingest([kent, herts], settings, fake_embedder)
    assert [r.status for r in reports] == ["added", "added"]
    ids = [r.doc_id for r in reports]
    assert ids[0] == "response" and ids[1].startswith("response-") and ids[0] != ids[1]
    lib = Library.open(settings.index_dir)
    assert {d.doc_id for d in lib.documents() if d.status == "indexed"} == set(ids)


def test_another_name_with_the_same_id_never_replaces_a_document(settings, fake_embedder, tmp_path):
    first = _write(tmp_path / "a" / "Child J response.md", "Child J")
    second = _write(tmp_path / "b" / "child-j_response.md", "another review")
    assert [r.status for r in ingest([first], settings, fake_embedder)] == ["added"]
    [report] = ingest([second], settings, fake_embedder)
    assert report.status == "added" and report.doc_id != "child-j-response"
    lib = Library.open(settings.index_dir)
    assert len([d for d in lib.documents() if d.status == "indexed"]) == 2


def test_a_new_version_of_the_same_file_still_replaces_it(settings, fake_embedder, tmp_path):
    path = _write(tmp_path / "response.md", "first")
    ingest([path], settings, fake_embedder)
    _write(path, "second version")
    [report] = ingest([path], settings, fake_embedder)
    assert (report.status, report.doc_id) == ("replaced", "response")


def test_the_same_content_twice_in_one_batch_is_stored_once(settings, fake_embedder, tmp_path):
    one = _write(tmp_path / "one" / "review.md", "twins")
    two = _write(tmp_path / "two" / "copy.md", "twins")
    reports = {r.name: r for r in ingest([one, two], settings, fake_embedder)}
    assert (reports["review.md"].status, reports["copy.md"].status) == ("added", "unchanged")
    assert "earlier in this batch" in reports["copy.md"].reason


def test_control_characters_in_a_name_are_never_stored_or_shown(settings, fake_embedder, tmp_path):
    path = _write(tmp_path / "evil\x1b[2J\x1b]0;owned\x07\u202e.md", "escape")
    [report] = ingest([path], settings, fake_embedder)
    assert report.status == "added"
    assert not any(ch in report.name for ch in "\x1b\x07\u202e")
    [document] = Library.open(settings.index_dir).documents()
    assert "\x1b" not in document.source and "\x1b" not in document.title
    assert printable("a\x9bb\udcff") == "a?b\ufffd"


def test_ids_stay_unique_however_many_files_share_a_name():
    from assistant.documents.names import DocIds

    held = {"response": "response.md", "response-aaaaaaaa": "other.md"}
    ids = DocIds(held.get)
    given = [ids.assign("response", f"{n}/response.md" if n else "other.md", "a" * 64) for n in range(5)]
    assert len(set(given) | set(held)) == len(given) + len(held)
