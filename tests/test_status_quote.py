"""Response status as shown: only on recommendations, quotes end at a sentence or with an ellipsis."""

from __future__ import annotations

from assistant.field.status import ResponseStatus
from assistant.field.status_quote import ELLIPSIS, quote, status_of
from assistant.records import Passage

RECOMMENDATION = (
    "Recommendation 1 - GP practices must store records safely.\n\nPartnership Response \u2013 The CCG have "
    "already developed a system for storing child protection information in the GP record, which has "
    "been rolled out to all practices across the area and audited twice in the last year."
)
INTRODUCTION = (
    "This is the partnership's response to the publication of the review. The response was agreed by "
    "the board and is being put in place."
)


def passage(text: str, recommendation: int | None) -> Passage:
    section = f"Recommendation {recommendation}" if recommendation else "Introduction"
    return Passage("d", "t", section, recommendation, None, None, 0, len(text), text)


def test_an_introduction_that_mentions_the_response_gets_no_status() -> None:
    assert status_of(passage(INTRODUCTION, None)) is None


def test_a_recommendation_with_a_response_gets_its_status() -> None:
    status = status_of(passage(RECOMMENDATION, 1))
    assert status is not None and status.status == "in_place"


def test_a_clause_cut_mid_sentence_ends_with_an_ellipsis() -> None:
    status = status_of(passage(RECOMMENDATION, 1))
    assert status is not None
    shown = quote(status, RECOMMENDATION)
    assert shown.startswith("The CCG have already developed")  # starts after the label: no ellipsis
    assert shown.endswith(ELLIPSIS) and not shown.endswith("," + ELLIPSIS)


def test_a_whole_sentence_is_quoted_as_it_is_and_a_cut_start_is_marked() -> None:
    text = "Board response: training was given. Staff have already been trained in the new checklist."
    start = text.index("Staff")
    whole = ResponseStatus("in_place", "already in place", text[start:], start, len(text))
    assert quote(whole, text) == text[start:]
    start = text.index("already")
    middle = ResponseStatus("in_place", "already in place", text[start:-1], start, len(text) - 1)
    assert quote(middle, text).startswith(ELLIPSIS) and quote(middle, text).endswith(ELLIPSIS)


def test_no_words_no_quote() -> None:
    assert quote(ResponseStatus("unclear", "status unclear", "", -1, -1), RECOMMENDATION) == ""
