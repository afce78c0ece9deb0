"""The session pack: each format is opened with its own library and read back."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from docx import Document as DocxDocument
from docx.text.paragraph import Paragraph
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from assistant.errors import AssistantError
from assistant.export import (
    DEFAULT_QUESTIONS,
    SHORTENED_NOTICE,
    SLIDE_QUOTE_LIMIT,
    EmptyPack,
    PackItem,
    SessionPack,
    escape_markdown,
    shorten,
    to_docx,
    to_markdown,
    to_pptx,
)
from assistant.records import Document, Hit, Passage

HOSTILE = "Staff wrote <script>alert(1)</script> and **bold** in the record & _moved_ on."
LONG = " ".join(f"word{i}" for i in range(400))  # about 3,000 characters

ITEMS = (
    PackItem(
        citation="Child J (HSCP, 2019): Recommendation 1, page 1",
        quote="Agencies did not share the referral with the school nurse.",
        note="Ask the group who held this information.",
    ),
    PackItem(citation="Child K (LSCP, 2021): Findings, pages 4-5", quote=HOSTILE),
    PackItem(
        citation="Child L (SSCP, 2022): Analysis, page 9",
        quote="The health visitor noticed the bruising. " + LONG,
        note="Long one: read aloud.",
    ),
)
PACK = SessionPack(title="Neglect and information sharing", items=ITEMS, questions=("Q one?", "Q two?"))


def docx_paragraphs(pack: SessionPack) -> list[Paragraph]:
    return list(DocxDocument(io.BytesIO(to_docx(pack))).paragraphs)


def slide_texts(pack: SessionPack) -> list[str]:
    """The text of each slide's shapes (not its notes), one string per slide."""
    prs = Presentation(io.BytesIO(to_pptx(pack)))
    return ["\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in prs.slides]


def slide_notes(pack: SessionPack) -> list[str]:
    prs = Presentation(io.BytesIO(to_pptx(pack)))
    return [slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else "" for slide in prs.slides]


# ---- records --------------------------------------------------------------------------------


def test_from_hit_keeps_the_citation_and_the_words() -> None:
    passage = Passage(
        doc_id="child-j",
        title="Child J review",
        section="Recommendation 1",
        recommendation=1,
        page_start=1,
        page_end=1,
        char_start=0,
        char_end=10,
        text="Share the referral.",
        id=7,
    )
    document = Document(
        doc_id="child-j",
        title="Child J review",
        source="child-j.pdf",
        kind="pdf",
        sha256="0" * 64,
        status="indexed",
        subject="Child J",
        partnership_short="HSCP",
        published="2019-03-01",
    )
    hit = Hit(rank=1, score=1.0, passage=passage, document=document, highlights=(), similarity=None)
    item = PackItem.from_hit(hit, note="mine")
    assert item == PackItem(
        citation="Child J (HSCP, 2019): Recommendation 1, page 1",
        quote="Share the referral.",
        note="mine",
        title="Child J review",
        section="Recommendation 1",
        doc_id="child-j",
        passage_id=7,
    )


def test_empty_questions_mean_the_default_questions() -> None:
    pack = SessionPack(title="T", items=ITEMS[:1])
    markdown = to_markdown(pack)
    assert len(DEFAULT_QUESTIONS) >= 3
    for question in DEFAULT_QUESTIONS:
        assert escape_markdown(question) in markdown
    texts = slide_texts(pack)
    assert all(q in texts[-1] for q in DEFAULT_QUESTIONS)


@pytest.mark.parametrize("export", [to_markdown, to_docx, to_pptx])
def test_an_empty_pack_raises_a_named_error(export: Callable[[SessionPack], object]) -> None:
    with pytest.raises(EmptyPack, match="no passages"):
        export(SessionPack(title="Empty", items=()))
    assert issubclass(EmptyPack, AssistantError)


# ---- Markdown -------------------------------------------------------------------------------


def test_markdown_has_every_point_in_order_with_its_citation_and_note() -> None:
    markdown = to_markdown(PACK)
    assert markdown.startswith("# Neglect and information sharing\n")
    positions = [markdown.index(f"## Learning point {n}") for n in (1, 2, 3)]
    assert positions == sorted(positions) and "## Learning point 4" not in markdown
    for item, start in zip(ITEMS, positions, strict=True):
        section = markdown[start:]
        assert f"— {escape_markdown(item.citation)}" in section.split("## ")[1]
    assert "> Agencies did not share the referral with the school nurse." in markdown
    assert "**Trainer's note:** Ask the group who held this information." in markdown
    assert markdown.index("## Reflective questions") > positions[-1]
    assert "- Q one?\n- Q two?" in markdown


def test_markdown_escapes_markup_in_quotes() -> None:
    markdown = to_markdown(PACK)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "\\*\\*bold\\*\\*" in markdown and "&amp; \\_moved\\_" in markdown
    assert "<script>" not in markdown and "**bold**" not in markdown


def test_rendered_markdown_shows_markup_literally() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(to_markdown(PACK))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "**bold**" in html and "<strong>bold" not in html and "<em>moved" not in html
    assert html.count("<blockquote>") == 3


def test_escape_markdown_defuses_line_starts() -> None:
    text = "# not a heading\n- not a list\n1. not a list\n> not a quote\n    not code"
    html = pytest.importorskip("markdown_it").MarkdownIt("commonmark").render(escape_markdown(text))
    for tag in ("<h1>", "<ul>", "<ol>", "<blockquote>", "<code>"):
        assert tag not in html
    assert "# not a heading" in html and "&gt; not a quote" in html


def test_long_quote_is_whole_in_markdown() -> None:
    assert escape_markdown(ITEMS[2].quote) in to_markdown(PACK)


# ---- DOCX -----------------------------------------------------------------------------------


def test_docx_has_title_points_quotes_citations_notes_and_questions() -> None:
    paragraphs = docx_paragraphs(PACK)
    texts = [p.text for p in paragraphs]
    assert texts[0] == "Neglect and information sharing" and paragraphs[0].style.name == "Title"
    headings = [t for t, p in zip(texts, paragraphs, strict=True) if p.style.name == "Heading 1"]
    assert headings == ["Learning point 1", "Learning point 2", "Learning point 3", "Reflective questions"]
    quotes = [p.text for p in paragraphs if p.style.name == "Quote"]
    assert quotes == [item.quote for item in ITEMS]  # in order, word for word, long one whole
    for item in ITEMS:
        citation = paragraphs[texts.index(f"— {item.citation}")]
        assert all(run.italic for run in citation.runs)
        assert texts.index(f"— {item.citation}") == texts.index(item.quote) + 1
    assert "Trainer's note: Ask the group who held this information." in texts
    assert "Trainer's note: Long one: read aloud." in texts
    assert sum(t.startswith("Trainer's note:") for t in texts) == 2
    assert texts[-2:] == ["Q one?", "Q two?"]


def test_docx_keeps_markup_as_literal_text() -> None:
    assert HOSTILE in [p.text for p in docx_paragraphs(PACK)]


# ---- PPTX -----------------------------------------------------------------------------------


def test_pptx_has_a_title_slide_a_slide_per_point_and_a_questions_slide() -> None:
    texts = slide_texts(PACK)
    assert len(texts) == len(ITEMS) + 2
    assert "Neglect and information sharing" in texts[0]
    assert "Learning from published safeguarding reviews" in texts[0]
    for number, (text, item) in enumerate(zip(texts[1:-1], ITEMS, strict=True), start=1):
        assert text.startswith(f"Learning point {number}\n")
        assert f"— {item.citation}" in text
    assert "Agencies did not share the referral with the school nurse." in texts[1]
    assert texts[-1] == "Reflective questions\nQ one?\nQ two?"


def test_pptx_keeps_markup_as_literal_text() -> None:
    assert HOSTILE in slide_texts(PACK)[2]


def test_pptx_notes_carry_the_trainers_note() -> None:
    notes = slide_notes(PACK)
    assert "Ask the group who held this information." in notes[1]
    assert "Trainer's note" not in notes[2]
    assert "Long one: read aloud." in notes[3]


def test_pptx_shortens_a_long_quote_and_says_so() -> None:
    text = slide_texts(PACK)[3]
    assert ITEMS[2].quote not in text
    assert "The health visitor noticed the bruising. word0 word1" in text
    assert "…" in text and SHORTENED_NOTICE in text
    assert SHORTENED_NOTICE not in slide_texts(PACK)[1]
    assert ITEMS[2].quote in slide_notes(PACK)[3]  # the presenter still has the whole passage


def test_pptx_text_boxes_wrap() -> None:
    prs = Presentation(io.BytesIO(to_pptx(PACK)))
    boxes = [s for s in prs.slides[1].shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX]
    assert len(boxes) == 2 and all(b.text_frame.word_wrap for b in boxes)


def test_shorten_keeps_whole_words() -> None:
    short, cut = shorten(LONG)
    assert cut and short.endswith("…") and len(short) <= SLIDE_QUOTE_LIMIT + 1
    assert short[:-1].split() == LONG.split()[: len(short[:-1].split())]
    assert shorten("short text") == ("short text", False)
