"""Each reader (Markdown, text, DOCX, PDF), the cleaning of page text, and sniffing a file's kind."""

from __future__ import annotations

import shutil
import unicodedata
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.documents.cleaning import clean_pages, clean_text
from assistant.documents.readers import read, sniff
from assistant.errors import IngestError
from assistant.library.ingest import prepare
from assistant.records import Page

from .support import PDF_SAMPLES, require_shared, seed_pdf

MARKDOWN = """---
title: "Review of Child Q"
subject: "Child Q"
partnership: "Example Safeguarding Children Partnership"
partnership_short: "ESCP"
review_type: "Rapid Review"
published: 2021-03-04
---

# Introduction

Child Q was known to **three agencies**[^1] before the incident. See [the report](https://example.org/q).

[^1]: Working Together 2018 applied at the time.

<!-- page 2 -->

## Recommendation 1

Schools must *share* concerns with the health visitor.
"""


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# -- Markdown -------------------------------------------------------------------------------------


def test_markdown_front_matter_gives_the_metadata(tmp_path, settings):
    source = read(write(tmp_path / "child-q.md", MARKDOWN), settings)
    assert source.kind == "markdown"
    assert source.meta["title"] == "Review of Child Q"
    assert source.meta["subject"] == "Child Q"
    assert source.meta["partnership_short"] == "ESCP"
    assert source.meta["review_type"] == "Rapid Review"
    assert source.meta["published"] == "2021-03-04"  # YAML reads it as a date; kept as ISO text
    assert "title:" not in source.pages[0].text  # the front matter is not part of the text


def test_markdown_page_marks_give_page_numbers(tmp_path, settings):
    source = read(write(tmp_path / "child-q.md", MARKDOWN), settings)
    assert [p.number for p in source.pages] == [1, 2]
    assert "known to three agencies" in source.pages[0].text
    assert "Recommendation 1" in source.pages[1].text
    assert "Recommendation 1" not in source.pages[0].text
    assert "<!--" not in "".join(p.text for p in source.pages)


def test_a_page_mark_at_the_very_start_does_not_make_two_first_pages(tmp_path, settings):
    body = "<!-- page 1 -->\n\nFirst page text.\n\n<!-- page 2 -->\n\nSecond page text.\n"
    source = read(write(tmp_path / "marked.md", body), settings)
    assert [(p.number, p.text.strip()) for p in source.pages] == [
        (1, "First page text."),
        (2, "Second page text."),
    ]


def test_markdown_footnotes_move_to_a_notes_block(tmp_path, settings):
    page = read(write(tmp_path / "child-q.md", MARKDOWN), settings).pages[0].text
    assert "[^1]" not in page
    assert "three agencies before the incident" in page  # the marker left no gap
    body, notes = page.split("\nNotes\n")
    assert "Working Together 2018" not in body
    assert notes.strip() == "1 Working Together 2018 applied at the time."


def test_markdown_syntax_is_removed_but_words_are_kept(tmp_path, settings):
    pages = read(write(tmp_path / "child-q.md", MARKDOWN), settings).pages
    text = "\n".join(p.text for p in pages)
    assert "See the report." in text  # link text kept, address dropped
    assert "example.org" not in text
    assert "**" not in text and "*share*" not in text and "share concerns" in text
    assert "\nIntroduction\n" in f"\n{text}" and "#" not in text


def test_front_matter_that_is_not_yaml_is_a_named_error(tmp_path, settings):
    path = write(tmp_path / "bad.md", '---\ntitle: "unclosed\n---\n\nSome text here.\n')
    with pytest.raises(IngestError, match="front matter is not valid YAML"):
        read(path, settings)


# -- plain text -----------------------------------------------------------------------------------


def test_text_form_feeds_split_pages(tmp_path, settings):
    path = write(tmp_path / "review.txt", "First page words.\fSecond page words.\fThird page words.\f\n")
    source = read(path, settings)
    assert source.kind == "text"
    # pdftotext ends every page, the last one included, with a form feed: no empty 4th page
    assert [(p.number, p.text.strip()) for p in source.pages] == [
        (1, "First page words."),
        (2, "Second page words."),
        (3, "Third page words."),
    ]


def test_text_without_form_feeds_has_no_page_numbers(tmp_path, settings):
    source = read(write(tmp_path / "review.txt", "One page.\n\nStill one page.\n"), settings)
    assert [p.number for p in source.pages] == [None]
    assert source.meta == {}


def test_text_in_windows_1252_is_decoded(tmp_path, settings):
    data = "The caf\xe9 \u2013 a meeting place.".encode("cp1252")
    source = read(write(tmp_path / "old.txt", data), settings)
    assert source.pages[0].text == "The café – a meeting place."


