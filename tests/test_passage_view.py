"""Show in document's parts that need no browser: context around a passage, its neighbours, marks."""

from __future__ import annotations

from assistant.records import Passage
from assistant.ui.marks import marked
from assistant.ui.passage_view import context, download_label, neighbours, where


def passage(
    pid: int, start: int, end: int, section: str = "Introduction", page: int | None = None
) -> Passage:
    return Passage("d", "t", section, None, page, page, start, end, "x" * (end - start), id=pid)


def test_every_paragraph_of_a_passage_is_marked_and_no_bracket_is_left() -> None:
    text = "Before.\n\nFirst paragraph.\nA second line.\n\nThird paragraph.\n\nAfter."
    start, end = text.index("First"), text.index("\n\nAfter")
    shown = marked(text, [(start, end)])
    for words in ("First paragraph\\.", "A second line\\.", "Third paragraph\\."):
        assert f"**:orange-background[{words}]**" in shown  # bold too: not colour alone
    assert shown.count("[") == 3 and "Before\\.  \n" in shown and shown.endswith("After\\.")


def test_marked_text_stays_inert() -> None:
    text = "[Sign in](http://evil.example) <img src=x> **bold**"
    shown = marked(text, [(0, len(text))])
    assert "](http://" not in shown and "<img" not in shown and "\\*\\*bold\\*\\*" in shown


def test_context_is_bounded_and_says_where_it_was_cut() -> None:
    text = "a " * 5000 + "\n\nPASSAGE\n\n" + "b " * 5000
    start = text.index("PASSAGE")
    before, shown, after = context(text, start, start + 7, limit=1000)
    assert shown == "PASSAGE"
    assert len(before) <= 1003 and before.startswith("\u2026")
    assert len(after) <= 1003 and after.endswith("\u2026")
    whole = context("intro\n\nPASSAGE\n\nend", 7, 14)
    assert whole == ("intro\n\n", "PASSAGE", "\n\nend")


def test_neighbours_follow_the_reviews_own_order() -> None:
    passages = [passage(3, 200, 300), passage(1, 0, 100), passage(2, 100, 200)]
    assert neighbours(passages, 1) == (None, passages[2])
    assert neighbours(passages, 2) == (passages[1], passages[0])
    assert neighbours(passages, 3) == (passages[2], None)
    assert neighbours(passages, 99) == (None, None)


def test_plain_words_for_where_and_the_original_file() -> None:
    assert where(passage(1, 0, 1, "Recommendation 1", page=3)) == "Recommendation 1, page 3"
    assert where(passage(1, 0, 1)) == "Introduction"  # never "pages: None"
    assert download_label(".md", passage(1, 0, 1)) == "Download the original text file"
    assert (
        download_label(".PDF", passage(1, 0, 1, page=2))
        == "Download the original PDF (the passage is on page 2)"
    )
