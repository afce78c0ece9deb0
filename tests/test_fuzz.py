"""Fuzzed documents: damaged copies of the real PDF samples, and bombs built here.

Every variant must end, within the PDF reader's time limit plus a margin, either in passages or
in an :class:`IngestError` whose reason is one of the named ones; a batch of variants must leave
the library sound. The samples come from ``../shared/testdata/pdf-samples`` (see its MANIFEST.md)
and are only read: the variants are written to a temporary folder. A seeded ``random.Random``
makes every run build the same variants.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.documents.cleaning import CONTROL
from assistant.errors import IngestError
from assistant.library import Library
from assistant.library.ingest import ingest, prepare
from assistant.search.searcher import Searcher

from .support import PDF_SAMPLES, FakeEmbedder, require_shared

SEED = 7_2024
SMALL = 100_000  # bytes: the bulk of the variants come from samples below this size (0.3 s each)
PER_SAMPLE = 12
MARGIN_S = 10.0  # cleaning and cutting after the reader, and a busy machine
WORKERS = 2  # readers at once: each variant is read in its own child process

# Every reason a reader gives (assistant/documents/readers.py and assistant/documents/pdf_worker.py).
KNOWN = re.compile(
    r"empty file"
    r"|too large \(\d+ MB; the limit is \d+ MB\)"
    r"|not a PDF \(the file holds (an HTML page|other data)\)"
    r"|no readable text; not indexed"
    r"|no text layer \(probably scanned; .+\); not indexed"
    r"|no text layer, and OCR could not read it: .+; not indexed"
    r"|password-protected; not indexed"
    r"|encrypted with a method this installation cannot open \(.+\)"
    r"|took too long \(over [\d.]+ s\)"
    r"|needed more memory than the limit allows"
    r"|too much text \(over [\d,]+ characters; the limit is max_chars_per_file\)"
    r"|too many passages \([\d,]+; the limit is [\d,]+ per file\)"
    r"|corrupt PDF \(.+\)(; not indexed)?",
    re.S,
)


def kind_of(reason: str) -> str:
    """The named reason without its details, for the summary."""
    return reason.split(" (")[0].split(";")[0]


# -- building variants --------------------------------------------------------------------------


def truncate(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    return data[: rng.randrange(1, len(data))]


def insert(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 512)) + data[at:]


def flip(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        out[rng.randrange(len(out))] ^= rng.randint(1, 255)
    return bytes(out)


def zero_span(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """A stretch of zeros, as a download that lost a block leaves it."""
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 4096))
    return data[:start] + b"\0" * (end - start) + data[end:]


def splice(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """A piece of another sample pasted over part of this one."""
    other = rng.choice(others)
    start, size = rng.randrange(len(other)), rng.randint(16, 8192)
    at = rng.randrange(len(data))
    return data[:at] + other[start : start + size] + data[at + size :]


def mixed(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    for change in rng.sample([insert, flip, zero_span, splice], 2):
        data = change(data, rng, others)
    return truncate(data, rng, others) if rng.random() < 0.5 else data


CHANGES: list[Callable[[bytes, random.Random, list[bytes]], bytes]] = [
    truncate, insert, flip, zero_span, splice, mixed,
]  # fmt: skip


@dataclass(frozen=True)
class Variant:
    path: Path
    sample: str
    change: str


def small_samples() -> list[Path]:
    found = sorted(require_shared(PDF_SAMPLES).glob("*/*.pdf"), key=lambda p: p.name)
    return [p for p in found if p.stat().st_size < SMALL]


def build_variants(folder: Path, per_sample: int = PER_SAMPLE, seed: int = SEED) -> list[Variant]:
    """``per_sample`` distinct damaged copies of each small sample, each change used in turn."""
    rng = random.Random(seed)
    samples = small_samples()
    datas = {p.name: p.read_bytes() for p in samples}
    seen = {hashlib.sha256(d).digest() for d in datas.values()}
    folder.mkdir(parents=True, exist_ok=True)
    variants = []
    for sample in samples:
        data, others = datas[sample.name], [d for n, d in datas.items() if n != sample.name]
        made = 0
        while made < per_sample:
            change = CHANGES[made % len(CHANGES)]
            damaged = change(data, rng, others)
            digest = hashlib.sha256(damaged).digest()
            if not damaged or digest in seen:  # every variant is a different file
                continue
            seen.add(digest)
            path = folder / f"{sample.stem}-{change.__name__}-{made:02d}.pdf"
            path.write_bytes(damaged)
            variants.append(Variant(path, sample.name, change.__name__))
            made += 1
    return variants


# -- bombs --------------------------------------------------------------------------------------


def pdf(objects: list[bytes]) -> bytes:
    """A PDF file of these numbered objects (1 is the catalogue), with a correct xref table."""
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    size = len(objects) + 1
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % size + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return data + xref + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, len(data))


def deflate_nested(chunk: bytes, repeats: int, levels: list[int]) -> bytes:
    """``chunk * repeats`` deflated once per level, the output of each layer fed to the next,
    streamed so the whole is never held in memory."""
    packers = [zlib.compressobj(level) for level in levels]
    out = []

    def push(first: int, data: bytes) -> None:
        for packer in packers[first:]:
            data = packer.compress(data)
        out.append(data)

    for _ in range(repeats):
        push(0, chunk)
    for n, packer in enumerate(packers):
        push(n + 1, packer.flush())
    return b"".join(out)


def one_page(stream: bytes, layers: int, kids: int = 1) -> bytes:
    """One page whose content stream is ``stream`` behind ``layers`` FlateDecode filters, listed
    ``kids`` times in the page tree."""
    filters = b"[" + b" ".join([b"/FlateDecode"] * layers) + b"]"
    listed = b" ".join([b"3 0 R"] * kids)
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (listed, kids),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])  # fmt: skip


LINE = b"BT /F1 12 Tf 72 700 Td (Recommendation 1: agencies must share what they know.) Tj ET\n"


@functools.cache
def nested_flate_bomb() -> bytes:
    """About 2 KB: three FlateDecode layers over 1 GiB of zeros (each layer's output is
    itself deflated; pypdf's 75 MB cap applies to each layer, not to the whole chain)."""
    return one_page(deflate_nested(b"\0" * (1 << 20), 1024, [1, 9, 9]), layers=3)


@functools.cache
def text_operator_bomb() -> bytes:
    """About 1 KB: two FlateDecode layers over 8.6 MB of text-drawing operators on one page."""
    return one_page(deflate_nested(LINE * 10_000, 10, [9, 9]), layers=2)


@functools.cache
def page_tree_bomb() -> bytes:
    """About 20 KB: one small page listed 3,000 times in the page tree (3 MB of text if read)."""
    return one_page(zlib.compress(LINE * 20), layers=1, kids=3000)


BOMBS = {
    "nested-flate": (nested_flate_bomb, 60.0, True),  # builder, time limit, must fail
    "text-operators": (text_operator_bomb, 3.0, False),  # 5.5 MB of text: over max_chars_per_file
    "page-tree": (page_tree_bomb, 4.0, False),
}


# -- checking one outcome -----------------------------------------------------------------------


def attempt(path: Path, settings) -> tuple[object, float]:
    """(document, text, passages), the IngestError or another exception; and the seconds."""
    started = time.monotonic()
    try:
        outcome = prepare(path, hashlib.sha256(path.read_bytes()).hexdigest(), settings)
    except Exception as exc:  # anything but an IngestError is a finding
        outcome = exc
    return outcome, time.monotonic() - started


def problem(path: Path, outcome: object, seconds: float, limit: float) -> str | None:
    """What is wrong with this outcome, or None."""
    if seconds > limit + MARGIN_S:
        return f"took {seconds:.1f} s (limit {limit:g} s)"
    if isinstance(outcome, IngestError):
        if outcome.name != path.name:
            return f"error names {outcome.name!r}"
        if not KNOWN.fullmatch(outcome.reason):
            return f"unknown reason {outcome.reason!r}"
        return None
    if isinstance(outcome, BaseException):
        return f"{type(outcome).__name__}: {outcome}"
    document, text, passages = outcome
    if not passages or not all(p.text.strip() for p in passages):
        return "success without passages"
    if CONTROL.search(text) or not unicodedata.is_normalized("NFC", text):
        return "text not clean"
    try:
        text.encode("utf-8")  # what the library stores
    except UnicodeEncodeError as exc:
        return f"text cannot be stored ({exc})"
    if document.pages is None:  # a format without pages (DOCX, Markdown without page marks)
        if any(p.page_start is not None or p.page_end is not None for p in passages):
            return "page numbers in a document without pages"
    elif not all(1 <= p.page_start <= p.page_end <= document.pages for p in passages):
        return "passage pages outside the document"
    return None


# -- the tests ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_fuzzed_samples_end_in_passages_or_a_named_reason_in_time(tmp_path, settings):
    started = time.monotonic()
    variants = build_variants(tmp_path / "variants")
    assert len(variants) >= 200
    assert len({v.sample for v in variants}) >= 15

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(lambda v: attempt(v.path, settings), variants))

    read, reasons, unexpected = 0, Counter(), []
    for variant, (outcome, seconds) in zip(variants, outcomes, strict=True):
        if found := problem(variant.path, outcome, seconds, settings.read_timeout_s):
            unexpected.append(f"{variant.path.name} ({variant.change} of {variant.sample}): {found}")
        elif isinstance(outcome, IngestError):
            reasons[kind_of(outcome.reason)] += 1
        else:
            read += 1
    slowest = max(seconds for _, seconds in outcomes)
    print(
        f"\nfuzz: {len(variants)} variants of {len({v.sample for v in variants})} samples, {read} read, "
        f"{sum(reasons.values())} named errors, {len(unexpected)} unexpected, max {slowest:.1f} s, "
        f"all in {time.monotonic() - started:.0f} s with {WORKERS} readers at once"
    )
    print("fuzz reasons: " + ", ".join(f"{kind} {n}" for kind, n in reasons.most_common()))
    assert not unexpected, "\n".join(unexpected)
    assert read and reasons  # the changes are neither all harmless nor all fatal


