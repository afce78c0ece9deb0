"""The seven-minute briefing's exports, each opened with its own library and read back."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from docx import Document as DocxDocument
from docx.shared import Mm
from pptx import Presentation

from assistant.errors import AssistantError
from assistant.library import Library
from assistant.library.ingest import remove
from assistant.search.searcher import Searcher
from assistant.trainers.briefing import draft
from assistant.trainers.export import (
    FEEDBACK,
    PART_ORDER,
    EmptyPack,
    Sources,
    escape_markdown,
    prepared,
    to_html,
    to_markdown,
)
from assistant.trainers.export_docx import to_docx
from assistant.trainers.export_pptx import MAX_SLIDE_WORDS, to_pptx
from assistant.trainers.gather import from_query
from assistant.trainers.packs import GONE, Briefing, Part, Quote, Reading

HOSTILE = "Staff wrote <script>alert(1)</script> and **bold** in the record & _moved_ on."
LONG = "The health visitor noticed the bruising " + " ".join(f"word{i}" for i in range(60)) + "."
SHA = "ab" * 32


def q(text: str, citation: str, start: int = 0) -> Quote:
    return Quote(text, citation, SHA, start, start + len(text), "child-k", "Child K review")


K = "Child K (LSCP, 2021)"
BRIEFING = Briefing(
    title="Neglect and information sharing",
    audience="Health visitors and school nurses",
    background=Part((q("A baby was found with bruising.", f"{K}: Introduction"),), "MY BACKGROUND."),
    why=Part((), "MY WHY: neglect builds slowly.\n\nA second paragraph of my own."),
    learning=Part((q(HOSTILE, f"{K}: Findings, pages 4-5", 100), q(LONG, "Child K: Analysis", 300))),
    actions=Part((q("Agencies must share referrals.", f"{K}: Recommendation 1", 900),), "MY ACTION."),
    good=Part((q("A weekly meeting now reviews referrals.", "Child K (LSCP, 2021): Recommendation 1", 960),)),
    questions=("MY QUESTION: who held this information?", "", "What will you change?"),
    reading=(Reading("Child K (LSCP, 2021)", "Child K review", "https://example.org/child-k.pdf"),
             Reading("Child L", "Child L review", "javascript:alert(1)")),
)  # fmt: skip
NOTES = Sources({(SHA, 300, 300 + len(LONG)): ("The whole passage. " + LONG, "Child K: Analysis", "MY NOTE")})


def docx_of(briefing: Briefing) -> DocxDocument:
    return DocxDocument(io.BytesIO(to_docx(briefing)))


def slides_of(briefing: Briefing, sources: Sources | None = None) -> Presentation:
    return Presentation(io.BytesIO(to_pptx(briefing, sources)))


def slide_text(slide) -> str:  # noqa: ANN001
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


# ---- Word -----------------------------------------------------------------------------------


def test_word_is_a4_with_the_seven_parts_in_order_and_a_feedback_box() -> None:
    doc = docx_of(BRIEFING)
    section = doc.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [*PART_ORDER, FEEDBACK]
    assert doc.paragraphs[0].text == BRIEFING.title and doc.paragraphs[0].style.name == "Title"
    assert "For: Health visitors and school nurses" in [p.text for p in doc.paragraphs]
    box = doc.tables[0].rows[0].cells[0].text
    assert "Team or service:" in box and "what will you change?" in box
    assert doc.styles["Normal"].font.size.pt == 11


def test_word_quotes_are_word_for_word_cited_and_apart_from_the_trainers_words() -> None:
    paragraphs = docx_of(BRIEFING).paragraphs
    texts = [p.text for p in paragraphs]
    quotes = [(n, p.text) for n, p in enumerate(paragraphs) if p.style.name == "Quote"]
    assert [t for _, t in quotes] == [
        f"\u201c{x.text}\u201d" for _, _, part in BRIEFING.parts() for x in part.quotes
    ]
    for n, _ in quotes:
        assert texts[n + 1].startswith("— Child K")
    own = [t for t, p in zip(texts, paragraphs, strict=True) if t.startswith("MY ")]
    assert own == [
        "MY BACKGROUND.",
        "MY WHY: neglect builds slowly.",
        "MY ACTION.",
        "MY QUESTION: who held this information?",
    ]
    assert all(p.style.name != "Quote" for p in paragraphs if p.text.startswith("MY "))
    assert f"\u201c{HOSTILE}\u201d" in texts  # markup stays literal text
    assert "A second paragraph of my own." in texts
    reading = [t for t, p in zip(texts, paragraphs, strict=True) if p.style.name == "List Bullet"]
    assert reading == [
        "Child K (LSCP, 2021): Child K review https://example.org/child-k.pdf",
        "Child L: Child L review",
    ]


# ---- PowerPoint -----------------------------------------------------------------------------


def test_slides_are_16_9_with_a_title_slide_and_each_part_in_order() -> None:
    prs = slides_of(BRIEFING, NOTES)
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    titles = [slide_text(s).split("\n")[0] for s in prs.slides]
    assert titles[0] == BRIEFING.title and "Seven-minute briefing" in slide_text(prs.slides[0])
    order = [t for t in titles[1:] if t in PART_ORDER or t == FEEDBACK]
    firsts = list(dict.fromkeys(order))
    assert firsts == [*PART_ORDER, FEEDBACK] and order == sorted(order, key=[*PART_ORDER, FEEDBACK].index)


def test_every_slide_has_its_title_in_the_title_placeholder() -> None:
    """PowerPoint's outline, its accessibility check and screen readers find a slide by its title."""
    for slide in slides_of(BRIEFING, NOTES).slides:
        title = slide.shapes.title
        assert title is not None and title.text_frame.text == slide_text(slide).split("\n")[0] != ""
        assert title.left >= 0 and title.left + title.width <= slides_of(BRIEFING).slide_width
        assert all(s.text_frame.text for s in slide.shapes if s.has_text_frame)  # no empty placeholder


