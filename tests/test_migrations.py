"""Numbered schema migrations: a schema-3 library becomes schema 4 as a new generation with the
same passages, themes, metadata and (bit for bit) vectors; a failed step changes nothing."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant.cli import main as cli
from assistant.errors import LibraryError, LibraryOutdated
from assistant.library import Library, current_generation, migrations, store
from assistant.library.generations import generation_dir
from assistant.library.migrations import migrate
from assistant.search.searcher import Searcher

from .support import downgrade_to_schema_3, run_scripts_start

QUERIES = ["water safety", "bath seat drowning", "recommendation multi-agency training"]
TABLES = ("documents", "passages", "themes", "passage_themes", "properties")


def _rows(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of the stored tables, without the column schema 4 added."""
    db = sqlite3.connect(db_path)
    try:
        found = {}
        for table in TABLES:
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})") if c[1] != "text_sha256"]
            found[table] = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2").fetchall()
        found["passages_fts"] = db.execute("SELECT rowid, * FROM passages_fts ORDER BY rowid").fetchall()
        return found
    finally:
        db.close()


def _layout(db: sqlite3.Connection) -> dict[str, object]:
    """Columns and indexes of every table: what a schema is, whatever wrote it."""
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {
        name: (
            db.execute(f"PRAGMA table_info({name})").fetchall(),
            sorted(
                (i[1], tuple(c[2] for c in db.execute(f"PRAGMA index_info({i[1]})")))
                for i in db.execute(f"PRAGMA index_list({name})")
            ),
        )
        for name in names
    }


def _hits(index: Path, embedder) -> list[list[tuple[int, float]]]:
    library = Library.open(index)
    searcher = Searcher(library, embedder)
    found = [[(h.passage.id, round(h.score, 6)) for h in searcher.search(q, k=5)] for q in QUERIES]
    library.close()
    return found


@pytest.fixture
def old_library(seeds_library, fake_embedder):
    """The seeds as schema 3 wrote them, with the search results schema 4 gave beforehand."""
    index = seeds_library.index_dir
    hits = _hits(index, fake_embedder)
    folder = downgrade_to_schema_3(index)
    return index, folder, hits


def test_the_helper_makes_a_true_schema_3_library(old_library):
    index, folder, _ = old_library
    db = sqlite3.connect(folder / store.DB_FILE)
    assert "text_sha256" not in [c[1] for c in db.execute("PRAGMA table_info(passages)")]
    assert store.load_manifest(folder, None)["schema_version"] == 3
    store.verify_files(folder, store.load_manifest(folder, None))  # its checksums still hold


def test_an_old_schema_is_refused_with_a_message_naming_migrate(old_library):
    index, _, _ = old_library
    with pytest.raises(LibraryOutdated, match=r"schema 3.*migrate --index") as refused:
        Library.open(index)
    assert refused.value.schema == 3 and "rebuild" not in str(refused.value)
    assert cli.main(["docs", "--index", str(index)]) == cli.EXIT_OUTDATED  # scripts/start migrates on it


def test_a_migrated_library_keeps_passages_vectors_themes_metadata_and_search_results(
    old_library, fake_embedder
):
    index, old, hits = old_library
    old_rows = _rows(old / store.DB_FILE)
    old_vectors = (old / store.VECTORS_FILE).read_bytes()
    assert old_rows["passage_themes"] and old_rows["themes"]  # there are tags to keep
    before = fake_embedder.encoded

    done = migrate(index)

    assert (done.from_schema, done.to_schema, done.changed) == (3, 4, True)
    assert done.to_generation == current_generation(index) == done.from_generation + 1
    assert fake_embedder.encoded == before  # nothing was embedded
    new = generation_dir(index, done.to_generation)
    assert _rows(new / store.DB_FILE) == old_rows
    assert (new / store.VECTORS_FILE).read_bytes() == old_vectors  # bit for bit
    ids, vectors = store.all_vectors(store.read_vectors(new / store.VECTORS_FILE))
    old_ids, old_vecs = store.all_vectors(store.read_vectors(old / store.VECTORS_FILE))
    assert np.array_equal(ids, old_ids) and vectors.tobytes() == old_vecs.tobytes()
    library = Library.open(index)
    assert library.check() == [] and library.manifest["schema_version"] == 4
    assert library.manifest["model"] == store.load_manifest(old, None)["model"]
    hashes = library.db.execute("SELECT text, text_sha256 FROM passages").fetchall()
    assert hashes and all(sha == store.text_sha256(text) for text, sha in hashes)
    library.close()
    assert _hits(index, fake_embedder) == hits