def test_variants_are_the_same_on_every_run(tmp_path):
    first = build_variants(tmp_path / "one", per_sample=2)
    second = build_variants(tmp_path / "two", per_sample=2)
    assert [v.path.read_bytes() for v in first] == [v.path.read_bytes() for v in second]
    assert not any(PDF_SAMPLES in v.path.parents for v in first)  # the samples are only read


@pytest.mark.slow
@pytest.mark.parametrize("bomb", list(BOMBS))
def test_bombs_are_stopped_in_time(tmp_path, settings, bomb):
    build, limit, must_fail = BOMBS[bomb]
    data = build()
    path = tmp_path / f"{bomb}.pdf"
    path.write_bytes(data)
    assert len(data) < 25_000  # a small file ...
    limited = settings.replace(read_timeout_s=limit)
    for memory in (limited.read_memory_mb, 150):  # pypdf's caps and our time limit, then our memory cap
        outcome, seconds = attempt(path, limited.replace(read_memory_mb=memory))
        assert problem(path, outcome, seconds, limit) is None, (memory, outcome, seconds)
        if must_fail:
            assert isinstance(outcome, IngestError), f"{bomb} was read at {memory} MB"
        print(f"\nbomb {bomb} ({len(data)} bytes, {memory} MB): {seconds:.1f} s, {outcome}")


