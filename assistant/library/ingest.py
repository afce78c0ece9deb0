"""Files → the library: read, clean, cut, embed and store, one report per file.

A bad file is reported by name with its reason and the batch goes on; an unchanged file (same
content hash) is skipped; a changed file replaces its passages. All changes of one call are
published together as one new library generation.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import library
from assistant.documents import metadata, scanned
from assistant.documents.names import DocIds, fit_bytes, printable
from assistant.embedding import Embedder
from assistant.errors import AssistantError, IngestError, NotFound
from assistant.field.theme_tagger import tagger_for
from assistant.library.checkpoints import CheckpointPolicy
from assistant.library.originals import originals
from assistant.library.preparing import Prepared, collect, prepare, sha256_of
from assistant.library.read_ahead import ReadAhead
from assistant.library.vector_reuse import StoredVectors
from assistant.records import Document, FileReport, IngestOutcome, SourceText
from assistant.settings import Settings

__all__ = ["collect", "ingest", "originals", "prepare", "rebuild", "remove", "retag"]

# Passages gathered across files before they are embedded together, sorted by length. The fewer,
# the more each batch of 32 is padded: on the PFD passages, 512 gave 4.3% more tokens than one sort
# of all (attention 6.6% more work), 1,024 1.9% (2.8%). Checkpoints are due after a gathering is
# stored, every ~25 s here: an interrupted ingest loses about checkpoint_s plus that, ~70 s.
ENCODE_BATCH = 1024
READ_AHEAD = 32  # files whose reading is begun before their turn (read_ahead.ReadAhead)...
READ_AHEAD_BYTES = 64 * 1024 * 1024  # ...while their files hold at most this much
Progress = Callable[[int, int, str], None]  # (files done, files in all, current file name)
Waiting = Callable[[str], None]  # told at once when another process is changing the library


@dataclass(frozen=True)
class _Unchanged:
    """A file reported unchanged: the same content as a document held or read before it."""

    done: int  # its place among the files
    path: Path
    name: str
    sha: str
    report: FileReport


@dataclass
class _Reading:
    """A file to be added: its identity, and its reading under way (:class:`ReadAhead`)."""

    path: Path
    sha: str
    doc_id: str
    size: int  # bytes on disk
    source: Future[SourceText]


def _writer(
    settings: Settings,
    model: str,
    dimension: int,
    fresh: bool = False,
    on_wait: Waiting | None = None,
    encoders: Iterable[str] = (),
) -> Any:
    return library.writer(
        settings.index_dir,
        model,
        dimension,
        keep_generations=settings.keep_generations,
        timeout=settings.writer_wait_s,
        fresh=fresh,
        approximate_above=settings.approximate_above,
        on_wait=on_wait,
        encoders=encoders,
    )


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
    names: dict[Path, str] | None = None,
    fresh: bool = False,
    on_wait: Waiting | None = None,
    urls: dict[Path, str] | None = None,
    on_checkpoint: Callable[[int], None] | None = None,
) -> list[FileReport]:
    """Ingest files and folders into ``settings.index_dir``; one report per file, in file order
    (those of paths that could not be collected first).

    ``names`` gives the name to show and store for a path (uploads arrive under temporary
    names). Every ``checkpoint_files`` files or ``checkpoint_s`` seconds what is finished is
    published as a generation (``on_checkpoint`` is told its number), so an interrupted ingest
    keeps it and a rerun skips it as unchanged. A rebuild (``fresh``) publishes only at the end:
    a part-built library must never replace the whole one.
    """
    policy = None if fresh else CheckpointPolicy(settings.checkpoint_files, settings.checkpoint_s)
    files, reports = collect(paths)
    names = names or {}
    pending: list[Prepared] = []
    tagger = tagger_for(settings, embedder)
    ahead = scanned.read_ahead(  # scanned pages are read by OCR before the library is locked
        files, settings, (lambda: set()) if fresh else (lambda: _indexed(settings)),
        lambda what: progress(0, len(files), what) if progress else None,
    )  # fmt: skip
    current = None  # vectors stored already are reused by text hash, from the writer's copy...
    if fresh:  # ...or, as a rebuild's copy starts empty, from the current generation
        current = StoredVectors.of_current(settings.index_dir, embedder.name, embedder.dimension)
    encoders = [embedder.encoder, *(current.encoders if current else [])]
    with (
        ahead,
        _writer(settings, embedder.name, embedder.dimension, fresh, on_wait, encoders) as writer,
        ReadAhead(settings) as reads,
    ):
        stored = current or StoredVectors.of_writer(writer)
        aged = writer.read_ages_again()  # a better reading of ages reaches the documents held
        if not writer.tag_with(tagger):  # ...and the theme rule, unless every passage was re-tagged
            writer.tag_documents_again(aged)
        ids = DocIds(writer.source_of)
        batch: dict[str, str] = {}  # content hash → doc id, for files read in this call
        unchanged: list[_Unchanged] = []  # files reported unchanged, checked again at the end
        placed: list[tuple[int, FileReport]] = []  # (its file's place, report): returned in file order
        order: dict[Path, int] = {}  # a file → its place

        def record(report: FileReport, at: int) -> None:
            placed.append((at, report))

        def flush() -> None:
            texts = [p.text for item in pending for p in item.passages]
            with reads.paused():
                vectors = stored.encode(embedder, texts)
            offset = 0
            for item in pending:
                n = len(item.passages)
                writer.put(item.document, item.text, item.passages, vectors[offset : offset + n])
                writer.keep_source(item.path, item.document.sha256, item.document.source)
                offset += n
                status: IngestOutcome = "replaced" if item.replacing else "added"
                report = FileReport(
                    item.document.source, status, item.document.doc_id, n, None, item.document.warnings
                )
                record(report, order[item.path])
                if policy is not None:
                    policy.file_stored()
            pending.clear()
            if policy is not None and policy.due():
                generation = writer.checkpoint(settings.keep_generations)
                policy.published()
                if on_checkpoint:
                    on_checkpoint(generation)

        def decide(done: int, path: Path, name: str) -> FileReport | _Reading:
            """What to do with a file, in turn: a report now (unchanged, cannot be opened), or
            its reading, begun ahead of its turn."""
            try:
                sha, size = sha256_of(path), path.stat().st_size
            except OSError as exc:
                return FileReport(name, "failed", reason=f"cannot be opened ({exc.strerror})")
            if sha in batch:
                earlier = f"the same content as {batch[sha]}, earlier in this batch"
                report = FileReport(name, "unchanged", batch[sha], reason=earlier)
            elif same := writer.find_by_sha(sha):
                batch[sha] = same.doc_id
                same_id = same.doc_id == metadata.doc_id_for(name, sha)
                note = None if same_id else f"already in the library as {same.doc_id}"
                report = FileReport(name, "unchanged", same.doc_id, reason=note)
            else:
                doc_id = batch[sha] = ids.assign(metadata.doc_id_for(name, sha), name, sha)
                return _Reading(path, sha, doc_id, size, reads.read(path, name))
            unchanged.append(_Unchanged(done, path, name, sha, report))
            return report

        def finish(done: int, name: str, outcome: FileReport | _Reading, at: int | None = None) -> None:
            """Take one file's outcome, in file order: cut a file read, embed when enough wait.
            ``done`` is shown as progress; ``at`` is the file's place when that is not it."""
            if progress:
                progress(done, len(files), name)
            if isinstance(outcome, FileReport):
                record(outcome, done if at is None else at)
                return
            try:
                url = (urls or {}).get(outcome.path, "")
                source = outcome.source.result()
                document, text, passages = prepare(
                    outcome.path, outcome.sha, settings, name, outcome.doc_id, url, source
                )
            except IngestError as exc:
                kind = Path(name).suffix.lstrip(".").lower()
                failed = Document(outcome.doc_id, name, name, kind, outcome.sha, "failed", exc.reason)
                writer.record_failure(failed)
                record(
                    FileReport(name, "failed", outcome.doc_id, reason=exc.reason), done if at is None else at
                )
                return
            replacing = writer.status_of(outcome.doc_id) == "indexed"
            pending.append(Prepared(outcome.path, document, text, passages, replacing))
            if sum(len(item.passages) for item in pending) >= ENCODE_BATCH:
                flush()

        window: deque[tuple[int, str, FileReport | _Reading]] = deque()
        held = 0  # bytes of the files in the window whose reading is begun

        def take() -> None:
            nonlocal held
            done, name, outcome = window.popleft()
            held -= outcome.size if isinstance(outcome, _Reading) else 0
            finish(done, name, outcome)

        for done, path in enumerate(files):
            name = fit_bytes(printable(names.get(path, path.name)))
            order.setdefault(path, done)  # a path given twice is read at its first place
            outcome = decide(done, path, name)
            window.append((done, name, outcome))
            held += outcome.size if isinstance(outcome, _Reading) else 0
            while len(window) > READ_AHEAD or (held > READ_AHEAD_BYTES and len(window) > 1):
                take()
        while window:
            take()
        # A file found unchanged as a copy of content the library no longer holds (another file
        # of this call replaced its document, or it failed to read) is read after all, round after
        # round: a file read now may replace a document too. Each round reads a file at least,
        # and none twice (a file read is never found unchanged again); n copies of a file that
        # fails are read one a round, so they may take n times its time limit (rare).
        while True:
            if pending:
                flush()
            gone = {copy.sha for copy in unchanged if writer.find_by_sha(copy.sha) is None}
            again = [copy for copy in unchanged if copy.sha in gone]
            if not again:
                break
            taken = {id(copy.report) for copy in again}
            placed[:] = [(at, report) for at, report in placed if id(report) not in taken]
            unchanged[:] = [copy for copy in unchanged if copy.sha not in gone]
            for sha in gone:
                batch.pop(sha, None)
            for copy in again:
                outcome = decide(copy.done, copy.path, copy.name)
                finish(max(len(files) - 1, 0), copy.name, outcome, at=copy.done)
        if progress:
            progress(len(files), len(files), "")
    placed.sort(key=lambda pair: pair[0])  # stable: a path given twice keeps its turns' order
    return reports + [report for _, report in placed]  # those of collect() first, as they came