def test_a_migrated_database_has_the_layout_a_new_one_has(old_library, tmp_path):
    index, _, _ = old_library
    done = migrate(index)
    migrated = sqlite3.connect(generation_dir(index, done.to_generation) / store.DB_FILE)
    fresh = store.create_db(tmp_path / "fresh.sqlite")
    assert _layout(migrated) == _layout(fresh)


def test_a_step_that_fails_midway_leaves_the_old_generation_current_and_readable(old_library, monkeypatch):
    index, old, _ = old_library
    pointer = (index / "CURRENT").read_bytes()
    files = {name: (old / name).read_bytes() for name in (store.DB_FILE, store.VECTORS_FILE)}
    real = migrations.STEPS[4]

    def half_done(db: sqlite3.Connection) -> None:
        real(db)  # the column is added and filled on the copy...
        raise sqlite3.OperationalError("disk I/O error")  # ...then the step fails

    monkeypatch.setitem(migrations.STEPS, 4, half_done)
    with pytest.raises(LibraryError, match="could not be migrated from schema 3.*Nothing was changed"):
        migrate(index)
    assert (index / "CURRENT").read_bytes() == pointer
    assert {name: (old / name).read_bytes() for name in files} == files
    store.verify_files(old, store.load_manifest(old, None))
    assert not list(index.glob("tmp-*")) and len(list(index.glob("gen-*"))) == 1
    with pytest.raises(LibraryOutdated, match="migrate"):  # still the old library, still refused
        Library.open(index)
    monkeypatch.setitem(migrations.STEPS, 4, real)
    assert migrate(index).changed  # and the migration can simply be run again


def test_a_damaged_old_generation_is_not_migrated(old_library):
    index, old, _ = old_library
    with (old / store.VECTORS_FILE).open("r+b") as handle:
        handle.seek(-8, 2)
        handle.write(b"\0" * 8)
    with pytest.raises(LibraryError, match="vectors.faiss does not match its checksum"):
        migrate(index)
    assert len(list(index.glob("gen-*"))) == 1


def test_the_migrate_command_says_what_it_did(old_library, capsys):
    index, _, _ = old_library
    assert cli.main(["migrate", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert out == (
        f"migrated the library at {index} from schema 3 to 4 (generation 1 -> 2): 12 passages"
        " kept with their vectors, none embedded again\n"
    )
    assert cli.main(["migrate", "--index", str(index)]) == 0
    assert capsys.readouterr().out == f"the library at {index} is at schema 4 already: nothing to migrate\n"
    assert cli.main(["migrate", "--json", "--index", str(index)]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "from_schema": 4, "to_schema": 4, "from_generation": 2, "to_generation": 2,
        "passages": 12, "changed": False,
    }  # fmt: skip
    assert cli.main(["docs", "--index", str(index)]) == 0


def test_the_migrate_command_with_no_library(tmp_path, capsys):
    assert cli.main(["migrate", "--index", str(tmp_path / "none")]) == 0
    assert "nothing to migrate" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("schema", "code", "message"),
    [
        (1, cli.EXIT_OUTDATED, r"schema 1, older than this version can migrate.*assistant rebuild --index"),
        (99, cli.EXIT_ERROR, r"newer version.*upgrade the assistant"),
    ],
)
def test_schemas_the_steps_cannot_reach_are_refused(seeds_library, capsys, schema, code, message):
    index = seeds_library.index_dir
    folder = Library.open(index).folder
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = schema
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (index / "CURRENT").write_text(json.dumps({"generation": manifest["generation"], "manifest_sha256": ""}))
    assert cli.main(["migrate", "--index", str(index)]) == code
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert re.search(message, err), err
    assert current_generation(index) == 1


def test_scripts_start_migrates_an_old_library_and_starts_the_app(old_library, tmp_path):
    index, _, _ = old_library
    done, started = run_scripts_start(tmp_path, index)
    assert done.returncode == 0 and started, done.stderr
    assert "Migrating the library" in done.stdout and "Rebuilding" not in done.stdout
    library = Library.open(index)
    assert library.manifest["schema_version"] == store.SCHEMA_VERSION and library.generation == 2


def test_scripts_start_rebuilds_an_old_library_that_cannot_be_migrated(old_library, tmp_path):
    index, folder, _ = old_library
    vectors = folder / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[:-8] + b"damaged!")  # its checksum no longer holds
    done, started = run_scripts_start(tmp_path, index)
    assert done.returncode == 0 and started, done.stderr
    assert "Migrating the library" in done.stdout and "Rebuilding the library" in done.stdout
    library = Library.open(index)  # the rebuilt generation, from the kept originals
    assert library.manifest["schema_version"] == store.SCHEMA_VERSION
    assert len(library.documents()) == 2 and library.passage_count > 0
