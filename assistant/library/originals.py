"""The kept original files a rebuild reads again, and the refusal when some are gone.

A rebuild never shrinks the library silently: the documents to read are those the newest
readable generation lists (for an older schema, those its database lists), and any whose kept
original is missing are named and the rebuild refused, unless the caller accepts dropping them.
"""

from __future__ import annotations

from pathlib import Path

from assistant import library
from assistant.errors import AssistantError, LibraryOutdated, MissingOriginals
from assistant.settings import Settings


def originals(settings: Settings, drop_missing: bool = False) -> tuple[list[Path], dict[Path, str]]:
    """The kept original files a rebuild reads, with the web address each was downloaded from
    (if any); raises :class:`MissingOriginals` when any the library lists are gone, unless
    ``drop_missing``."""
    sources = settings.index_dir / library.SOURCES
    wanted: list[tuple[str, str]] | None = None
    urls: dict[str, str] = {}  # sha256 → the address a document was downloaded from
    try:
        current = library.Library.open(settings.index_dir)
        wanted = [(d.sha256, d.source) for d in current.documents() if d.status == "indexed"]
        urls = {d.sha256: d.url for d in current.documents() if d.url}
        current.close()
    except LibraryOutdated:
        wanted = library.indexed_files(settings.index_dir)
    except AssistantError:
        wanted = None
    if wanted is None:
        found = sorted(sources.glob("*/*"), key=lambda p: p.stat().st_mtime) if sources.is_dir() else []
        wanted = [(p.parent.name, p.name) for p in found if not p.name.startswith(".")]
        if not wanted and library.current_generation_exists(settings.index_dir) and not drop_missing:
            raise MissingOriginals(
                f"No original files are kept in {sources}, so a rebuild would publish an empty "
                "library; nothing was changed. Run `rebuild --drop-missing` to accept that.",
                [],
            )
    paths = [sources / sha / name for sha, name in wanted if (sources / sha / name).is_file()]
    missing = [name for sha, name in wanted if not (sources / sha / name).is_file()]
    if missing and not drop_missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise MissingOriginals(
            f"{len(missing)} of {len(wanted)} documents have no kept original in {sources} "
            f"({shown}); a rebuild would drop them, so nothing was changed. Put the files back "
            "(ingest them again), or run `rebuild --drop-missing` to rebuild without them.",
            missing,
        )
    return paths, {p: urls[p.parent.name] for p in paths if p.parent.name in urls}
