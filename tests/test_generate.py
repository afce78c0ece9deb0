"""The check on generated answers: a sentence is shown only when it is found, word for word, as
one or more whole sentences of a passage it cites (the extractive answer's standard)."""

from __future__ import annotations

import pytest

from assistant.answers import generate
from assistant.answers.answer import Answer, Citation
from assistant.answers.generate import Rejected, check, found_in
from assistant.records import Document, Hit, Passage
from assistant.settings import Settings

from .test_answer import _ChatServer

BATH = (
    "Parents should never leave babies alone in the bath, even for a moment. It is not safe to "
    "leave babies alone in the bath. Bath seats are not a safety device."
)
HOUSING = "Housing staff will receive training on domestic abuse by March 2020. The board will audit it."


def _answer(*texts: str) -> Answer:
    document = Document("doc", "A review", "review.md", "markdown", "0" * 64, "indexed")
    citations = tuple(
        Citation(
            n,
            Hit(
                n,
                1.0,
                Passage("doc", "A review", "Introduction", None, None, None, 0, len(text), text, id=n),
                document,
                (),
                0.9,
            ),
        )  # fmt: skip
        for n, text in enumerate(texts, start=1)
    )
    return Answer("Is it safe to leave a baby in the bath?", "- quoted [1]", False, citations=citations)


@pytest.mark.parametrize(
    "reply",
    [
        "It is safe to leave babies alone in the bath [1].",  # the finding: a claim the passage denies
        "It is safe to leave babies alone in the bath. [1]",
        "safe to leave babies alone in the bath [1]",  # a clause cut out of "It is not safe ..."
        "Babies should not be left alone in the bath [1].",  # reworded, even faithfully
        "Parents should never leave babies alone in the bath, not even for a moment [1].",
        "Parents should never leave babies alone in the bath [1].",  # a sentence cut short
        "Bath seats are a safety device [1].",
        "It is not safe to leave babies alone in the bath [2].",  # found, but in another passage
        'The review says "It is not safe to leave babies alone in the bath" [1].',  # words added to a quote
        "It is not safe to leave babies alone in the bath [1]. Bath seats are safe [1].",  # one bad of two
    ],
)
def test_a_sentence_not_found_word_for_word_in_its_passage_is_refused(reply):
    with pytest.raises(Rejected, match="not found word for word"):
        check(reply, _answer(BATH, HOUSING))


@pytest.mark.parametrize(
    "reply, sentences",
    [
        ("It is not safe to leave babies alone in the bath [1].", 1),
        ("It is not safe to leave babies alone in the bath. [1]", 1),  # the citation after the full stop
        ("It is not safe to leave babies alone in the bath. [1] Bath seats are not a safety device. [1]", 2),
        ('"It is not safe to leave babies alone in the bath." [1]', 1),  # quoted
        ("it is NOT safe to leave babies alone in the bath! [1]", 1),  # case and punctuation do not count
        ("Housing staff will receive training on domestic abuse by March 2020 [2]. "
         "Parents should never leave babies alone in the bath, even for a moment [1].", 2),
        ("Bath seats are not a safety device [2][1].", 1),  # one of the cited passages holds it
    ],
)  # fmt: skip
def test_whole_sentences_copied_from_the_cited_passage_are_accepted(reply, sentences):
    checked = check(reply, _answer(BATH, HOUSING))
    assert len(checked) == sentences
    assert all("[" not in s.text for s in checked)


def test_found_in_needs_whole_consecutive_sentences():
    assert found_in(
        "It is not safe to leave babies alone in the bath. Bath seats are not a safety device.", BATH
    )
    assert not found_in("It is not safe to leave babies alone in the bath. Parents should never leave", BATH)
    assert not found_in("leave babies alone in the bath", BATH)
    assert not found_in("", BATH) and not found_in("[1]", BATH)


def test_the_bath_claim_is_refused_end_to_end_and_the_quotations_are_shown():
    server = _ChatServer("It is safe to leave babies alone in the bath [1].")
    extractive = _answer(BATH)
    try:
        shown = generate.generative(Settings(llm_url=server.url, llm_timeout_s=5), extractive)
    finally:
        server.close()
    assert shown.answer == extractive.answer and "not shown" in shown.note and "word for word" in shown.note


def test_an_overlong_reply_is_refused_without_reading_it_all():
    server = _ChatServer("It is not safe to leave babies alone in the bath [1]. " * 8000)  # ~430 KB
    try:
        shown = generate.generative(Settings(llm_url=server.url, llm_timeout_s=5), _answer(BATH))
    finally:
        server.close()
    assert "could not be used" in shown.note and "longer than 256 KB" in shown.note
