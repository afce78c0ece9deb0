"""A seven-minute briefing → Markdown and accessible text-only HTML; what every format shares.

Word and PowerPoint live in :mod:`assistant.trainers.export_docx` and :mod:`assistant.trainers.export_pptx`.
Every format keeps the two kinds of text apart: a quotation is written word for word inside
quotation marks (a blockquote) with its citation, the trainer's own words as plain paragraphs
under their part's heading. Document text is only ever written as text: escaped in Markdown
and HTML, plain runs in DOCX and PPTX, so markup in a review never becomes markup here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.markdown_escape import escape_lines
from assistant.trainers.packs import GONE, Briefing, Locator, Pack, Part, Quote

if TYPE_CHECKING:
    from assistant.library import Library

KIND = "Seven-minute briefing"
SOURCE_LINE = "Learning from published reviews and reports"  # safeguarding reviews, coroners' reports
FEEDBACK = "How did your team use this briefing?"
FEEDBACK_PROMPTS = ("Team or service:", "Date used:", "What did you discuss, and what will you change?")
OWN_WORDS = "The trainer's words"
DEFAULT_TITLE = "Learning from safeguarding reviews"


class EmptyPack(AssistantError, ValueError):
    """A briefing with nothing in it cannot be exported."""


@dataclass(frozen=True)
class Sources:
    """For each quotation (by its place): the whole passage it was taken from, its citation and the
    trainer's note on that passage, for the speaker notes."""

    passages: dict[tuple[str, int, int], tuple[str, str, str]]

    def of(self, quote: Quote) -> tuple[str, str, str]:
        return self.passages.get((quote.sha256, quote.start, quote.end), (quote.text, quote.citation, ""))


def sections(briefing: Briefing) -> list[tuple[str, Part]]:
    """(heading, part) of the five quoted parts that hold something, in order (a part with no
    quotation and none of the trainer's words is left out); the questions and reading follow."""
    return [(name, part) for _, name, part in briefing.parts() if part.quotes or part.text.strip()]


PART_ORDER = ("Background", "Why it matters", "Key learning", "What to do", "What good looks like",
              "Reflective questions", "Further reading")  # fmt: skip


def checked(briefing: Briefing) -> Briefing:
    """The briefing with its title filled in, or EmptyPack when it holds nothing to teach from."""
    if not any(part.quotes or part.text.strip() for _, part in sections(briefing)):
        raise EmptyPack(
            f"The briefing {briefing.title!r} is empty: add passages to the pack (or write in a part) first."
        )
    return replace(briefing, title=" ".join(briefing.title.split()) or DEFAULT_TITLE)


def prepared(pack: Pack, library: Library | None) -> tuple[Briefing, Sources]:
    """The pack's briefing for export: every quotation checked against the library (one that is
    gone keeps its words and citation, marked "no longer in the library"), and the passages
    for the speaker notes."""
    if pack.briefing is None:
        raise EmptyPack(f"The pack {pack.name!r} has no briefing yet: draft one first.")
    briefing = checked(pack.briefing)
    found: dict[tuple[str, int, int], tuple[str, str, str]] = {}
    by_passage = [(i.passage.sha256, i.passage.start, i.passage.end, i.passage.text, i.passage.citation,
                   i.note) for i in pack.items]  # fmt: skip
    locator = Locator(library) if library is not None else None
    passages_of: dict[str, list] = {}

    def mark(quote: Quote) -> Quote:
        now = locator.find(quote) if locator else quote
        if now is None:
            return replace(quote, citation=f"{quote.citation} ({GONE})")
        if locator is not None:
            if now.doc_id not in passages_of:
                passages_of[now.doc_id] = library.passages(doc_id=now.doc_id)  # type: ignore[union-attr]
            for p in passages_of[now.doc_id]:
                if p.char_start <= now.start and now.end <= p.char_end:
                    found[(quote.sha256, quote.start, quote.end)] = (p.text, quote.citation, "")
        for sha, start, end, text, citation, note in by_passage:
            if sha == quote.sha256 and start <= quote.start and quote.end <= end:
                found[(quote.sha256, quote.start, quote.end)] = (text, citation, note)
        return quote

    return briefing.with_quotes(mark), Sources(found)


