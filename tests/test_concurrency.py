"""Many users: readers search and ask while a writer adds and removes documents.

Each reader is its own process (``tests/reader_child.py``) that reopens the library when its
current generation changes, as the web app does. The writer (this process) alternates between two
sets of documents: it adds set A in one generation, then removes set B one document at a time,
then adds B and removes A, and so on. It records the documents of every generation it publishes,
so each reader's call can be checked against exactly one published state: a reader that saw a
half-written library (documents without passages, a keyword index out of step, a mix of two
generations) would report documents or results that no published generation holds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.library import Library, store
from assistant.library.ingest import ingest, remove

from .support import ROOT, FakeEmbedder

CLIENTS = 4
ROUNDS = 10
PAUSE_S = 0.25  # after each publication, so the readers search every state
WORDS = {"a": "marigold", "b": "heliotrope"}  # each set's own word, in no other document


def write_set(folder: Path, name: str) -> Path:
    folder = folder / name
    folder.mkdir(parents=True)
    word = WORDS[name]
    for n in range(1, 4):
        (folder / f"set-{name}-{n}.md").write_text(
            f"# Review {name.upper()}{n}\n\n"
            f"Recommendation 1: Agencies in area {n} must share information about {word} cases.\n\n"
            f"Recommendation 2: Training for housing staff on {word} referrals within six months.\n",
            encoding="utf-8",
        )
    return folder


def indexed(index_dir: Path) -> tuple[int, frozenset[str]]:
    """The current generation and its documents, checked in full."""
    library = Library.open(index_dir)
    try:
        assert library.check() == [] and library.warning is None
        return library.generation, frozenset(d.doc_id for d in library.documents() if d.status == "indexed")
    finally:
        library.close()


def _reader(index_dir: Path, out: Path, stop: Path, client: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reader_child", str(index_dir), str(out), str(stop), str(client)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def records(out: Path) -> list[dict]:
    """The complete lines a reader has written so far."""
    if not out.exists():
        return []
    lines = out.read_text(encoding="utf-8").split("\n")[:-1]  # the last may be half-written
    return [json.loads(line) for line in lines if line.strip()]


def finish(reader: subprocess.Popen) -> tuple[str, str]:
    try:
        return reader.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        reader.kill()
        stdout, stderr = reader.communicate()
        return stdout, stderr + "\n(killed: still running 60 s after it was told to stop)"


def judge(record: dict, published: dict[int, frozenset[str]], sets: dict[str, frozenset[str]]) -> str | None:
    """What is wrong with one reader's record, or None."""
    if "error" in record:
        return record["traceback"]
    if "opened" in record:
        if record["check"] or record["warning"]:
            return f"generation {record['opened']} opened with {record['check']} / {record['warning']}"
        return None if record["opened"] in published else f"opened unpublished generation {record['opened']}"
    generation, documents, found = record["generation"], set(record["documents"]), set(record["found"])
    if generation not in published:
        return f"searched generation {generation}, which was never published"
    if documents != published[generation]:
        return f"generation {generation} shows {sorted(documents)}, published {sorted(published[generation])}"
    if not found <= documents:
        return f"{record['query']!r} found {sorted(found - documents)}, not in generation {generation}"
    if record["mode"] == "keyword":
        for name, word in WORDS.items():
            if record["query"] == word and found != documents & sets[name]:
                return f"{word!r} found {sorted(found)} in generation {generation} ({sorted(documents)})"
        if record["query"] == "DAISU" and "child-i-hscb" not in found:
            return f"'DAISU' found {sorted(found)} in generation {generation}"
    return None


@pytest.mark.slow
def test_readers_always_see_one_whole_published_generation(seeds_library, tmp_path):
    settings, index_dir = seeds_library, seeds_library.index_dir
    started = time.monotonic()
    folders = {name: write_set(tmp_path / "sets", name) for name in WORDS}
    seeds = indexed(index_dir)
    published = {seeds[0]: seeds[1]}
    stop = tmp_path / "stop"
    outs = [tmp_path / f"reader-{n}.jsonl" for n in range(CLIENTS)]
    readers = [_reader(index_dir, out, stop, n) for n, out in enumerate(outs)]
    try:
        deadline = time.monotonic() + 60
        while not all(records(out) for out in outs):  # every reader has the library open
            assert time.monotonic() < deadline, "the readers did not start"
            ended = [r.communicate() for r in readers if r.poll() is not None]
            assert not ended, ended
            time.sleep(0.1)

        sets: dict[str, frozenset[str]] = {}
        for round_ in range(ROUNDS):
            add, drop = ("a", "b") if round_ % 2 == 0 else ("b", "a")
            reports = ingest([folders[add]], settings, FakeEmbedder())
            assert [r.status for r in reports] == ["added"] * 3
            sets[add] = frozenset(r.doc_id for r in reports)
            generation, documents = indexed(index_dir)
            assert documents == published[max(published)] | sets[add]
            published[generation] = documents
            time.sleep(PAUSE_S)
            for doc_id in sorted(sets.get(drop, ())):
                remove(doc_id, settings)
                generation, documents = indexed(index_dir)
                assert doc_id not in documents and seeds[1] | sets[add] <= documents
                published[generation] = documents
                time.sleep(PAUSE_S)
        time.sleep(1)  # the last state is searched too
    finally:
        stop.touch()
        outputs = [finish(r) for r in readers]
    for reader, (stdout, stderr) in zip(readers, outputs, strict=True):
        assert reader.returncode == 0 and stdout.startswith("done"), stderr

    failures, seen, calls = [], set(), {"search": 0, "ask": 0}
    for out in outs:
        mine = [r for r in records(out) if "generation" in r]
        failures += [f"{out.name}: {p}" for r in records(out) if (p := judge(r, published, sets))]
        generations = [r["generation"] for r in mine]
        if generations != sorted(generations):
            failures.append(f"{out.name} went back to an older generation: {generations}")
        seen |= set(generations)
        for r in mine:
            calls[r["kind"]] += 1
    print(
        f"\nconcurrency: {CLIENTS} clients, {calls['search']} searches and {calls['ask']} answers, "
        f"{len(published)} generations published ({ROUNDS} rounds), {len(seen)} seen by readers, "
        f"{len(failures)} failures, {time.monotonic() - started:.0f} s"
    )
    assert not failures, "\n".join(failures[:20])
    assert len(published) == 1 + ROUNDS + 3 * (ROUNDS - 1)
    assert len(seen) > len(published) // 2 and min(calls.values()) > 0  # the readers kept up


def test_a_generation_tidied_away_while_it_is_opened_is_not_reported_as_damage(
    seeds_library, tmp_path, monkeypatch
):
    """The race the readers above can meet, made certain: between reading CURRENT and reading
    the manifest of that generation, a writer publishes twice, so the generation (the oldest of
    the two kept) is removed under the reader."""
    extras = []
    for n in range(2):
        extras.append(tmp_path / f"extra-{n}.md")
        extras[-1].write_text(f"# Extra {n}\n\nRecommendation 1: Area {n} must share information.\n")
    read_manifest, raced = store.read_manifest, []

    def publish_twice_first(folder: Path, expected_sha256: str | None) -> dict:
        if not raced:
            raced.append(folder.name)
            for extra in extras:
                ingest([extra], seeds_library, FakeEmbedder())
        return read_manifest(folder, expected_sha256)

    monkeypatch.setattr(store, "read_manifest", publish_twice_first)
    library = Library.open(seeds_library.index_dir)
    assert raced == ["gen-000001"]
    assert library.generation == 3 and library.warning is None
    assert {"extra-0", "extra-1"} <= {d.doc_id for d in library.documents()}
