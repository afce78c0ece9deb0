"""Follow-ups that choose among the reports in focus by age or by year ("which of those were
children?", "how old were they?", "what about in 2023?"), and an answer that says which other
reports answer too when it quotes only some; a count of coroners' reports calls them reports."""

from __future__ import annotations

import pytest

from assistant.answers import selecting
from assistant.answers.answer import Focus
from assistant.answers.conversation import respond
from assistant.documents.doc_metadata.ages import UNDER_18
from assistant.quality import ask_eval
from assistant.search.searcher import Searcher

from .support import ingested


def _report(year: int, name: str, text: str) -> str:
    return (
        f"---\nreview_type: Prevention of Future Deaths report\npublished: {year}-05-01\n---\n\n"
        f"# Report on the death of {name}\n\n## Circumstances of the death\n\n{text}"
    )


REPORTS = {
    "teen.md": _report(2019, "Sam Lee", "Sam Lee, aged 15, was struck by a train at the level crossing.")
    + "\n\n## Matters of concern\n\nSam Lee, aged 15, had waited months for help.",  # the age twice
    "mother.md": _report(
        2021,
        "Ann Roe",
        "Ann Roe died at the level crossing. Her son, aged three, was at home with his father.",
    ),
    "older.md": _report(2023, "Bo Ray", "Bo Ray was 82 years old when he fell on the level crossing."),
    "silent.md": _report(2023, "Cy Fox", "Cy Fox drove round the barrier of the level crossing."),
    "words.md": _report(
        2020, "Di Kay", "Di Kay was a vulnerable teenager who walked onto the level crossing."
    ),
}


@pytest.fixture
def reports(tmp_path, settings, fake_embedder):
    library = ingested(tmp_path / "reports", REPORTS, settings, fake_embedder)
    searcher = Searcher(library, fake_embedder)
    ids = {d.source: d.doc_id for d in library.documents()}
    yield searcher, ids
    library.close()


def _focus(searcher, doc_ids, query="What did coroners say about level crossings?") -> Focus:
    passages = tuple(p.id for d in doc_ids for p in searcher.library.passages(doc_id=d))
    return Focus(tuple(doc_ids), passages, tuple(searcher.document(d).cite() for d in doc_ids), query=query)


@pytest.mark.parametrize(
    "question, groups, below, above",
    [
        ("which of those were children?", UNDER_18, None, None),
        ("Which of them involved a child?", UNDER_18, None, None),
        ("were any of them teenagers?", ("teenager",), None, None),
        ("which of those were under 16?", (), 16, None),
        ("were any of them over 70?", (), None, 70),
        ("how old were they?", (), None, None),
        ("How old was he?", (), None, None),
        ("how many of them were adults?", ("adult",), None, None),
    ],
)  # fmt: skip
def test_a_question_that_asks_only_about_ages_is_read_as_one(question, groups, below, above):
    assert selecting.asked(question) == selecting.AgeQuestion(groups, below, above)


@pytest.mark.parametrize(
    "question",
    [
        "which of those were in care?",  # a topic of its own
        "teenagers who died by suicide",
        "What did coroners say about level crossings?",
        "what were the recommendations?",
        "and for children and young people?",  # the earlier question about them, of every report
        "what about teenagers?",
    ],
)
def test_a_question_with_a_topic_of_its_own_is_not_an_age_question(question):
    assert selecting.asked(question) is None


def test_which_of_those_were_children_is_read_from_the_ages_stated(reports):
    searcher, ids = reports
    focus = _focus(searcher, list(ids.values()))
    answer = respond(searcher, "which of those were children?", focus, threshold=2.0)  # no search answers
    assert not answer.no_answer and ask_eval.grounded(answer)
    chosen = {ids["teen.md"], ids["mother.md"], ids["words.md"]}
    assert set(answer.focus.doc_ids) == chosen and answer.focus.kept
    assert answer.lead == "By the ages stated, 3 of the 5 reports in focus are about someone under 18:"
    quoted = " ".join(s.text for s in answer.sentences)
    assert "Her son, aged three" in quoted  # whose age it is: the quote says
    assert quoted.count("aged 15") == 1  # an age said again is quoted once
    assert "Bo Ray" not in quoted
    silent = searcher.document(ids["silent.md"]).cite()
    assert answer.note == f"No age that the library can read is stated in {silent}."  # it may be one


def test_an_age_in_years_needs_a_number(reports):
    searcher, ids = reports
    focus = _focus(searcher, list(ids.values()))
    under = respond(searcher, "which of those were under 16?", focus, threshold=2.0)
    assert set(under.focus.doc_ids) == {ids["teen.md"], ids["mother.md"]}  # "a teenager" may be 17
    assert under.lead.endswith("are about someone under 16:")


