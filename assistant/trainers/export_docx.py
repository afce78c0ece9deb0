"""A seven-minute briefing → a Word file: A4, headings, a two-page layout, a feedback box.

Quotations are in the "Quote" style inside quotation marks, each followed by its citation; the
trainer's own words are ordinary paragraphs under their part's heading. Sizes are kept small
enough (11 pt body, 2 cm margins) for a typical briefing to fill about two A4 pages.
"""

from __future__ import annotations

import io

from docx import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from assistant.trainers.export import (
    FEEDBACK,
    FEEDBACK_PROMPTS,
    KIND,
    SOURCE_LINE,
    checked,
    paragraphs,
    plain,
    questions,
    quoted,
    safe_url,
    sections,
)
from assistant.trainers.packs import Briefing

BODY_PT = 11
QUOTE_PT = 11
CITATION_PT = 9


def _bordered(cell) -> None:  # noqa: ANN001 (python-docx has no public cell type)
    """A visible single-line border round a table cell: the box a team writes in."""
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "12")
        edge.set(qn("w:color"), "444444")
        borders.append(edge)
    cell._tc.get_or_add_tcPr().append(borders)  # noqa: SLF001


def to_docx(briefing: Briefing) -> bytes:
    b = checked(briefing)
    doc = DocxDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 22), ("Heading 1", 14)):
        doc.styles[name].font.size = Pt(size)
        doc.styles[name].font.name = "Arial"
    quote_style = doc.styles["Quote"]
    quote_style.font.size = Pt(QUOTE_PT)
    doc.core_properties.title = plain(b.title)
    doc.core_properties.subject = KIND

    doc.add_paragraph(plain(b.title), style="Title")
    lead = doc.add_paragraph()
    lead.add_run(f"{KIND}. {SOURCE_LINE}.").italic = True
    if b.audience.strip():
        line = doc.add_paragraph()
        line.add_run("For: ").bold = True
        line.add_run(plain(" ".join(b.audience.split())))

    for heading, part in sections(b):
        doc.add_heading(heading, level=1)
        for quote in part.quotes:
            words = doc.add_paragraph(plain(quoted(quote)), style="Quote").paragraph_format
            words.space_after, words.keep_with_next = Pt(0), True  # a citation never starts a page
            source = doc.add_paragraph().add_run(f"— {plain(quote.citation)}")
            source.font.size = Pt(CITATION_PT)
            source.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
        for paragraph in paragraphs(part.text):
            doc.add_paragraph(plain(paragraph))

    doc.add_heading("Reflective questions", level=1)
    for question in questions(b):
        doc.add_paragraph(plain(question), style="List Number")
    doc.add_heading("Further reading", level=1)
    for r in b.reading:
        entry = doc.add_paragraph(style="List Bullet")
        entry.add_run(plain(r.citation)).bold = True
        if r.title.strip():
            entry.add_run(f": {plain(' '.join(r.title.split()))}")
        if safe_url(r.url):
            entry.add_run(f" {r.url.strip()}")

    doc.add_heading(FEEDBACK, level=1)
    box = doc.add_table(rows=1, cols=1)
    box.alignment = WD_TABLE_ALIGNMENT.CENTER
    cell = box.rows[0].cells[0]
    _bordered(cell)
    cell.paragraphs[0].add_run("Please tell the trainer, or the partnership, how you used it.").italic = True
    for prompt in FEEDBACK_PROMPTS:
        cell.add_paragraph().add_run(prompt).bold = True
        cell.add_paragraph("")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