def _indexed(settings: Settings) -> set[str]:
    """Content hashes of the documents indexed now (an empty set when there is no library)."""
    try:
        current = library.Library.open(settings.index_dir)
    except AssistantError:
        return set()
    try:
        return {d.sha256 for d in current.documents() if d.status == "indexed"}
    finally:
        current.close()


def remove(
    doc_id: str, settings: Settings, embedder_name: str | None = None, on_wait: Waiting | None = None
) -> None:
    """Delete a document, its passages and vectors from the library."""
    current = library.Library.open(settings.index_dir)
    model = current.model or {"name": embedder_name or "", "dimension": 0}
    current.close()
    with _writer(settings, model["name"], model["dimension"], on_wait=on_wait) as w:
        if not w.remove(doc_id):
            raise NotFound(f"no document {doc_id!r} in the library at {settings.index_dir}")


def retag(settings: Settings, embedder: Embedder, on_wait: Waiting | None = None) -> int:
    """Tag every passage again with the themes file in ``settings`` (after it was edited),
    from the vectors the library holds; returns the number of passages tagged."""
    tagger = tagger_for(settings, embedder)
    with _writer(settings, embedder.name, embedder.dimension, on_wait=on_wait) as writer:
        writer.read_ages_again()
        return writer.tag_with(tagger, force=True)


def rebuild(
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
    drop_missing: bool = False,
    on_wait: Waiting | None = None,
) -> list[FileReport]:
    """Re-read every document from the library's own copies of the original files.

    Used after damage, after an upgrade that changed the library's schema, or to change the
    embedding model. The documents are those of the newest generation that can still be read
    (for an older schema, those its database lists); if none can, every kept original is used.
    When originals are gone the rebuild is refused (:class:`MissingOriginals`, naming them)
    and nothing changes, unless ``drop_missing``: a rebuild never shrinks the library silently.
    """
    paths, urls = originals(settings, drop_missing)
    names = {p: p.name for p in paths}
    return ingest(paths, settings, embedder, progress, names, fresh=True, on_wait=on_wait, urls=urls)
