"""A rebuild never shrinks the library silently: missing originals are named and nothing changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.cli import main as cli
from assistant.errors import MissingOriginals
from assistant.library import Library, current_generation
from assistant.library.generations import SOURCES
from assistant.library.ingest import rebuild

from .support import run_scripts_start


def _lose_original(index: Path, doc_id: str) -> None:
    lib = Library.open(index)
    path = lib.source_file(doc_id)
    lib.close()
    shutil.rmtree(path.parent)


def _generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("gen-*"))


def test_a_rebuild_with_a_missing_original_is_refused_and_changes_nothing(seeds_library, fake_embedder):
    index = seeds_library.index_dir
    _lose_original(index, "child-i-hscb")
    before = (current_generation(index), _generations(index))
    with pytest.raises(MissingOriginals, match="child-i-hscb.md.*--drop-missing") as refused:
        rebuild(seeds_library, fake_embedder)
    assert refused.value.missing == ["child-i-hscb.md"]
    assert (current_generation(index), _generations(index)) == before  # the good generation is kept
    assert len([d for d in Library.open(index).documents() if d.status == "indexed"]) == 2


def test_with_every_original_gone_a_rebuild_is_refused(seeds_library, fake_embedder):
    index = seeds_library.index_dir
    shutil.rmtree(index / SOURCES)
    with pytest.raises(MissingOriginals, match="2 of 2 documents"):
        rebuild(seeds_library, fake_embedder)
    assert Library.open(index).passage_count > 0


def test_drop_missing_rebuilds_without_them(seeds_library, fake_embedder):
    _lose_original(seeds_library.index_dir, "child-i-hscb")
    reports = rebuild(seeds_library, fake_embedder, drop_missing=True)
    assert [(r.name, r.status) for r in reports] == [("child-j-hscp-2019.md", "added")]


def test_the_cli_names_the_missing_files_and_the_option_with_a_non_zero_exit(
    seeds_library, fake_embedder, monkeypatch, capsys
):
    _lose_original(seeds_library.index_dir, "child-i-hscb")
    code = cli.main(["rebuild", "--index", str(seeds_library.index_dir)], embedder=fake_embedder)
    err = capsys.readouterr().err
    assert code == cli.EXIT_ERROR
    assert "child-i-hscb.md" in err and "--drop-missing" in err and err.count("\n") == 1
    assert (
        cli.main(
            ["rebuild", "--drop-missing", "--index", str(seeds_library.index_dir)], embedder=fake_embedder
        )
        == 0
    )


def _outdated(index: Path) -> None:
    folder = Library.open(index).folder
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (index / "CURRENT").write_text(json.dumps({"generation": manifest["generation"], "manifest_sha256": ""}))


def test_scripts_start_shows_the_refusal_instead_of_starting_on_a_shrunken_library(seeds_library, tmp_path):
    """scripts/start itself, with setup and streamlit stubbed: an outdated library whose originals
    are partly gone is not rebuilt, and the app does not start."""
    index = seeds_library.index_dir
    _lose_original(index, "child-i-hscb")
    _outdated(index)
    done, started = run_scripts_start(tmp_path, index)
    assert done.returncode != 0 and not started
    assert "child-i-hscb.md" in done.stderr and "--drop-missing" in done.stderr
    assert "the app was not started" in done.stderr