def test_no_slide_is_a_wall_of_text() -> None:
    long_own = replace(BRIEFING, why=Part((), " ".join(f"Sentence number {n} is mine." for n in range(60))))
    for briefing in (BRIEFING, long_own):
        for slide in slides_of(briefing).slides:
            words = len(slide_text(slide).split())
            assert words <= MAX_SLIDE_WORDS, slide_text(slide)
            sizes = [r.font.size.pt for s in slide.shapes if s.has_text_frame
                     for p in s.text_frame.paragraphs for r in p.runs if r.font.size]  # fmt: skip
            assert sizes and min(sizes) >= 18


def test_quotes_on_slides_are_big_cited_and_the_notes_hold_the_whole_passage() -> None:
    prs = slides_of(BRIEFING, NOTES)
    learning = [s for s in prs.slides if slide_text(s).startswith("Key learning")]
    assert HOSTILE in slide_text(learning[0])
    for slide in learning:
        frame = [s for s in slide.shapes if s.has_text_frame][1].text_frame
        quote, citation = frame.paragraphs[0], frame.paragraphs[1]
        assert (
            quote.font.size.pt >= 28 and citation.text.startswith("— Child K") and citation.font.size.pt == 18
        )
    cut = next(s for s in learning if "word0" in slide_text(s))
    assert LONG not in slide_text(cut) and "\u2026\u201d" in slide_text(cut)  # shortened on the slide only
    notes = cut.notes_slide.notes_text_frame.text
    assert "The whole passage. " + LONG in notes and "— Child K: Analysis" in notes and "MY NOTE" in notes


def test_reflective_questions_are_the_trainers_edited_ones() -> None:
    text = "\n".join(
        slide_text(s) for s in slides_of(BRIEFING).slides if slide_text(s).startswith("Reflective")
    )
    assert "1. MY QUESTION: who held this information?" in text and "2. What will you change?" in text


# ---- Markdown and text-only HTML ------------------------------------------------------------


def test_markdown_has_the_parts_in_order_quotes_as_blockquotes_and_escapes_markup() -> None:
    markdown = to_markdown(BRIEFING)
    positions = [markdown.index(f"## {name}\n") for name in PART_ORDER]
    assert positions == sorted(positions)
    assert f"> {escape_markdown(chr(0x201C) + HOSTILE + chr(0x201D))}" in markdown
    assert "&lt;script&gt;" in markdown and "<script>" not in markdown and "**bold**" not in markdown
    assert "\nMY BACKGROUND.\n" in markdown  # the trainer's words are not in a blockquote
    assert "javascript:" not in markdown and "<https://example.org/child-k.pdf>" in markdown


