"""Fuzzed Word, Markdown and front-matter files, in the style of the PDF fuzzing (test_fuzz.py).

Every variant must end, within the reading time limit plus a margin, either in passages or in an
:class:`IngestError` whose reason is one of the named ones. The seeds are the corpus's two real
Markdown responses (only read) and Word documents made here with python-docx; a seeded
``random.Random`` makes every run build the same variants.
"""

from __future__ import annotations

import random
import re
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.errors import IngestError

from .documents import docx_bytes, docx_xml_bomb, markdown, parts, with_compression_method, zip_of
from .support import CORPUS
from .test_fuzz import KNOWN, MARGIN_S, WORKERS, attempt, flip, insert, kind_of, problem, truncate, zero_span

SEED = 16_2026
DOCUMENT_REASONS = re.compile(
    KNOWN.pattern + r"|corrupt Word document \(.+\)"
    r"|Word document compressed with a method that cannot be read \(.+\)"
    r"|not a Word document \(no DOCX content found\)"
    r"|not a text file \((binary content|unknown encoding)\)"
    r"|front matter is not valid YAML \(.+\)"
    r"|front matter is not a set of 'key: value' lines"
    r"|front matter is nested too deeply \(over \d+ levels\)"
    r"|front matter uses YAML aliases \(\*name\); they are not accepted"
    r"|front matter is too long \(over \d+ KB\)",
    re.S,
)
WARNING = re.compile(r"front matter '\w+' (is not a single value|is longer than \d+ characters"
                     r"|is not a real date \(.*\)); left out", re.S)  # fmt: skip
SECRET = "root:x:0:0"  # from /etc/passwd: an XML external entity must never be read


def seeds_markdown() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md"))]


def seed_docx() -> bytes:
    body = seeds_markdown()[1].split("---\n", 2)[2]
    return docx_bytes(tuple(p.strip() for p in body.split("\n\n") if p.strip())[:40])


# -- Markdown -------------------------------------------------------------------------------------

TOKENS = ["[", "](", "<!--", "-->", "\n", ".", "!", "#", "# ", "*", "_", "|", "<sup>", "[^1]",
          "[^1]: ", "<!-- page 2 -->\n", "<!-- page 99999999999 -->\n", "\f", "---\n", " ", "\t",
          "\r", "\u200b", "\ufeff", "\u0000", "\ud7ff", "Recommendation 1\n", "Response\n",
          "```"]  # fmt: skip


