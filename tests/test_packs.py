"""Packs: kept in a store of their own, keyed by content hash and offsets, checked when read back."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from assistant.errors import PackError
from assistant.library import Library
from assistant.library.ingest import ingest, rebuild, remove
from assistant.search.searcher import Searcher
from assistant.trainers.pack_files import from_json, to_json
from assistant.trainers.pack_store import MAX_PACKS, PackStore, store_folder
from assistant.trainers.packs import MAX_ITEMS, Briefing, Locator, Pack, PackItem, Part, Quote

from .support import CORPUS


def _pack(settings, embedder, query: str = "bath safety", k: int = 3) -> Pack:
    searcher = Searcher(Library.open(settings.index_dir), embedder)
    return Pack("Bath safety", tuple(PackItem.from_hit(h) for h in searcher.search(query, k=k)))


def test_an_item_is_keyed_by_content_hash_offsets_and_words(seeds_library, fake_embedder):
    pack = _pack(seeds_library, fake_embedder)
    library = Library.open(seeds_library.index_dir)
    for item in pack.items:
        q = item.passage
        document = library.document(q.doc_id)
        assert q.sha256 == document.sha256
        assert library.document_text(q.doc_id)[q.start : q.end] == q.text
        assert item.key == f"{q.sha256[:16]}-{q.start}-{q.end}"


def test_a_pack_file_round_trips_exactly(seeds_library, fake_embedder):
    quote = Quote("Words.", "Child J (HSCP, 2019): Introduction", "ab" * 32, 5, 11, "child-j", "T", cut=True)
    briefing = Briefing("Title", "Health visitors", background=Part((quote,), "My words."), questions=("Q?",))
    pack = replace(_pack(seeds_library, fake_embedder), briefing=briefing, used="Team meeting, 3 May")
    assert from_json(to_json(pack)) == pack


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(format="something-else"), "not a pack file"),
        (lambda d: d.update(version=99), "pack file version 99"),
        (lambda d: d.update(name="   "), "a pack needs a name"),
        (lambda d: d["items"][0]["passage"].update(start=-1), "items[0].passage: start and end"),
        (lambda d: d["items"][0]["passage"].update(text=7), "items[0].passage.text: is not text"),
        (lambda d: d["items"][0].update(highlights=[[1]]), "items[0].highlights[0]: is not a pair"),
        (lambda d: d.update(items=[d["items"][0]] * (MAX_ITEMS + 1)), f"has more than {MAX_ITEMS} entries"),
        (lambda d: d["briefing"].update(questions=[1]), "briefing.questions"),
    ],
)
def test_a_bad_pack_file_is_refused_by_name_and_field(seeds_library, fake_embedder, change, message):
    pack = replace(_pack(seeds_library, fake_embedder), briefing=Briefing("T", questions=("Q?",)))
    data = json.loads(to_json(pack))
    change(data)
    with pytest.raises(PackError, match="^mine.json: ") as raised:
        from_json(json.dumps(data), "mine.json")
    assert message in str(raised.value)


def test_not_json_and_too_large_are_named():
    with pytest.raises(PackError, match="x.json: not a pack file"):
        from_json(b"\x89PNG...", "x.json")
    with pytest.raises(PackError, match="larger than 2 MB"):
        from_json(b" " * 2_000_001, "x.json")


def test_store_list_open_rename_delete(tmp_path, seeds_library, fake_embedder):
    store = PackStore(store_folder(tmp_path / "packs", None))
    assert store.packs() == []
    first = store.create(_pack(seeds_library, fake_embedder))
    second = store.create(Pack("Housing <b>visits</b> / ../../etc"))  # any characters in a name
    assert {p.name for p in store.packs()} == {"Bath safety", "Housing <b>visits</b> / ../../etc"}
    assert all(path.parent == store.folder for path in store.folder.glob("*.json"))
    with pytest.raises(PackError, match="already a pack named 'Bath safety'"):
        store.create(Pack("bath  SAFETY"))
    assert store.get("Bath safety").items == first.items
    store.rename("Bath safety", "Water safety")
    assert not store.exists("Bath safety") and store.get("Water safety").items == first.items
    store.delete(second.name)
    assert store.names() == ["Water safety"]
    with pytest.raises(PackError, match="no pack named 'Nope'"):
        store.get("Nope")
    assert store.free_name("Water safety") == "Water safety (2)"


def test_each_signed_in_user_has_their_own_packs(tmp_path):
    root = tmp_path / "packs"
    alice, bob = (
        PackStore(store_folder(root, "alice@example.org")),
        PackStore(store_folder(root, "bob@x.org")),
    )
    alice.create(Pack("Mine"))
    assert bob.packs() == [] and PackStore(store_folder(root, None)).packs() == []
    assert store_folder(root, "Alice@Example.org ") == alice.folder  # the same account
    assert "alice" not in str(alice.folder)  # folders are named by a hash, never by what was typed


def test_a_damaged_pack_file_is_named_and_the_others_still_open(tmp_path):
    store = PackStore(tmp_path / "site")
    store.create(Pack("Good"))
    (store.folder / ("0" * 32 + ".json")).write_text("{ not json")
    assert store.names() == ["Good"]
    assert len(store.problems()) == 1 and "not a pack file" in store.problems()[0]


def test_the_store_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr("assistant.trainers.pack_store.MAX_PACKS", 3)
    store = PackStore(tmp_path / "site")
    for n in range(3):
        store.create(Pack(f"P{n}"))
    with pytest.raises(PackError, match="already 3 packs"):
        store.create(Pack("One too many"))
    assert MAX_PACKS >= 100
    pack = Pack("Full", tuple(PackItem(Quote(f"w{n}", "c", "s", n, n + 1)) for n in range(MAX_ITEMS)))
    with pytest.raises(PackError, match="is full"):
        pack.with_item(PackItem(Quote("one more", "c", "s", 99, 107)))


def test_packs_survive_rebuild_and_new_generations_and_mark_what_is_gone(seeds_library, fake_embedder):
    settings = seeds_library
    store = PackStore(store_folder(settings.packs_path, None))
    store.create(_pack(settings, fake_embedder, "domestic abuse DAISU police", k=5))
    rebuild(settings, fake_embedder)  # new passage ids, a new generation
    ingest([CORPUS], settings, fake_embedder)  # and another
    pack = store.get("Bath safety")
    locator = Locator(Library.open(settings.index_dir))
    assert all(locator.present(item.passage) for item in pack.items)
    remove("child-i-hscb", settings)
    locator = Locator(Library.open(settings.index_dir))
    gone = [i for i in store.get("Bath safety").items if not locator.present(i.passage)]
    assert gone and all(i.passage.doc_id == "child-i-hscb" for i in gone)
    assert all(i.passage.citation.startswith("Child 'I' (HSCB)") and i.passage.text for i in gone)


def test_a_replaced_file_re_anchors_words_that_are_still_there(seeds_library, fake_embedder, tmp_path):
    settings = seeds_library
    pack = _pack(settings, fake_embedder, "unattended while bathing", k=1)
    item = pack.items[0]
    assert item.passage.doc_id == "child-i-hscb"
    changed = tmp_path / "child-i-hscb.md"
    shutil.copy(CORPUS / "child-i-hscb.md", changed)
    text = changed.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("# Hertfordshire", "# Updated\n\nA new first paragraph.\n\n# Hertfordshire")
    )
    assert ingest([changed], settings, fake_embedder)[0].status == "replaced"
    found = Locator(Library.open(settings.index_dir)).find(item.passage)
    assert found is not None and found.sha256 != item.passage.sha256 and found.start > item.passage.start
    assert found.text == item.passage.text