def test_rendered_markdown_shows_markup_literally() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(to_markdown(BRIEFING))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "<strong>bold" not in html and html.count("<blockquote>") == 5


def test_html_is_text_only_accessible_and_inert() -> None:
    page = to_html(BRIEFING)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "<script>" not in page and "<img" not in page and "src=" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    assert headings == [*PART_ORDER, FEEDBACK]
    assert page.count("<blockquote>") == 5 and "<cite>Child K (LSCP, 2021): Introduction</cite>" in page
    assert '<a href="https://example.org/child-k.pdf">' in page and "javascript:" not in page


@pytest.mark.parametrize("export", [to_markdown, to_html, to_docx, to_pptx])
def test_an_empty_briefing_is_a_named_error(export) -> None:  # noqa: ANN001
    with pytest.raises(EmptyPack, match="is empty"):
        export(Briefing("Nothing", questions=("Q?",)))
    assert issubclass(EmptyPack, AssistantError)


# ---- a briefing drafted from the library ----------------------------------------------------


def quoted_in(doc: DocxDocument) -> list[tuple[str, str]]:
    paragraphs = doc.paragraphs
    return [(p.text.strip("\u201c\u201d").removesuffix("\u2026"), paragraphs[n + 1].text.removeprefix("— "))
            for n, p in enumerate(paragraphs) if p.style.name == "Quote"]  # fmt: skip


def test_every_quotation_of_a_drafted_briefing_is_in_the_library_word_for_word(seeds_library, fake_embedder):
    library = Library.open(seeds_library.index_dir)
    pack = from_query(Searcher(library, fake_embedder), "Bath safety", "bath safety unattended")
    edited = replace(pack.briefing, why=Part((), "MY EDIT to why it matters."), questions=("MY QUESTION?",))
    briefing, sources = prepared(replace(pack, briefing=edited), library)
    documents = {d.cite(): d.doc_id for d in library.documents()}
    found = quoted_in(DocxDocument(io.BytesIO(to_docx(briefing))))
    assert len(found) >= 4
    for text, citation in found:
        doc_id = documents[citation.split(":")[0]]
        assert text in library.document_text(doc_id), text
        assert citation.startswith(library.document(doc_id).cite())
    word = "\n".join(p.text for p in DocxDocument(io.BytesIO(to_docx(briefing))).paragraphs)
    assert "MY EDIT to why it matters." in word and "MY QUESTION?" in word
    slides = "\n".join(slide_text(s) for s in slides_of(briefing, sources).slides)
    assert "MY EDIT to why it matters." in slides and "MY QUESTION?" in slides


def test_a_quotation_whose_review_was_removed_is_kept_and_marked(seeds_library, fake_embedder):
    library = Library.open(seeds_library.index_dir)
    pack = from_query(Searcher(library, fake_embedder), "Bath", "bath safety unattended")
    assert any(x.doc_id == "child-i-hscb" for _, _, part in pack.briefing.parts() for x in part.quotes)
    remove("child-i-hscb", seeds_library)
    briefing, _ = prepared(pack, Library.open(seeds_library.index_dir))
    quotes = [x for _, _, part in briefing.parts() for x in part.quotes]
    gone = [x for x in quotes if x.doc_id == "child-i-hscb"]
    assert gone and all(x.citation.endswith(f"({GONE})") and x.text for x in gone)
    assert all(GONE not in x.citation for x in quotes if x.doc_id != "child-i-hscb")
    assert f"Child 'I' (HSCB): Introduction ({GONE})" in to_markdown(briefing).replace("\\", "")
    assert draft(pack, Library.open(seeds_library.index_dir)).reading[0].citation  # reading still cites it


def test_a_part_with_nothing_in_it_is_left_out_of_every_export() -> None:
    briefing = replace(BRIEFING, actions=Part(), good=Part((), "   "))
    markdown = to_markdown(briefing)
    assert "## What to do" not in markdown and "## What good looks like" not in markdown
    assert "<h2>What to do</h2>" not in to_html(briefing)
    headings = [p.text for p in docx_of(briefing).paragraphs if p.style.name == "Heading 1"]
    assert headings == [h for h in (*PART_ORDER, FEEDBACK) if h not in ("What to do", "What good looks like")]
    titles = {slide_text(s).split("\n")[0] for s in slides_of(briefing).slides}
    assert not titles & {"What to do", "What good looks like"} and "Key learning" in titles