def quoted(quote: Quote) -> str:
    """The words in quotation marks, "…" where the sentence was cut."""
    ellipsis = "\u2026" if quote.cut else ""
    return "\u201c" + quote.text.strip() + ellipsis + "\u201d"


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plain(text: str) -> str:
    """Text that Word and PowerPoint files can hold: control characters become spaces."""
    return _XML_UNSAFE.sub(" ", text)


def paragraphs(text: str) -> list[str]:
    """The trainer's words as paragraphs (blank lines between them), white space tidied."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def questions(briefing: Briefing) -> list[str]:
    return [" ".join(q.split()) for q in briefing.questions if q.strip()]


# ---- Markdown -------------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """`text` shown literally by a Markdown renderer (:func:`assistant.markdown_escape.escape_lines`)."""
    return escape_lines(text)


def _one_line(text: str) -> str:
    return escape_markdown(" ".join(text.split()))


def to_markdown(briefing: Briefing) -> str:
    b = checked(briefing)
    out = [f"# {_one_line(b.title)}", "", f"*{KIND}. {SOURCE_LINE}.*", ""]
    if b.audience.strip():
        out += [f"**For:** {_one_line(b.audience)}", ""]
    for heading, part in sections(b):
        out += [f"## {heading}", ""]
        for quote in part.quotes:
            out += [f"> {_one_line(quoted(quote))}", ">", f"> — {_one_line(quote.citation)}", ""]
        out += [f"{escape_markdown(p)}\n" for p in paragraphs(part.text)]
    out += ["## Reflective questions", ""]
    out += [f"{n}. {_one_line(q)}" for n, q in enumerate(questions(b), start=1)] + [""]
    out += ["## Further reading", ""]
    for r in b.reading:
        link = f" <{r.url}>" if safe_url(r.url) else ""
        title = f": {_one_line(r.title)}" if r.title.strip() else ""
        out.append(f"- {_one_line(r.citation)}{title}{link}")
    out += ["", f"## {FEEDBACK}", ""] + [f"- {p}" for p in FEEDBACK_PROMPTS]
    return "\n".join(out) + "\n"


def safe_url(url: str) -> bool:
    """Only plain web addresses become links; anything else is left out."""
    return bool(re.fullmatch(r"https?://[^\s<>\"'`]{1,2000}", url.strip()))


# ---- accessible text-only HTML --------------------------------------------------------------


def to_html(briefing: Briefing) -> str:
    """One self-contained page: headings, lists and blockquotes only; no script, no images, no
    outside resources; every piece of text escaped."""
    b = checked(briefing)
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(b.title)}: {KIND}</title>",
        "<style>body{font-family:sans-serif;font-size:1.1rem;line-height:1.5;max-width:45rem;"
        "margin:1rem auto;padding:0 1rem}blockquote{margin:1rem 0;padding-left:1rem;"
        "border-left:4px solid #555}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(b.title)}</h1>",
        f"<p>{KIND}. {SOURCE_LINE}.</p>",
    ]
    if b.audience.strip():
        out.append(f"<p><strong>For:</strong> {e(b.audience.strip())}</p>")
    for heading, part in sections(b):
        out.append(f"<h2>{e(heading)}</h2>")
        for quote in part.quotes:
            out.append(
                f"<blockquote><p>{e(quoted(quote))}</p><p>— <cite>{e(quote.citation)}</cite></p></blockquote>"
            )
        out += [f"<p>{e(p)}</p>" for p in paragraphs(part.text)]
    out.append("<h2>Reflective questions</h2>")
    out.append("<ol>" + "".join(f"<li>{e(q)}</li>" for q in questions(b)) + "</ol>")
    out.append("<h2>Further reading</h2>")
    items = []
    for r in b.reading:
        title = f": {e(r.title.strip())}" if r.title.strip() else ""
        url = r.url.strip()
        link = f' <a href="{e(url)}">{e(url)}</a>' if safe_url(url) else ""
        items.append(f"<li>{e(r.citation)}{title}{link}</li>")
    out.append("<ul>" + "".join(items) + "</ul>")
    out.append(f"<h2>{FEEDBACK}</h2>")
    out.append("<ul>" + "".join(f"<li>{e(p)}</li>" for p in FEEDBACK_PROMPTS) + "</ul>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