# -- DOCX -----------------------------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "Review of Child R"
    document.add_heading("Introduction", level=1)
    document.add_paragraph("Child R lived with her grandmother.")
    document.add_heading("Recommendation 1", level=2)
    document.add_paragraph("Health visitors must record who lives in the home.")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Agency", "Action"), ("Health", "Audit records")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.add_paragraph("The partnership accepts this recommendation.")
    document.save(path)
    return path


def test_docx_text_tables_and_title(tmp_path, settings):
    source = read(make_docx(tmp_path / "child-r.docx"), settings)
    assert source.kind == "docx"
    assert source.meta["title"] == "Review of Child R"
    text = source.pages[0].text
    blocks = text.split("\n\n")
    assert blocks[:4] == [
        "Introduction",
        "Child R lived with her grandmother.",
        "Recommendation 1",
        "Health visitors must record who lives in the home.",
    ]
    # the table stays where it stands, before the paragraph that follows it
    assert blocks[4:] == [
        "Agency | Action",
        "Health | Audit records",
        "The partnership accepts this recommendation.",
    ]


def test_docx_passages_have_no_page_numbers(tmp_path, settings):
    path = make_docx(tmp_path / "child-r.docx")
    document, text, passages = prepare(path, "0" * 64, settings)
    assert document.title == "Review of Child R" and document.pages is None
    assert [p.section for p in passages if p.recommendation == 1] == ["Recommendation 1"]
    assert all(p.page_start is None and p.page_end is None for p in passages)
    assert "Health | Audit records" in text


def test_a_zip_named_docx_that_is_not_word_is_a_named_error(tmp_path, settings):
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(IngestError, match="corrupt Word document"):
        read(path, settings)


# -- PDF ------------------------------------------------------------------------------------------


@pytest.fixture
def seed(tmp_path) -> Path:
    return seed_pdf(tmp_path / "child-j-response.pdf")


def test_pdf_pages_keep_their_text_and_title(seed, settings):
    source = read(seed, settings)
    assert source.kind == "pdf"
    assert source.meta == {"title": "Child J response"}
    assert [p.number for p in source.pages] == [1, 2, 3]
    assert "Publication of SCR on Child J" in source.pages[0].text
    assert "Recommendation 1 -" in source.pages[1].text and "Recommendation 3" not in source.pages[1].text
    assert "Recommendation 3 -" in source.pages[2].text and "Recommendation 5 -" in source.pages[2].text
    for number, page in enumerate(source.pages, start=1):  # the raw text still has the furniture
        assert "HSCP Chair: Jenny Coles" in page.text and f"Page {number} of 3" in page.text


def test_pdf_headers_and_footers_are_removed_by_cleaning(seed, settings):
    pages = clean_pages(read(seed, settings).pages)
    assert [p.number for p in pages] == [1, 2, 3]
    for page in pages:
        assert "Jenny Coles" not in page.text
        assert " of 3" not in page.text
    assert pages[0].text.startswith("Hertfordshire Safeguarding Children Partnership Response")
    assert pages[1].text.startswith("Recommendation 1 -")


def test_pdf_passages_carry_their_page_numbers(seed, settings):
    document, _, passages = prepare(seed, "1" * 64, settings)
    assert document.pages == 3 and document.subject == "Child J"
    pages_of = {}
    for p in passages:
        pages_of.setdefault(p.section, set()).update({p.page_start, p.page_end})
    assert pages_of["Introduction"] == {1}
    assert pages_of["Recommendation 1"] == pages_of["Recommendation 2"] == {2}
    assert pages_of["Recommendation 3"] == pages_of["Recommendation 4"] == pages_of["Recommendation 5"] == {3}
    assert not any("Jenny Coles" in p.text for p in passages)


def test_pdf_title_from_metadata_drops_control_characters_and_placeholders():
    from assistant.documents.pdf_worker import _title

    def title(value: str) -> str:
        return _title(SimpleNamespace(metadata={"/Title": value}))

    assert title("imagemagick-images\x00") == "imagemagick-images"
    assert title("Microsoft Word - Child S\tReview\r\n") == "Child S Review"
    assert title("Microsoft Word - draft-3.docx") == ""
    assert title("Untitled") == ""


# -- cleaning -------------------------------------------------------------------------------------


def test_words_hyphenated_at_line_ends_are_joined():
    text = clean_text("Lorem ipsum dolor sit amet, con-\nsectetuer adip-\niscing elit.")
    assert text == "Lorem ipsum dolor sit amet, consectetuer adipiscing elit."


def test_hyphenation_with_spaces_from_an_ocr_layer_is_joined():
    assert clean_text("a dan- \n gerous place") == "a dangerous place"