def md_run(text: str, rng: random.Random) -> str:
    """A long run of one piece of Markdown syntax pasted in: the shape of the slow patterns."""
    at = rng.randrange(len(text) + 1)
    token = rng.choice(TOKENS)
    return text[:at] + token * (rng.randint(1_000, 60_000) // len(token)) + text[at:]


def md_repeat(text: str, rng: random.Random) -> str:
    start = rng.randrange(len(text))
    piece = text[start : start + rng.randint(1, 200)]
    return text + piece * (200_000 // len(piece))


def md_tokens(text: str, rng: random.Random) -> str:
    """Syntax sprinkled everywhere."""
    out = list(text)
    for _ in range(rng.randint(10, 500)):
        out.insert(rng.randrange(len(out) + 1), rng.choice(TOKENS))
    return "".join(out)


def md_bytes(change: Callable) -> Callable[[str, random.Random], bytes]:
    def damaged(text: str, rng: random.Random) -> bytes:
        return change(text.encode("utf-8"), rng, [])

    damaged.__name__ = change.__name__
    return damaged


def md_encoding(text: str, rng: random.Random) -> bytes:
    return text.encode(rng.choice(["utf-16", "utf-32", "cp1252", "latin-1"]), "replace")


MARKDOWN_CHANGES = [md_run, md_repeat, md_tokens, md_bytes(truncate), md_bytes(insert),
                    md_bytes(flip), md_encoding]  # fmt: skip


# -- front matter ---------------------------------------------------------------------------------

HOSTILE_YAML = [
    "published: 2019-02-30", "published: 2019-13-01", "published: 31/02/2020", "published: 0000-00-00",
    "published: " + "9" * 5000, "title: " + "9" * 5000, "pages: 1e99999", "pages: 0x" + "f" * 5000,
    "title: " + "[" * 3000 + "]" * 3000, "title: " + "{a: " * 500 + "1" + "}" * 500,
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\ntitle: *b",
    "base: &base {title: x}\n<<: *base", "title: !!binary aGVsbG8=", "title: !!set {a, b}",
    "title: !!python/object/apply:os.system ['true']", "title: !!omap [a: 1]", "title: 'unterminated",
    "title: \"\\x00\"", "- a\n- b", "just a sentence", "title: [a, b]", "title: {x: 1}",
    "title: a\ntitle: b", "\ttitle: tab", "title: " + "x" * 70_000, "? [a, b]\n: c", "title: ~",
    "published: yes", "subject: 12:30:00", "review_type: .inf", "title: \u202eevil\u202c",
]  # fmt: skip


def fm_hostile(meta: str, rng: random.Random) -> str:
    return rng.choice(HOSTILE_YAML)


def fm_mixed(meta: str, rng: random.Random) -> str:
    lines = meta.split("\n")
    lines.insert(rng.randrange(len(lines) + 1), rng.choice(HOSTILE_YAML))
    return "\n".join(lines)


def fm_deep(meta: str, rng: random.Random) -> str:
    depth = rng.randint(15, 3000)
    if rng.random() < 0.5:
        return "title: " + "[" * depth + "x" + "]" * depth
    return "\n".join(" " * i + f"k{i}:" for i in range(min(depth, 400))) + " x"


def fm_tokens(meta: str, rng: random.Random) -> str:
    out = list(meta)
    for _ in range(rng.randint(1, 30)):
        out.insert(rng.randrange(len(out) + 1), rng.choice(list("&*!|>-:?[]{}#%@`'\"\t\n,") + ["<<"]))
    return "".join(out)


FRONT_MATTER_CHANGES = [fm_hostile, fm_mixed, fm_deep, fm_tokens]


# -- DOCX -----------------------------------------------------------------------------------------

XML_PIECES = [b"<w:p>", b"</w:p>", b"<w:tbl>", b"<w:tr><w:tc>", b"&amp;", b"&bogus;", b"\x00", b"<",
              b"]]>", b"<![CDATA[", b"<?xml", b"\xff\xfe", b"<w:t>" + b"x" * 5000]  # fmt: skip
ENTITIES = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">'
            b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            b'<!ENTITY e "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')  # fmt: skip


def docx_bytes_damaged(change: Callable) -> Callable[[bytes, random.Random], bytes]:
    def damaged(data: bytes, rng: random.Random) -> bytes:
        return change(data, rng, [])

    damaged.__name__ = "file_" + change.__name__
    return damaged


def xml_damaged(data: bytes, rng: random.Random) -> bytes:
    files = parts(data)
    name = rng.choice([n for n in files if n.endswith((".xml", ".rels"))])
    body = files[name]
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(body) + 1)
        body = body[:at] + rng.choice(XML_PIECES) + body[at + rng.randint(0, 40) :]
    return zip_of({**files, name: body})


def xml_entities(data: bytes, rng: random.Random) -> bytes:
    files = parts(data)
    xml = files["word/document.xml"].split(b"?>", 1)[1]
    text = rng.choice([b"&x;", b"&e;", b"&e;&e;&e;&e;"])
    xml = xml.replace(b"<w:t>", b"<w:t>" + text, 1)
    return zip_of({**files, "word/document.xml": ENTITIES + xml})


def xml_deep(data: bytes, rng: random.Random) -> bytes:
    files = parts(data)
    depth = rng.randint(100, 20_000)
    nested = b"<w:sdt><w:sdtContent>" * depth + b"<w:p><w:r><w:t>deep</w:t></w:r></w:p>"
    nested += b"</w:sdtContent></w:sdt>" * depth
    xml = files["word/document.xml"].replace(b"<w:body>", b"<w:body>" + nested)
    return zip_of({**files, "word/document.xml": xml})


def part_missing(data: bytes, rng: random.Random) -> bytes:
    files = parts(data)
    files.pop(rng.choice(["[Content_Types].xml", "word/document.xml", "_rels/.rels",
                          "word/_rels/document.xml.rels", "docProps/core.xml"]))  # fmt: skip
    return zip_of(files)


def compression(data: bytes, rng: random.Random) -> bytes:
    return with_compression_method(data, rng.choice([1, 6, 9, 10, 18, 95, 97, 98, 99]))


def expands(data: bytes, rng: random.Random) -> bytes:
    return docx_xml_bomb(rng.choice([30_000, 200_000, 1_000_000]))


def not_word(data: bytes, rng: random.Random) -> bytes:
    return zip_of({"hello.txt": b"hello", "word/document.xml": b"<x/>"} if rng.random() < 0.5 else {})


