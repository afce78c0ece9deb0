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
        ("how old was the baby?", (), None, None),  # the age, whatever it is; not babies only
        ("were any of them under 18 or over 80?", (), 18, 80),
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
        "which of those had children?",  # parents
        "did any of them have babies?",
        "who was the child?",  # a name
        "which of those were teenagers in 2023?",  # a year too: not silently dropped
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
    assert answer.lead == "3 of the 5 reports in focus state the age of someone under 18:"
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
    assert under.lead == "2 of the 5 reports in focus state the age of someone under 16:"


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


def test_a_year_asked_of_the_focus_lists_its_reports_of_that_year(reports):
    searcher, ids = reports
    focus = _focus(searcher, list(ids.values()), "level crossings")  # as a count leaves it
    answer = respond(searcher, "what about in 2023?", focus, threshold=2.0)  # no search would answer
    assert answer.lead == "2 of the 5 reports in focus were published in 2023:"
    assert set(answer.focus.doc_ids) == {ids["older.md"], ids["silent.md"]} and answer.focus.kept
    assert {c.hit.passage.doc_id for c in answer.citations} == set(answer.focus.doc_ids)
    assert ask_eval.grounded(answer)
    pointed = respond(searcher, "which of those were in 2023?", focus, threshold=2.0)
    assert set(pointed.focus.doc_ids) == set(answer.focus.doc_ids)


def test_a_year_no_report_in_focus_has(reports):
    searcher, ids = reports
    focus = _focus(searcher, [ids["teen.md"], ids["mother.md"]])
    pointed = respond(searcher, "which of those were in 2023?", focus, threshold=-1.0)
    assert pointed.answer == "None of the 2 reports in focus was published in 2023 (published in 2019-2021)."
    assert not pointed.citations and pointed.focus.doc_ids == focus.doc_ids and not pointed.focus.held
    then = respond(searcher, "what about in 2023?", focus, threshold=-1.0)  # every passage is close
    assert {c.hit.passage.doc_id for c in then.citations} <= {ids["older.md"], ids["silent.md"]}
    assert then.citations and then.lead == (
        "None of the 2 reports in focus was published in 2023 (published in 2019-2021). Asked again of every"
        " report published in 2023: “What did coroners say about level crossings?”."
    )
    assert "A new topic" not in then.focus.note  # the same topic, another year
    nothing = respond(searcher, "what about in 2023?", focus, threshold=2.0)  # close to nothing
    assert nothing.no_answer and "No report published in 2023" in nothing.note


@pytest.mark.parametrize(
    "question, year",
    [
        ("what about in 2023?", 2023),
        ("And in 2019?", 2019),
        ("which of those were published in 2020?", 2020),
        ("what about before 2020?", None),  # not that year
        ("since 2019?", None),
        ("what about 2021 and 2022?", None),  # two years
        ("what did they do in 2019?", None),  # when something happened, not when it was published
        ("were there any in 2021?", 2021),
        ("how many of those were published in 2021?", 2021),
        ("what about the 2022-23 reports?", None),  # a span, not 2022
    ],
)
def test_a_question_that_names_only_a_year(question, year):
    assert selecting.asked_year(question) == year


def test_a_report_with_no_year_is_not_said_to_be_of_another(tmp_path, settings, fake_embedder):
    texts = {
        "dated.md": _report(2019, "Sam Lee", "Sam Lee died at the level crossing."),
        "undated.md": "# Report on the death of Ann Roe\n\nAnn Roe died at the level crossing.",
    }
    library = ingested(tmp_path / "y", texts, settings, fake_embedder)
    searcher = Searcher(library, fake_embedder)
    ids = {d.source: d.doc_id for d in library.documents()}
    both = respond(searcher, "which of those were in 2023?", _focus(searcher, list(ids.values())))
    assert both.answer == (
        "None of the 2 reports in focus is known to have been published in 2023 (published in 2019; 1 gives"
        " no year)."
    )
    one = respond(searcher, "which of those were in 2023?", _focus(searcher, [ids["undated.md"]]))
    assert (
        one.answer == "The report in focus gives no year, so it cannot tell whether it was published in 2023."
    )
    library.close()


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
    assert set(answer.focus.doc_ids) == set(focus.doc_ids)  # "which of those ...?" next asks all six
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


def test_each_age_is_quoted_where_it_is_stated_and_a_sentence_keeps_every_age(
    tmp_path, settings, fake_embedder
):
    limit = "The service is for those under the age of 18. Bo Ray died at the age of 18."
    [stated] = selecting.statements([_passage(limit)])
    assert limit[stated.start : stated.end] == "Bo Ray died at the age of 18."  # not the limit's sentence
    brother = "Her brother, aged 15, was at school. The baby, aged 1, died at home."
    assert [brother[s.start : s.end] for s in selecting.statements([_passage(brother)])] == [
        "Her brother, aged 15, was at school.",
        "The baby, aged 1, died at home.",  # "aged 1" is not found inside "aged 15"
    ]
    texts = {
        "both.md": _report(
            2020, "Eve Day", "Her mother, aged 19, found the baby, aged 6 weeks, unresponsive."
        )
    }
    library = ingested(tmp_path / "b", texts, settings, fake_embedder)
    searcher = Searcher(library, fake_embedder)
    doc_id = library.documents()[0].doc_id
    babies = respond(searcher, "which of those were babies?", _focus(searcher, [doc_id]), threshold=2.0)
    assert babies.lead == "The report in focus states the age of a baby (under 1):"
    assert [s.text for s in babies.sentences] == [
        "Her mother, aged 19, found the baby, aged 6 weeks, unresponsive."
    ]
    library.close()