def test_none_of_them_is_said_with_the_ages_they_do_state(reports):
    searcher, ids = reports
    focus = _focus(searcher, [ids["teen.md"], ids["older.md"]])
    answer = respond(searcher, "were any of them over 90?", focus, threshold=2.0)
    assert not answer.no_answer and answer.focus.doc_ids == focus.doc_ids  # the focus is as it was
    assert answer.lead.startswith("None of the 2 reports in focus states the age of someone over 90.")
    assert {c.hit.passage.doc_id for c in answer.citations} == set(focus.doc_ids)  # the ages, to check by
    silent = respond(searcher, "how old was he?", _focus(searcher, [ids["silent.md"]]), threshold=2.0)
    assert (
        silent.no_answer
        and silent.answer == "No age is stated in the report in focus that the library can read."
    )


def test_how_old_were_they_stays_with_the_reports_in_focus(reports):
    searcher, ids = reports
    focus = _focus(searcher, [ids["teen.md"], ids["older.md"]])
    answer = respond(searcher, "how old were they?", focus, threshold=-1.0)  # a search would answer anything
    assert {c.hit.passage.doc_id for c in answer.citations} == set(focus.doc_ids)
    assert answer.focus.doc_ids == focus.doc_ids and answer.focus.kept


def test_a_year_asked_of_the_focus_is_the_earlier_question_of_that_year(reports):
    searcher, ids = reports
    focus = _focus(searcher, [ids["teen.md"], ids["mother.md"]])
    pointed = respond(searcher, "which of those were in 2023?", focus, threshold=-1.0)
    assert (
        pointed.answer
        == "None of the 2 reports in focus was published in 2023 (they were published in 2019-2021)."
    )
    assert not pointed.citations and pointed.focus.doc_ids == focus.doc_ids
    then = respond(searcher, "what about in 2023?", focus, threshold=-1.0)  # every passage is close
    assert {c.hit.passage.doc_id for c in then.citations} <= {ids["older.md"], ids["silent.md"]}
    assert then.citations and then.lead.startswith("Asked again of the reports published in 2023:")
    assert "A new topic" not in then.focus.note  # the same topic, another year
    kept = respond(searcher, "what about in 2019?", focus, threshold=-1.0)
    assert {c.hit.passage.doc_id for c in kept.citations} == {ids["teen.md"]} and kept.focus.kept
    nothing = respond(searcher, "what about in 2023?", focus, threshold=2.0)  # close to nothing
    assert nothing.no_answer and "No report published in 2023" in nothing.note


MOTORWAY = {
    f"m{n}.md": _report(2020 + n, f"P{n} Day", f"P{n} Day broke down on the M1 smart motorway in lane {n}.")
    for n in range(6)
}


def test_an_answer_names_the_reports_that_answer_too_but_are_not_quoted(tmp_path, settings, fake_embedder):
    library = ingested(tmp_path / "m", MOTORWAY, settings, fake_embedder)
    searcher = Searcher(library, fake_embedder)
    focus = _focus(searcher, [d.doc_id for d in library.documents()], "smart motorways")
    answer = respond(searcher, "which of those were on the M1?", focus, threshold=2.0)  # by the word
    quoted = {c.hit.passage.doc_id for c in answer.citations}
    assert len(quoted) == 4 and answer.note.startswith("Also answering, not quoted here: ")
    others = [searcher.document(d).cite() for d in focus.doc_ids if d not in quoted]
    assert len(others) == 2 and all(name in answer.note for name in others)
    library.close()


def test_a_sentence_a_passage_says_twice_is_quoted_once(tmp_path, settings, fake_embedder):
    said = "The barrier was left up after the train had passed."
    texts = {"twice.md": _report(2020, "Ed Orr", f"{said} The signal failed. {said}")}
    library = ingested(tmp_path / "t", texts, settings, fake_embedder)
    answer = respond(Searcher(library, fake_embedder), "Was the barrier left up?", threshold=-1.0)
    assert [s.text for s in answer.sentences].count(said) == 1
    library.close()


def test_a_count_of_coroners_reports_says_reports(reports):
    from assistant.search.reviews import ReviewFinder

    searcher, _ = reports
    finder = ReviewFinder(searcher, threshold=0.0, passage_threshold=0.0)  # every report by meaning
    answer = respond(searcher, "how many reports are about level crossings?", finder=lambda: finder)
    assert answer.lead.startswith("5 reports in this library are counted as about “level crossings”")
    assert "A report is counted by a line" in answer.lead
