"""A trainer's session pack → Markdown, DOCX and PPTX.

Owns the `PackItem` and `SessionPack` records and the three writers. Every quote is written
word for word with its citation beside it; the order of `SessionPack.items` is the order of
the learning points. Document text is only ever written as plain text: escaped in Markdown,
plain runs in DOCX and PPTX, so markup in a review can never become markup in the pack.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from docx import Document as DocxDocument
from pptx import Presentation
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Inches, Length, Pt

from assistant.errors import AssistantError
from assistant.records import Hit

DEFAULT_TITLE = "Learning from safeguarding reviews"
SUBTITLE = "Learning from published safeguarding reviews"
DEFAULT_QUESTIONS: tuple[str, ...] = (
    "What would have helped agencies share this information sooner?",
    "Whose voice is missing here, and how could the child's lived experience have been heard?",
    "How does this learning apply to your own team's practice?",
    "What will you do differently after today?",
)
SLIDE_QUOTE_LIMIT = 900  # characters; longer quotes are shortened on the slide only
SHORTENED_NOTICE = "Quote shortened for this slide: the full passage is in the handout and the notes."


class EmptyPack(AssistantError, ValueError):
    """A session pack with no passages cannot be exported."""


@dataclass(frozen=True)
class PackItem:
    """One passage chosen by the trainer, with the citation fixed when it was found."""

    citation: str  # "Child J (HSCP, 2019): Recommendation 1, page 1"
    quote: str  # the passage text, word for word
    note: str = ""  # the trainer's own note
    title: str = ""  # document title
    section: str = ""
    doc_id: str = ""
    passage_id: int | None = None

    @classmethod
    def from_hit(cls, hit: Hit, note: str = "") -> PackItem:
        return cls(
            citation=hit.citation,
            quote=hit.passage.text,
            note=note,
            title=hit.document.title,
            section=hit.passage.section,
            doc_id=hit.passage.doc_id,
            passage_id=hit.passage.id,
        )


@dataclass(frozen=True)
class SessionPack:
    """The material for one training session; an empty `questions` means the defaults."""

    title: str
    items: tuple[PackItem, ...]
    questions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "questions", tuple(q.strip() for q in self.questions if q.strip()))


# ---- shared helpers -------------------------------------------------------------------------


def _checked(pack: SessionPack) -> tuple[str, tuple[str, ...]]:
    """The pack's title and questions, or EmptyPack if there is nothing to teach from."""
    if not pack.items:
        raise EmptyPack(
            f"The session pack {pack.title!r} has no passages: add at least one passage before exporting."
        )
    return pack.title.strip() or DEFAULT_TITLE, pack.questions or DEFAULT_QUESTIONS


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _plain(text: str) -> str:
    """Text that Word and PowerPoint files can hold: control characters become spaces."""
    return _XML_UNSAFE.sub(" ", text)


def shorten(text: str, limit: int = SLIDE_QUOTE_LIMIT) -> tuple[str, bool]:
    """`text` cut to at most `limit` characters on a word boundary with "…"; and whether it was cut."""
    text = text.strip()
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    if not text[limit].isspace():  # mid-word: drop the partial word, unless it is the only one
        cut = re.sub(r"\s+\S*\Z", "", cut) or cut
    return cut.rstrip(" \t\n,;:-–—") + "…", True


# ---- Markdown -------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]!|~$])")  # $: some renderers (Streamlit) do maths
_MD_LINE_START = re.compile(r"^(#|[+\-=]|\d+[.)])")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_markdown(text: str) -> str:
    """`text` shown literally by a Markdown renderer: specials backslashed, `<`, `>`, `&` as entities."""
    lines = []
    for line in text.splitlines():
        line = _MD_INLINE.sub(r"\\\1", line.strip())
        line = _MD_LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line)
        lines.append(re.sub(r"[&<>]", lambda m: _MD_ENTITIES[m.group(0)], line))
    return "\n".join(lines)


