"""One publisher, however its documents spell it: counted once in the filters and the grid, and
found whole by a filter."""

from __future__ import annotations

from assistant.documents.doc_metadata.publishers import key, labels, merged, spellings
from assistant.field.theme_grid import ReviewThemes, build
from assistant.records import Filters

from .support import ingested


def test_spellings_of_one_publisher_share_a_key_and_others_do_not():
    same = [
        ("Derby & Derbyshire", "Derby and Derbyshire"), ("London Inner (North)", "London Inner North"),
        ("West Sussex. 2", "West Sussex"), ("East !London 2", "East London"), ("ESSEX", "Essex"),
    ]  # fmt: skip
    assert all(key(a) == key(b) for a, b in same)
    apart = [
        ("London Inner North", "London Inner South"), ("Essex", "Essex County"),
        ("Hertfordshire Safeguarding Children Board", "Hertfordshire Safeguarding Children Partnership"),
    ]  # fmt: skip
    assert all(key(a) != key(b) for a, b in apart)


def test_a_group_is_named_by_its_commonest_spelling_and_counted_once():
    counts = {"Derby & Derbyshire": 1, "Derby and Derbyshire": 8, "Essex": 20, "Essex 2": 1, "Kent": 3}
    assert labels(counts)["Derby & Derbyshire"] == "Derby and Derbyshire"
    assert merged(counts) == {"Derby and Derbyshire": 9, "Essex": 21, "Kent": 3}
    assert spellings(["Essex"], counts) == ["Essex", "Essex 2"]


def test_the_grid_has_one_column_per_publisher():
    reviews = [ReviewThemes("a", "2021", "West Sussex", (), ("falls",)),
               ReviewThemes("b", "2021", "West Sussex. 2", (), ("falls",)),
               ReviewThemes("c", "2021", "West Sussex", (), ("housing",))]  # fmt: skip
    grid = build(reviews, {"falls": "Falls", "housing": "Housing"}, "publisher")
    assert grid.columns == ("West Sussex",) and grid.reviews("falls", "West Sussex") == ("a", "b")


def test_filters_count_and_find_a_publisher_whole(tmp_path, settings, fake_embedder):
    areas = ("Derby & Derbyshire", "Derby and Derbyshire", "Derby and Derbyshire", "Kent")
    texts = {
        f"r{n}.md": f'---\ntitle: "Report {n}"\npartnership: "{area}"\n---\n\n'
        "A report about falls in care homes.\n"
        for n, area in enumerate(areas)
    }
    library = ingested(tmp_path / "docs", texts, settings, fake_embedder)
    assert library.facets()["partnership"] == {"Derby and Derbyshire": 3, "Kent": 1}  # one passage each
    for chosen in ("Derby and Derbyshire", "Derby & Derbyshire"):
        found = library.filtered_ids(Filters(partnerships=(chosen,)))
        assert {p.doc_id for p in library.passages(sorted(found))} == {"r0", "r1", "r2"}
    library.close()


def test_the_filter_and_the_grid_name_a_publisher_alike(tmp_path, settings, fake_embedder):
    """Named by its documents in both, though here most passages use the other spelling."""
    long = "\n\n".join(f"## Part {n}\n\nFalls in care homes, part {n}. " + "Words. " * 60 for n in range(4))
    texts = {"a": ("Derby & Derbyshire", long), "b": ("Derby and Derbyshire", "One passage on falls."),
             "c": ("Derby and Derbyshire", "One passage on falls.")}  # fmt: skip
    written = {f"{name}.md": f'---\ntitle: "{name}"\npartnership: "{area}"\n---\n\n{body}\n'
               for name, (area, body) in texts.items()}  # fmt: skip
    library = ingested(tmp_path / "docs", written, settings, fake_embedder)
    passages = {d.doc_id: d.passages for d in library.documents()}
    assert passages["a"] > passages["b"] + passages["c"]  # most passages say "&"
    assert list(library.facets()["partnership"]) == ["Derby and Derbyshire"]
    assert library.theme_grid("publisher").columns == ("Derby and Derbyshire",)
    library.close()