@pytest.mark.slow
def test_a_batch_of_fuzzed_files_leaves_the_library_sound(tmp_path, seeds_library):
    settings = seeds_library
    before = Library.open(settings.index_dir)
    seeds = {d.doc_id: d.passages for d in before.documents()}
    before.close()
    variants = random.Random(SEED + 1).sample(build_variants(tmp_path / "all", per_sample=2), 20)
    batch = tmp_path / "batch"
    batch.mkdir()
    for variant in variants:
        variant.path.rename(batch / variant.path.name)
    (batch / "nested-flate-bomb.pdf").write_bytes(nested_flate_bomb())
    names = {p.name for p in batch.iterdir()}

    reports = ingest([batch], settings, FakeEmbedder())

    assert sorted(r.name for r in reports) == sorted(names)  # one report for every file
    for report in reports:
        assert report.status in ("added", "failed"), report
        if report.status == "failed":
            assert report.reason and KNOWN.fullmatch(report.reason), report
        else:
            assert report.passages > 0 and report.reason is None, report
    assert {r.name: r.status for r in reports}["nested-flate-bomb.pdf"] == "failed"

    library = Library.open(settings.index_dir)
    try:
        assert library.check() == []
        documents = {d.doc_id: d for d in library.documents()}
        for doc_id, passages in seeds.items():  # the seeds are still there, whole
            assert documents[doc_id].status == "indexed" and documents[doc_id].passages == passages
        for report in reports:
            assert documents[report.doc_id].status == ("indexed" if report.status == "added" else "failed")
            assert documents[report.doc_id].passages == report.passages
        searcher = Searcher(library, FakeEmbedder())
        assert searcher.search("DAISU", k=3, mode="keyword")[0].passage.doc_id == "child-i-hscb"
        hit = searcher.search("Named GPs Key Performance Indicators", k=1)[0]
        assert hit.passage.doc_id == "child-j-hscp-2019"
    finally:
        library.close()
    added = sum(r.status == "added" for r in reports)
    print(f"\nfuzz batch: {len(reports)} files, {added} added, {len(reports) - added} failed with a reason")


# -- a file built to give text that cannot be stored --------------------------------------------

SURROGATE_MAP = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CMapName /Lone-Surrogate def
/CMapType 2 def
1 begincodespacerange
<00> <FF>
endcodespacerange
1 beginbfchar
<7E> <D800>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


def lone_surrogate_pdf() -> bytes:
    """A page whose font's ToUnicode map turns '~' into U+D800, half of a UTF-16 pair: pypdf
    decodes such maps with 'surrogatepass', so the text it returns holds a lone surrogate."""
    content = b"BT /F1 12 Tf 72 700 Td (Recommendation 1: agencies must share information~ now.) Tj ET"
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(SURROGATE_MAP) + SURROGATE_MAP + b"\nendstream",
    ])  # fmt: skip


def test_a_lone_surrogate_in_the_text_does_not_stop_the_batch(tmp_path, seeds_library):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "surrogate.pdf").write_bytes(lone_surrogate_pdf())
    (batch / "good.md").write_text("# Good review\n\nRecommendation 1: Schools should share concerns.\n")

    reports = {r.name: r for r in ingest([batch], seeds_library, FakeEmbedder())}

    assert reports["good.md"].status == "added"
    assert reports["surrogate.pdf"].status == "added" or KNOWN.fullmatch(reports["surrogate.pdf"].reason)
    library = Library.open(seeds_library.index_dir)
    try:
        assert library.check() == []
        text = library.document_text(reports["surrogate.pdf"].doc_id)
        assert "\ud800" not in text
    finally:
        library.close()