STATED = _report(2020, "Sam Lee", "Sam Lee, aged 15, died at the level crossing.")
SILENT = _report(2022, "Bo Ray", "Bo Ray died at the level crossing.")


@pytest.mark.parametrize(
    "other, lead, kept",
    [
        (
            STATED,
            "1 of the 2 reports in focus states the age of a teenager (13-17):",
            {"edited.md", "other.md"},
        ),
        (SILENT, "None of the 2 reports in focus states the age of a teenager (13-17).", {"edited.md"}),
    ],
)
def test_a_report_held_as_of_an_age_no_sentence_states_is_named_not_quoted(
    tmp_path, settings, fake_embedder, other, lead, kept
):
    library, ids = _teenager_by_correction(tmp_path, settings, fake_embedder, other)
    searcher = Searcher(library, fake_embedder)
    answer = respond(
        searcher, "were any of them teenagers?", _focus(searcher, list(ids.values())), threshold=2.0
    )
    assert not answer.no_answer and answer.lead == lead
    assert {c.hit.passage.doc_id for c in answer.citations} == (
        {ids["other.md"]} if other == STATED else set()
    )
    edited = searcher.document(ids["edited.md"]).cite()
    assert answer.note.startswith(
        f"The library holds {edited} as about a teenager (13-17), though no sentence"
    )
    assert set(answer.focus.doc_ids) == {ids[k] for k in kept}  # about a teenager, by the library
    library.close()


def _teenager_by_correction(tmp_path, settings, fake_embedder, other: str):
    """A library of "edited.md" (no age stated, corrected to a teenager) and "other.md"."""
    from assistant.library import Library
    from assistant.library.editing import edit

    texts = {"edited.md": _report(2021, "Ann Roe", "Ann Roe died at the level crossing."), "other.md": other}
    ingested(tmp_path / "e", texts, settings, fake_embedder).close()
    library = Library.open(settings.index_dir)
    ids = {d.source: d.doc_id for d in library.documents()}
    library.close()
    edit(settings, ids["edited.md"], {"age_groups": ["teenager"]}, embedder=lambda: fake_embedder)
    return Library.open(settings.index_dir), ids


def _passage(text: str):
    from assistant.records import Passage

    return Passage("d", "t", "s", None, None, None, 0, len(text), text, id=1)


def test_the_reports_of_a_year_beyond_the_first_four_are_named(tmp_path, settings, fake_embedder):
    texts = {
        f"y{n}.md": _report(2023, f"P{n} Day", f"P{n} Day died at the level crossing.") for n in range(6)
    }
    library = ingested(tmp_path / "y6", texts, settings, fake_embedder)
    searcher = Searcher(library, fake_embedder)
    focus = _focus(searcher, [d.doc_id for d in library.documents()], "level crossings")
    answer = respond(searcher, "what about in 2023?", focus, threshold=2.0)
    assert answer.lead == "All 6 reports in focus were published in 2023; quoted here, the first 4:"
    assert len({c.hit.passage.doc_id for c in answer.citations}) == 4 and len(answer.focus.doc_ids) == 6
    assert answer.note.startswith("Also published in 2023, not quoted here: ")
    library.close()


def test_ages_either_side_of_a_range_are_chosen(reports):
    searcher, ids = reports
    focus = _focus(searcher, list(ids.values()))
    answer = respond(searcher, "were any of them under 10 or over 80?", focus, threshold=2.0)
    assert set(answer.focus.doc_ids) == {ids["mother.md"], ids["older.md"]}  # aged three; 82
    assert answer.lead == "2 of the 5 reports in focus state the age of someone over 80 or under 10:"


def test_another_persons_age_in_the_same_words_is_quoted_for_its_own():
    text = "Her brother, aged 15, was at school. Sam Lee, aged 15, was struck by a train."
    said = [text[s.start : s.end] for s in selecting.statements([_passage(text)])]
    assert said == ["Her brother, aged 15, was at school.", "Sam Lee, aged 15, was struck by a train."]


def test_the_other_reports_in_focus_that_answer_are_each_looked_at(tmp_path, settings, fake_embedder):
    long = "\n\n".join(
        f"## Part {n}\n\nThe M1 smart motorway had no hard shoulder in part {n}." for n in range(9)
    )
    texts = {f"m{n}.md": _report(2020, f"P{n} Day", f"P{n} Day broke down on the M1.") for n in range(4)}
    texts |= {f"long{n}.md": _report(2021, f"L{n} Day", f"L{n} Day died.") + "\n\n" + long for n in range(2)}
    library = ingested(tmp_path / "l", texts, settings, fake_embedder)
    searcher = Searcher(library, fake_embedder)
    focus = _focus(searcher, [d.doc_id for d in library.documents()], "smart motorways")
    answer = respond(searcher, "which of those were on the M1?", focus, threshold=2.0)  # by the word
    quoted = {c.hit.passage.doc_id for c in answer.citations}
    named = [d for d in focus.doc_ids if d not in quoted and searcher.document(d).cite() in answer.note]
    assert len(quoted) + len(named) == 6 and set(answer.focus.doc_ids) == set(focus.doc_ids)
    library.close()
