"""Corrections to what a document says it is: kept with the library, surviving rebuild, revertible."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main as cli
from assistant.documents.doc_metadata import edits
from assistant.errors import BadEdit, NotFound
from assistant.library import Library
from assistant.library.editing import edit
from assistant.library.ingest import rebuild

EXISTING_KEYS = {
    "doc_id", "title", "source", "kind", "sha256", "status", "error", "passages", "pages", "subject",
    "partnership", "partnership_short", "review_type", "published", "added", "warnings", "year", "citation",
}  # fmt: skip


def _doc(settings, doc_id="child-i-hscb"):
    library = Library.open(settings.index_dir)
    try:
        return library.document(doc_id)
    finally:
        library.close()


def test_an_edit_survives_rebuild_and_can_be_reverted(seeds_library, fake_embedder):
    settings = seeds_library
    read = _doc(settings)
    assert read.published == "" and read.field_sources["subject"] == "front matter"
    changes = {"published": "01/06/2016", "age_groups": ["baby", "adult"]}
    edit(settings, "child-i-hscb", changes, by="ann", embedder=lambda: fake_embedder)
    edited = _doc(settings)
    assert edited.published == "2016-06-01" and edited.year == 2016
    assert edited.age_groups == ("baby", "adult")
    assert edited.field_sources["published"] == "edited" and edited.edited["published"]["by"] == "ann"
    assert edited.edited["published"]["when"]

    reports = rebuild(settings, fake_embedder)
    assert {r.status for r in reports} == {"added"}
    rebuilt = _doc(settings)
    assert rebuilt.published == "2016-06-01" and rebuilt.field_sources["published"] == "edited"
    assert rebuilt.age_groups == ("baby", "adult")

    edit(settings, "child-i-hscb", revert=["published"])
    reverted = _doc(settings)
    assert reverted.published == "" and "published" not in reverted.field_sources
    assert reverted.age_groups == ("baby", "adult")  # the other edit stays
    assert "published" not in edits.load(settings.index_dir)[reverted.sha256]


@pytest.mark.parametrize(
    ("changes", "revert", "message"),
    [
        ({"colour": "red"}, [], "unknown field 'colour'"),
        ({"published": "31/02/2019"}, [], "not a date"),
        ({"published": "2099-01-01"}, [], "in the future"),
        ({"age_groups": ["toddler"]}, [], "unknown age group"),
        ({}, ["colour"], "unknown field"),
        ({}, [], "nothing to change"),
    ],
)
def test_a_bad_edit_changes_nothing(seeds_library, changes, revert, message):
    before = _doc(seeds_library, "child-j-hscp-2019")
    with pytest.raises(BadEdit, match=message):
        edit(seeds_library, "child-j-hscp-2019", changes, revert)
    assert _doc(seeds_library, "child-j-hscp-2019") == before
    assert not (seeds_library.index_dir / edits.EDITS_FILE).exists()


def test_editing_an_unknown_document_is_refused(seeds_library):
    with pytest.raises(NotFound):
        edit(seeds_library, "no-such-doc", {"title": "x"})


def test_cli_edit_and_docs_json(seeds_library, capsys, fake_embedder):
    index = str(seeds_library.index_dir)
    code = cli.main(["edit", "child-j-hscp-2019", "--subject", "Child J (edited)", "--age-group", "baby",
                     "--index", index], embedder=fake_embedder)  # fmt: skip
    assert code == 0
    assert cli.main(["edit", "child-j-hscp-2019", "--published", "not a date", "--index", index]) == 2
    assert "not a date" in capsys.readouterr().err
    assert cli.main(["docs", "--json", "--index", index]) == 0
    docs = {d["doc_id"]: d for d in json.loads(capsys.readouterr().out)["documents"]}
    j = docs["child-j-hscp-2019"]
    assert EXISTING_KEYS <= set(j) and isinstance(j["year"], int) and isinstance(j["warnings"], list)
    assert j["subject"] == "Child J (edited)" and j["field_sources"]["subject"] == "edited"
    assert j["field_sources"]["partnership"] == "front matter"
    assert j["age_groups"] == ["baby"] and j["url"] == "" and "case" in j
    assert j["name"] == "Child J (edited), Hertfordshire SCP, December 2019"