def to_markdown(pack: SessionPack) -> str:
    title, questions = _checked(pack)
    out = [f"# {escape_markdown(' '.join(title.split()))}", ""]
    for number, item in enumerate(pack.items, start=1):
        out += [f"## Learning point {number}", ""]
        out += [f"> {line}" if line else ">" for line in escape_markdown(item.quote).split("\n")]
        out += ["", f"— {escape_markdown(item.citation)}", ""]
        if item.note.strip():
            out += [f"**Trainer's note:** {escape_markdown(item.note)}", ""]
    out += ["## Reflective questions", ""]
    out += [f"- {escape_markdown(q)}" for q in questions]
    return "\n".join(out) + "\n"


# ---- DOCX -----------------------------------------------------------------------------------


def to_docx(pack: SessionPack) -> bytes:
    title, questions = _checked(pack)
    doc = DocxDocument()
    doc.core_properties.title = _plain(title)
    doc.add_heading(_plain(title), level=0)
    doc.add_paragraph(SUBTITLE)
    for number, item in enumerate(pack.items, start=1):
        doc.add_heading(f"Learning point {number}", level=1)
        doc.add_paragraph(_plain(item.quote.strip()), style="Quote")
        doc.add_paragraph().add_run(f"— {_plain(item.citation)}").italic = True
        if item.note.strip():
            note = doc.add_paragraph()
            note.add_run("Trainer's note: ").bold = True
            note.add_run(_plain(item.note.strip()))
    doc.add_heading("Reflective questions", level=1)
    for question in questions:
        doc.add_paragraph(_plain(question), style="List Number")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---- PPTX -----------------------------------------------------------------------------------

_QUOTE_BOX = (Inches(0.6), Inches(1.5), Inches(8.8), Inches(4.5))  # left, top, width, height
_CITATION_BOX = (Inches(0.6), Inches(6.1), Inches(8.8), Inches(1.1))


def _quote_size(text: str) -> Length:
    """The largest of 18/16/14 pt at which `text` should fit the quote box (a rough estimate)."""
    for points in (18, 16):
        per_line = 8.8 * 72 / (points * 0.5)  # box width over an average character width
        lines = sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))
        if lines * points * 1.2 <= 4.5 * 72:
            return Pt(points)
    return Pt(14)


def _text_box(
    slide: Slide, box: tuple[Length, Length, Length, Length], text: str, size: Length, italic: bool = False
) -> TextFrame:
    frame = slide.shapes.add_textbox(*box).text_frame
    frame.word_wrap = True
    frame.text = text
    for paragraph in frame.paragraphs:
        paragraph.font.size = size
        paragraph.font.italic = italic
    return frame


def to_pptx(pack: SessionPack) -> bytes:
    title, questions = _checked(pack)
    prs = Presentation()
    prs.core_properties.title = _plain(title)
    cover = prs.slides.add_slide(prs.slide_layouts[0])
    cover.shapes.title.text = _plain(title)
    cover.placeholders[1].text = SUBTITLE
    for number, item in enumerate(pack.items, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
        slide.shapes.title.text = f"Learning point {number}"
        quote, was_cut = shorten(_plain(item.quote))
        _text_box(slide, _QUOTE_BOX, f"“{quote}”", _quote_size(quote))
        source = _text_box(slide, _CITATION_BOX, f"— {_plain(item.citation)}", Pt(14), italic=True)
        if was_cut:
            notice = source.add_paragraph()
            notice.text = SHORTENED_NOTICE
            notice.font.size = Pt(12)
        notes = [f"Trainer's note: {item.note.strip()}"] if item.note.strip() else []
        notes.append(f"Source: {item.citation}")
        if was_cut:
            notes.append(f"Full passage: {item.quote.strip()}")
        slide.notes_slide.notes_text_frame.text = _plain("\n\n".join(notes))
    closing = prs.slides.add_slide(prs.slide_layouts[1])  # "Title and Content"
    closing.shapes.title.text = "Reflective questions"
    body = closing.placeholders[1].text_frame
    body.word_wrap = True
    body.text = "\n".join(_plain(q) for q in questions)
    for paragraph in body.paragraphs:
        paragraph.font.size = Pt(22)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
