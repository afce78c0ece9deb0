"""Age groups and cases in the library: facets, filters, ranking, one case for several documents."""

from __future__ import annotations

import pytest

from assistant.documents.doc_metadata.ages import UNDER_18, for_themes
from assistant.errors import ModelMismatch
from assistant.library import Library
from assistant.library.ingest import ingest
from assistant.library.theme_queries import passage_ages
from assistant.records import Filters
from assistant.search.searcher import Searcher
from tests.support import FakeEmbedder

REVIEW = """Sandwell Safeguarding Children Partnership

Local Child Safeguarding Practice Review: Baby F

Published 14 March 2023

Baby F was eight weeks old when she was taken to hospital. Her mother had a history of self-harm;
self-harm and repeated self-harm were known to her GP, and self-harm was not shared.
"""
RESPONSE = """Sandwell Safeguarding Children Partnership Response to the LCSPR on Baby F

The partnership accepts the recommendations about information sharing between health visitors.

01/05/2023
"""
TEEN = """Hertfordshire Safeguarding Children Partnership

Child Safeguarding Practice Review: Child T

Published 2 June 2021

Child T was 15 years old and had been referred to CAMHS after self-harm at school.
"""


@pytest.fixture
def library_settings(tmp_path, settings, fake_embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in (("baby-f.txt", REVIEW), ("baby-f-response.txt", RESPONSE), ("child-t.txt", TEEN)):
        (folder / name).write_text(text, encoding="utf-8")
    assert {r.status for r in ingest([folder], settings, fake_embedder)} == {"added"}
    return settings


@pytest.fixture
def searcher(library_settings, fake_embedder):
    library = Library.open(library_settings.index_dir)
    yield Searcher(library, fake_embedder)
    library.close()


def test_documents_without_front_matter_fill_the_year_and_age_facets(searcher):
    facets = searcher.library.facets()
    assert set(facets["year"]) == {"2021", "2023"}
    assert list(facets["age_group"]) == ["baby", "teenager"]
    docs = {d.doc_id: d for d in searcher.library.documents()}
    assert docs["baby-f"].name == "Baby F, Sandwell SCP, March 2023"
    assert docs["baby-f-response"].published == "2023-05-01"
    assert docs["child-t"].field_sources["published"] == "text"


def test_the_review_and_its_response_are_one_case(searcher):
    assert searcher.library.cases() == {"sandwell/baby-f": ["baby-f", "baby-f-response"]}
    docs = {d.doc_id: d for d in searcher.library.documents()}
    assert docs["child-t"].case == "hertfordshire/child-t"  # alone: not listed as a case


def test_age_group_and_year_range_filters(searcher):
    teen = searcher.search("self-harm", filters=Filters(age_groups=("teenager",)))
    assert {h.document.doc_id for h in teen} == {"child-t"}
    recent = searcher.search("self-harm", filters=Filters(year_from=2022))
    assert {h.document.doc_id for h in recent} <= {"baby-f", "baby-f-response"} and recent
    assert searcher.search("self-harm", filters=Filters(year_from=2021, year_to=2021))[0].document.doc_id == (
        "child-t"
    )
    assert searcher.search("self-harm", filters=Filters(year_to=2020)) == []


def test_a_query_that_names_an_age_group_ranks_that_group_first(searcher):
    assert searcher.search("self-harm", mode="keyword")[0].document.doc_id == "baby-f"
    assert searcher.search("self-harm in teenagers", mode="keyword")[0].document.doc_id == "child-t"
    raw = [h.document.doc_id for h in searcher.search("self-harm shared", mode="keyword")]
    assert raw == ["baby-f", "child-t", "baby-f-response"]
    teen = [h.document.doc_id for h in searcher.search("self-harm shared in teenagers", mode="keyword")]
    assert teen == ["child-t", "baby-f-response", "baby-f"]  # the response's ages are unknown: not moved
    assert searcher.search("self-harm in young people", mode="keyword")[0].document.doc_id in {
        "child-t",
        "baby-f",
    }  # fmt: skip  (young people: every under-18 group, both documents qualify)


def test_cli_age_group_filter(library_settings, capsys, monkeypatch, fake_embedder):
    from assistant.cli import main as cli

    index = str(library_settings.index_dir)
    assert (
        cli.main(
            ["search", "self-harm", "--age-group", "baby", "--json", "--index", index], embedder=fake_embedder
        )
        == 0
    )
    out = capsys.readouterr().out
    assert '"baby-f"' in out and '"child-t"' not in out
    with pytest.raises(SystemExit) as refused:  # argparse: a one-line usage error, exit code 2
        cli.main(["search", "self-harm", "--age-group", "toddler", "--index", index], embedder=fake_embedder)
    assert refused.value.code == 2 and "invalid choice: 'toddler'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("groups", "review_type", "partnership", "expected"),
    [
        (("adult",), "Child Safeguarding Practice Review", "", ("adult",)),  # a stated age decides
        ((), "Local Child Safeguarding Practice Review", "", UNDER_18),
        ((), "Serious Case Review", "Hertfordshire Safeguarding Children Board", UNDER_18),
        ((), "Serious Case Review", "Kent Safeguarding Adults Board", ()),  # SCRs were for adults too
        ((), "Domestic Homicide Review", "Community Safety Partnership", ()),
    ],
)
def test_the_theme_rule_reads_a_childrens_review_of_no_stated_age_as_under_18(
    groups, review_type, partnership, expected
):
    assert for_themes(groups, review_type, partnership) == expected