DOCX_CHANGES = [docx_bytes_damaged(truncate), docx_bytes_damaged(flip), docx_bytes_damaged(zero_span),
                docx_bytes_damaged(insert), xml_damaged, xml_entities, xml_deep, part_missing,
                compression, expands, not_word]  # fmt: skip


# -- building variants ----------------------------------------------------------------------------


def build(kind: str, folder: Path, count: int, seed: int = SEED) -> list[tuple[Path, str]]:
    """``count`` variants of one kind of document, each change used in turn: (path, change)."""
    rng = random.Random(f"{seed}-{kind}")
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        if kind == "markdown":
            change = MARKDOWN_CHANGES[n % len(MARKDOWN_CHANGES)]
            out = change(rng.choice(seeds_markdown()), rng)
            suffix = ".md"
        elif kind == "front-matter":
            change = FRONT_MATTER_CHANGES[n % len(FRONT_MATTER_CHANGES)]
            seed_text = rng.choice(seeds_markdown())
            meta, body = seed_text.split("---\n", 2)[1:]
            out = markdown(change(meta.strip(), rng), body)
            suffix = rng.choice([".md", ".txt"])
        else:
            change = DOCX_CHANGES[n % len(DOCX_CHANGES)]
            out = change(seed_docx(), rng)
            suffix = ".docx"
        path = folder / f"{kind}-{n:03d}-{change.__name__}{suffix}"
        if isinstance(out, str):
            path.write_text(out, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(out)
        made.append((path, change.__name__))
    return made


def check(variants: list[tuple[Path, str]], settings) -> tuple[int, Counter, list[str], float]:
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(lambda v: attempt(v[0], settings), variants))
    read, reasons, unexpected = 0, Counter(), []
    for (path, change), (outcome, seconds) in zip(variants, outcomes, strict=True):
        found = problem(path, outcome, seconds, settings.read_timeout_s)
        if found and found.startswith("unknown reason") and DOCUMENT_REASONS.fullmatch(outcome.reason):
            found = None
        if found is None and not isinstance(outcome, BaseException):
            document, text, _ = outcome
            if SECRET in text:
                found = "an external entity was read"
            bad = [w for w in document.warnings if w.startswith("front matter") and not WARNING.fullmatch(w)]
            found = found or (f"unexpected warning {bad[0]!r}" if bad else None)
        if found:
            unexpected.append(f"{path.name} ({change}): {found}")
        elif isinstance(outcome, IngestError):
            reasons[kind_of(outcome.reason)] += 1
        else:
            read += 1
    return read, reasons, unexpected, max(seconds for _, seconds in outcomes)


KINDS = {"markdown": 70, "front-matter": 80, "docx": 77}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_fuzzed_documents_end_in_passages_or_a_named_reason_in_time(tmp_path, settings, kind):
    started = time.monotonic()
    variants = build(kind, tmp_path / kind, KINDS[kind])
    read, reasons, unexpected, slowest = check(variants, settings)
    print(
        f"\nfuzz {kind}: {len(variants)} variants, {read} read, {sum(reasons.values())} named errors, "
        f"{len(unexpected)} unexpected, max {slowest:.1f} s, all in {time.monotonic() - started:.0f} s"
    )
    print(f"fuzz {kind} reasons: " + ", ".join(f"{k} {n}" for k, n in reasons.most_common()))
    assert not unexpected, "\n".join(unexpected)
    assert read and reasons  # the changes are neither all harmless nor all fatal
    assert slowest < settings.read_timeout_s + MARGIN_S


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_few_fuzzed_documents_of_each_kind(tmp_path, settings, kind):
    """The quick version, with one variant of each change (the first few of the slow test)."""
    changes = {"markdown": MARKDOWN_CHANGES, "front-matter": FRONT_MATTER_CHANGES, "docx": DOCX_CHANGES}
    variants = build(kind, tmp_path / kind, len(changes[kind]))
    _, _, unexpected, _ = check(variants, settings)
    assert not unexpected, "\n".join(unexpected)


def test_document_variants_are_the_same_on_every_run(tmp_path):
    for kind in KINDS:
        one = [p.read_bytes() for p, _ in build(kind, tmp_path / "one" / kind, 8)]
        two = [p.read_bytes() for p, _ in build(kind, tmp_path / "two" / kind, 8)]
        assert one == two, kind
    assert zipfile.is_zipfile(tmp_path / "one" / "docx" / "docx-004-xml_damaged.docx")