def test_a_hyphen_before_a_capital_is_kept():
    assert clean_text("the Anglo-\nSaxon church") == "the Anglo-\nSaxon church"


def test_control_characters_are_removed():
    assert clean_text("Chi\x00ld\x0e J\x07 was\u200b seen\x7f.\ufeff") == "Child J was seen."
    assert clean_text("tab\tseparated") == "tab separated"


def test_text_is_normalised_to_nfc():
    text = clean_text("Rene\u0301e's cafe\u0301")
    assert text == "Ren\u00e9e's caf\u00e9"
    assert unicodedata.is_normalized("NFC", text)


def test_superscript_footnote_markers_after_words_are_removed():
    text = clean_text("in the care of his mother\u00b9. Agencies,\u00b2\u00b3 schools and health\u2074 met.")
    assert text == "in the care of his mother. Agencies, schools and health met."


def test_right_to_left_text_is_kept_in_logical_order():
    arabic = "\u062d\u064e\u0628\u064a\u0628\u064a habibi"
    assert clean_text(arabic) == arabic


BODY = {
    1: ["Child K lived with his father.", "Both parents were seen at home.", "School noticed bruises."],
    2: ["The nursery raised a concern.", "A strategy meeting was held.", "Police attended the home."],
    3: ["Health visitors saw him twice.", "The plan ended in May.", "Learning is set out below."],
}
HEADER = "Example SCP: Chair Jane Doe"


def three_pages(middle: str | None = None) -> list[Page]:
    """Pages with a header, a 'Page N of 3' footer, and on page 2 ``middle`` mid-page."""
    pages = []
    for n, lines in BODY.items():
        body = [*lines[:2], middle, lines[2]] if n == 2 and middle else lines
        pages.append(Page(n, "\n".join([HEADER, *body, f"Page {n} of 3"])))
    return pages


def test_repeated_headers_and_footers_are_removed_at_page_edges():
    pages = clean_pages(three_pages())
    assert [p.text for p in pages] == ["\n".join(lines) for lines in BODY.values()]


def test_a_mid_page_line_equal_to_the_header_stays():
    pages = clean_pages(three_pages(HEADER))
    assert pages[1].text.split("\n") == [*BODY[2][:2], HEADER, BODY[2][2]]
    assert HEADER not in pages[0].text + pages[2].text


def test_a_single_page_has_no_furniture():
    page = "Example SCP: Chair Jane Doe\nBody.\nPage 1 of 1"
    assert clean_pages([Page(1, page)]) == [Page(1, page)]


def test_pages_that_hold_only_the_repeated_line_keep_it():
    pages = clean_pages([Page(n, "حَبيبي habibi حَبيبي") for n in (1, 2, 3)])
    assert [p.text for p in pages] == ["حَبيبي habibi حَبيبي"] * 3


# -- sniffing -------------------------------------------------------------------------------------


def test_sniff_decides_by_content():
    assert sniff("review.md", b"# A review\n") == "markdown"
    assert sniff("review.txt", b"A review\n") == "text"
    assert sniff("review.txt", b"%PDF-1.7\n") == "pdf"
    assert sniff("review.bin", b"PK\x03\x04rest") == "docx"


def test_html_saved_as_pdf_is_not_a_pdf():
    with pytest.raises(IngestError, match="not a PDF") as caught:
        sniff("review.pdf", b"\n  <!DOCTYPE html><html><body>Moved</body></html>")
    assert "HTML" in caught.value.reason and caught.value.name == "review.pdf"


def test_a_real_pdf_renamed_txt_is_read_as_pdf(tmp_path, settings):
    path = require_shared(PDF_SAMPLES / "py-pdf-sample-files" / "minimal-document.pdf")
    renamed = shutil.copyfile(path, tmp_path / "minimal.txt")
    source = read(renamed, settings)
    assert source.kind == "pdf" and [p.number for p in source.pages] == [1]
    assert "%PDF" not in source.pages[0].text and len(source.pages[0].text) > 300


def test_a_zip_named_md_is_rejected(tmp_path, settings):
    path = tmp_path / "notes.md"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.md", "# Not really here")
    with pytest.raises(IngestError, match="ZIP archive"):
        read(path, settings)


def test_binary_data_named_txt_is_rejected(tmp_path, settings):
    with pytest.raises(IngestError, match="not a text file"):
        read(write(tmp_path / "data.txt", b"\x00\x01\x02binary"), settings)


def test_text_named_docx_is_not_word(tmp_path, settings):
    with pytest.raises(IngestError, match="not a Word document"):
        read(write(tmp_path / "letter.docx", "plain words, not a document"), settings)