def test_the_passages_of_a_childrens_review_are_tagged_as_about_a_child(searcher):
    library = searcher.library
    passages = {p.doc_id: p.id for p in library.passages()}
    ids = [passages["baby-f-response"], passages["child-t"]]
    docs = {d.doc_id: d for d in library.documents()}
    assert docs["baby-f-response"].age_groups == ()  # its text states no age
    assert passage_ages(library.db, ids) == [UNDER_18, ("teenager",)]


CARE_HOME = """Prevention of Future Deaths report

Mr A was 83 years of age and lived in a nursing home. He had a fall at the care home and a hip
fracture; the falls assessment was not repeated and care staff did not use bed rails.
"""
CORRECTED = """Mr B, seen by the school nurse when he was aged 15, later had a fall in his care home.
"""


def test_a_better_reading_of_ages_reaches_a_library_without_reading_its_files_again(
    tmp_path, settings, fake_embedder
):
    """A library whose ages were read by an older reading has them read again from the text it
    holds at the next ingest, and the passages of a document whose groups change are tagged again;
    groups corrected by hand stay."""
    from assistant.documents.doc_metadata import ages
    from assistant.library import store, writer
    from assistant.library.editing import edit

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "mr-a.txt").write_text(CARE_HOME, encoding="utf-8")
    (folder / "mr-b.txt").write_text(CORRECTED, encoding="utf-8")
    ingest([folder], settings, fake_embedder)
    edit(settings, "mr-b", {"age_groups": ["older"]}, embedder=lambda: fake_embedder)

    def state() -> tuple[dict[str, tuple[str, ...]], set[str]]:
        library = Library.open(settings.index_dir)
        try:
            groups = {d.doc_id: d.age_groups for d in library.documents()}
            themes = {t for p in library.passages(doc_id="mr-a") for t in library.theme_evidence(p.id)}
            return groups, themes
        finally:
            library.close()

    read_now, themes_now = state()
    assert read_now == {"mr-a": ("older",), "mr-b": ("older",)}
    assert "care_homes_falls" in themes_now
    with writer(settings.index_dir, fake_embedder.name, fake_embedder.dimension) as w:  # as read before
        w.db.execute(
            "UPDATE documents SET meta=json_set(meta, '$.age_groups', json('[\"baby\"]')) WHERE doc_id=?",
            ("mr-a",),
        )
        w.db.execute("UPDATE properties SET value=? WHERE key=?", (str(ages.READER - 1), store.AGES_KEY))
        w.db.execute(  # as tagged for a baby: no care-home theme
            "DELETE FROM passage_themes WHERE passage_id IN (SELECT id FROM passages WHERE doc_id='mr-a')"
        )
        w.changed = True
    assert state() == ({"mr-a": ("baby",), "mr-b": ("older",)}, set())

    ingest([folder], settings, fake_embedder)  # nothing new: the files are not read again
    groups, themes = state()
    assert groups == {"mr-a": ("older",), "mr-b": ("older",)}  # a correction is not the reader's to undo
    assert themes == themes_now


def test_correcting_a_documents_ages_tags_its_passages_again(tmp_path, settings, fake_embedder):
    """The theme rule goes by a document's ages, so a correction to them re-tags its passages: an
    83-year-old's care-home fall corrected to a baby loses 'care homes and falls', and gets it back
    when the correction is reverted. A correction that leaves the ages alone loads no model."""
    from assistant.library.editing import edit

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "mr-a.txt").write_text(CARE_HOME, encoding="utf-8")
    ingest([folder], settings, fake_embedder)

    def themes() -> set[str]:
        library = Library.open(settings.index_dir)
        try:
            return {t for p in library.passages(doc_id="mr-a") for t in library.theme_evidence(p.id)}
        finally:
            library.close()

    assert "care_homes_falls" in themes()
    edit(settings, "mr-a", {"age_groups": ["baby"]}, embedder=lambda: fake_embedder)
    assert "care_homes_falls" not in themes()
    edit(settings, "mr-a", revert=["age_groups"], embedder=lambda: fake_embedder)
    assert "care_homes_falls" in themes()

    def no_model():
        raise AssertionError("a title does not change what the theme rule reads")

    edit(settings, "mr-a", {"title": "Mr A"}, embedder=no_model)

    other = FakeEmbedder()
    other.name = "another-model"  # tags are made from the library's vectors: only its model will do
    with pytest.raises(ModelMismatch, match="was built with fake-hash-embedder"):
        edit(settings, "mr-a", {"age_groups": ["baby"]}, embedder=lambda: other)
    library = Library.open(settings.index_dir)
    assert library.document("mr-a").age_groups == ("older",)  # nothing changed
    library.close()


def test_a_correction_after_the_themes_file_changed_tags_every_passage_with_it(
    tmp_path, settings, fake_embedder
):
    """Tags of one library come from one themes file: a correction made after the file changed
    re-tags every passage with it, not only the corrected document's."""
    from assistant.field.theme_tagger import tagger_for
    from assistant.field.themes import DEFAULT_FILE
    from assistant.library.editing import edit

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "mr-a.txt").write_text(CARE_HOME, encoding="utf-8")
    (folder / "mr-b.txt").write_text(CORRECTED, encoding="utf-8")
    ingest([folder], settings, fake_embedder)
    themes = tmp_path / "themes.toml"
    themes.write_text(DEFAULT_FILE.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    changed = settings.replace(themes_file=themes)
    edit(changed, "mr-a", {"age_groups": ["baby"]}, embedder=lambda: fake_embedder)
    library = Library.open(settings.index_dir)
    try:
        assert library.tagger_signature == tagger_for(changed, fake_embedder).signature
        assert library.tagger_signature != tagger_for(settings, fake_embedder).signature
    finally:
        library.close()
