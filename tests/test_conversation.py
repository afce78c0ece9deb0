"""Ask as people ask: reviews by name, recommendations by number, agencies, yes/no, follow-ups that
keep the focus (and leave it for a new topic), honest suggestions, and the labelled set itself."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from assistant.answers.conversation import FROM_CONCERNS, NO_TOPIC, POINTED, converse, respond
from assistant.answers.questions import covers, read
from assistant.cli import main as cli
from assistant.library import Library
from assistant.quality import ask_eval, split
from assistant.records import Document
from assistant.search.reviews import RELIANCE
from assistant.search.searcher import Searcher

from .support import CORPUS, ingested

DOCS = [
    Document("child-j-hscp-2019", "Child J", "j.md", "markdown", "x", "indexed", subject="Child J"),
    Document("child-i-hscb", "Child 'I'", "i.md", "markdown", "y", "indexed", subject="Child 'I'"),
]


def cited(answer) -> list[tuple[str, str]]:
    return [(c.hit.passage.doc_id, c.hit.passage.section) for c in answer.citations]


# -- reading a question -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, reviews, unknown, number, agencies, topic",
    [
        ("what happened to child J", ("child-j-hscp-2019",), (), None, (), ()),
        ("What was the response to recommendation 3 in Child 'I'?", ("child-i-hscb",), (), 3, (), ()),
        ("Did the child protection procedures work in Child J's case?", ("child-j-hscp-2019",), (), None, (),
         ("child", "protection", "procedures", "work")),
        ("What happened to Child Q?", (), ("Child Q",), None, (), ()),
        ("What did the police do?", (), (), None, ("police",), ()),
        ("How should GPs share risk factors with midwives?", (), (), None,
         ("gp_primary_care", "health_maternity"), ("share", "risk", "factors")),
        ("What did the police do about knife crime?", (), (), None, ("police",), ("knife", "crime")),
        ("rec 2", (), (), 2, (), ()),
    ],
)  # fmt: skip
def test_a_question_is_read_for_review_number_agency_and_topic(
    question, reviews, unknown, number, agencies, topic
):
    reading = read(question, DOCS)
    assert (reading.reviews, reading.unknown_reviews, reading.recommendation) == (reviews, unknown, number)
    assert (reading.agencies, reading.topic) == (agencies, topic)


def test_yes_no_and_leaning_on_the_conversation():
    assert read("Did the board audit GP records?", DOCS).yes_no
    assert not read("What did the board audit?", DOCS).yes_no
    for question in ("and what did the police do?", "what about housing?", "who is checking it?"):
        assert read(question, DOCS).leans_on_context, question
    assert not read("How should GP practices store child protection information?", DOCS).leans_on_context
    assert read("what were the recommendations?", DOCS).wants_recommendations
    assert read("what did they recommend?", DOCS).wants_recommendations
    concerns = read("What were the concerns?", DOCS)
    assert concerns.wants_concerns and not concerns.wants_recommendations and not concerns.topic
    assert read("Who was the report sent to?", DOCS).leans_on_context
    # Every report is a coroner's: "the coroner" points back to none in particular.
    assert not read("what did the coroner recommend about e-scooters?", DOCS).leans_on_context


def test_a_passage_covers_a_topic_only_when_it_speaks_of_every_word():
    text = "Learning events on personality disorder will be evaluated on completion."
    assert covers(("evaluated",), text) and covers(("personality", "disorder", "evaluation"), text)
    assert not covers(("knife", "crime"), text) and not covers((), text)
    assert not covers(("carers",), "The care plan")  # a short stem is not enough


# -- answers on the seeds (the fake embedder: only what does not depend on meaning) -------------


def test_a_recommendation_by_number_in_a_named_review(searcher):
    answer = respond(searcher, "What was the response to recommendation 3 in Child J?", threshold=2.0)
    assert cited(answer) == [("child-j-hscp-2019", "Recommendation 3")]
    assert ask_eval.grounded(answer)


def test_an_absent_review_or_recommendation_is_not_found_with_the_reason(searcher):
    answer = respond(searcher, "What happened to Child Q?", threshold=-1.0)
    assert answer.no_answer and not answer.citations and "no review called Child Q" in answer.note
    answer = respond(searcher, "What was the response to recommendation 7 in Child J?", threshold=-1.0)
    assert answer.no_answer and "Child J (HSCP, 2019) has no recommendation 7" in answer.note
    answer = respond(searcher, "Did the school exclude the child?", threshold=-1.0)
    assert answer.no_answer and "Education" in answer.note  # no passage addresses schools


def test_an_agency_question_quotes_the_passages_that_address_it(searcher):
    answer = respond(searcher, "What did the police do?", threshold=2.0)
    assert ("child-i-hscb", "Recommendation 2") in cited(answer)
    assert all("olice" in s.text or "DAISU" in s.text for s in answer.sentences)


def test_a_follow_up_keeps_the_review_in_focus_and_says_so(searcher):
    turns = ["recommendations for Child I", "and recommendation 3?"]
    first, second = converse(searcher, turns, threshold=2.0)
    assert {doc for doc, _ in cited(first)} == {"child-i-hscb"}
    assert cited(second) == [("child-i-hscb", "Recommendation 3")]  # not Child J's recommendation 3
    assert second.focus.kept and "kept in focus Child 'I' (HSCB)" in second.focus.note
    assert second.focus.doc_ids == ("child-i-hscb",)


def test_it_resolves_to_what_the_last_answer_cited(searcher):
    first, second = converse(searcher, ["Child J recommendation 5", "what was the response?"], threshold=2.0)
    assert cited(second) == cited(first) == [("child-j-hscp-2019", "Recommendation 5")]


def test_naming_another_review_leaves_the_focus(searcher):
    first, second = converse(searcher, ["what happened to child J", "what happened in the Child I case?"])
    assert {d for d, _ in cited(second)} == {"child-i-hscb"}
    assert not second.focus.kept and second.focus.left == ("Child J (HSCP, 2019)",)


def test_the_same_question_asked_of_another_review(searcher):
    first = respond(searcher, "What training is planned for housing staff?", threshold=-1.0)
    assert not first.no_answer
    second = respond(searcher, "what about in Child J?", first.focus, threshold=2.0)
    assert second.no_answer and second.question == "what about in Child J?"  # J: nothing on training
    assert second.search_query == first.question  # what was looked for, and what suggestions are near


SAID_TWICE = "What were the concerns about lorry deaths were the concerns of other hauliers too."
CORONERS = {  # coroners' reports, shaped as the PFD corpus is (its sections as headings)
    "barrier.md": "# Report on the death of Ann Lee\n\n## Investigation and inquest\n\nThe medical cause"
    " of death was:\n\n1a Multiple injuries\n\n1b Struck by a train\n\n## Circumstances of the death\n\n"
    "Ann drove round the half barrier at the level crossing and was struck by a train.\n\n## Matters of"
    " concern\n\nIn the circumstances it is my statutory duty to report to you.\n\n(1) The level"
    " crossing is not monitored by camera.\n\n(2) A full barrier would prevent misuse of the crossing."
    "\n\n## Your response\n\nYou are under a duty to respond to this report within 56 days. Your response"
    " must contain details of action taken or proposed to be taken.",
    "footpath.md": "# Report on the death of Bo Ray\n\n## Circumstances of the death\n\nBo was walking over"
    " the level crossing on the footpath.\n\n## Matters of concern\n\nPedestrians at the level crossing"
    " cannot see trains coming round the bend.",
    "road.md": "# Report on the death of Cy Fox\n\n## Investigation and inquest\n\nThe report was sent to the"
    " council.\n\n## Matters of concern\n\nPedestrians on the road"
    " crossing have too little time to cross. The police asked for a longer crossing time.",
    "council.md": "# Report on the death of Ed Roe\n\n## Investigation and inquest\n\n## Matters of concern"
    "\n\nWhat did coroners say about the council? The council did not act.",
    "form.md": "# Report on the death of Fay Orr\n\n## Circumstances of the death\n\nFay fell from a cliff"
    " path.\n\n## Matters of concern\n\nIn the circumstances it is my statutory duty to report to you.",
    "lorry.md": "# Report on the death of Di Kay\n\n## Circumstances of the death\n\nDi was hit by a lorry."
    "\n\n## Matters of concern\n\nRe: Haulage Ltd\n\nThe lorry had no side guard to stop a cyclist. "
    f"{SAID_TWICE}\n\nRe: The Vehicle Agency\n\nSide guards are not checked at the annual test. {SAID_TWICE}",
}


PFD_FRONT = "---\nreview_type: Prevention of Future Deaths report\n---\n\n"
FAMILY = (  # a safeguarding review: its concerns are what happened, not what must change
    "# Serious case review: Child Q\n\n## Concerns about the family\n\nThe school raised concerns about"
    " neglect in 2017 and the level crossing near the home.\n\n## Analysis\n\nAgencies did not share what"
    " they knew about the level crossing."
)


@pytest.fixture
def coroners(tmp_path, settings, fake_embedder):
    texts = {name: PFD_FRONT + text for name, text in CORONERS.items()} | {"family.md": FAMILY}
    library = ingested(tmp_path / "reports", texts, settings, fake_embedder)
    yield Searcher(library, fake_embedder)
    library.close()


def _focus_on(searcher, doc_id: str, query: str):
    from assistant.answers.answer import Focus

    passages = tuple(p.id for p in searcher.library.passages(doc_id=doc_id))
    return Focus((doc_id,), passages, (searcher.document(doc_id).cite(),), query=query)


def test_what_about_asks_the_earlier_question_with_it_of_every_report(coroners):
    barrier = next(d.doc_id for d in coroners.library.documents() if d.source == "barrier.md")
    focus = _focus_on(coroners, barrier, "What did coroners say about level crossings?")
    answer = respond(coroners, "What about pedestrians?", focus, threshold=2.0)
    assert list(answer.focus.doc_ids) == [
        d.doc_id for d in coroners.library.documents() if d.source == "footpath.md"
    ]  # pedestrians at a level crossing; not pedestrians on a road, nor the barrier report again
    assert answer.focus.joined and not answer.focus.kept and "every review (not only" in answer.focus.note
    assert "A new topic" not in answer.focus.note and ask_eval.grounded(answer)
    elsewhere = respond(coroners, "What about cyclists?", focus, threshold=2.0)  # no report has both
    assert elsewhere.no_answer or not elsewhere.focus.joined
    sent = respond(coroners, "Who was the report sent to?", focus, threshold=2.0)
    assert sent.no_answer  # "the report" is the one in focus: not another report that says "sent"
    assert sent.focus.doc_ids == (barrier,) and sent.focus.kept  # "not found" leaves the focus as it was
    assert sent.focus.note.startswith("Still in focus for your next question: ")  # not "following on"
    cause = respond(coroners, "What was the cause of death?", sent.focus, threshold=2.0)
    assert cited(cause) == [(barrier, "Investigation and inquest")]  # still asked of the barrier report


def test_a_follow_up_that_points_back_needs_both_topics_in_words_elsewhere(coroners):
    barrier = next(d.doc_id for d in coroners.library.documents() if d.source == "barrier.md")
    focus = _focus_on(coroners, barrier, "What did coroners say about level crossings?")
    council = next(d.doc_id for d in coroners.library.documents() if d.source == "council.md")
    loose = respond(coroners, "What about the council?", focus, threshold=0.6)  # close, names the council
    assert loose.focus.joined and [d for d, _ in cited(loose)] == [council]
    pointed = respond(coroners, "What about the council for them?", focus, threshold=0.6)
    assert pointed.no_answer and pointed.focus.doc_ids == (barrier,)  # that report: no council in it
    assert pointed.note == POINTED  # where it was looked for, and how to look further
    police = respond(coroners, "What did the police do about the report?", focus, threshold=0.54)
    assert police.no_answer and police.focus.doc_ids == (barrier,)  # no other report's police
    anywhere = respond(coroners, "What did the police do?", focus, threshold=0.54)
    assert [d for d, _ in cited(anywhere)] == [
        d.doc_id for d in coroners.library.documents() if d.source == "road.md"
    ]


def test_a_question_of_no_topic_and_no_report_asks_for_one(coroners):
    answer = respond(coroners, "What did the coroner recommend?", threshold=-1.0)  # every passage is close
    assert answer.no_answer and answer.answer == NO_TOPIC and not answer.citations and not answer.suggestions


def test_a_coroners_concerns_are_its_recommendations_and_a_colon_keeps_what_follows(coroners):
    barrier = next(d.doc_id for d in coroners.library.documents() if d.source == "barrier.md")
    focus = _focus_on(coroners, barrier, "What did coroners say about level crossings?")
    assert read("What did the coroner recommend?", []).topic == ()  # every report is a coroner's
    recommended = respond(coroners, "What did the coroner recommend?", focus, threshold=2.0)
    assert cited(recommended) == [(barrier, "Matters of concern")] and recommended.focus.kept
    assert (
        "A full barrier would prevent misuse" in recommended.answer and "statutory" not in recommended.answer
    )
    cause = respond(coroners, "What was the cause of death?", focus, threshold=2.0)
    assert "The medical cause of death was: 1a Multiple injuries 1b Struck by a train" in cause.answer
    assert ask_eval.grounded(cause) and "56 days" not in recommended.answer  # the form's words, after
    family = next(d.doc_id for d in coroners.library.documents() if d.source == "family.md")
    for question in ("What were the recommendations?", "What were the concerns?"):  # a review's concerns
        asked = respond(coroners, question, _focus_on(coroners, family, "level crossings"), threshold=2.0)
        assert asked.lead != FROM_CONCERNS and (family, "Concerns about the family") not in cited(asked)
    form = next(d.doc_id for d in coroners.library.documents() if d.source == "form.md")
    only_form = respond(
        coroners, "What were the concerns?", _focus_on(coroners, form, "cliffs"), threshold=2.0
    )
    assert only_form.no_answer and only_form.focus.doc_ids == (form,)  # nothing but the form's words
    lorry = next(d.doc_id for d in coroners.library.documents() if d.source == "lorry.md")
    under = respond(
        coroners, "what were the concerns?", _focus_on(coroners, lorry, "lorry deaths"), threshold=2.0
    )
    assert cited(under) == [(lorry, "Re: Haulage Ltd"), (lorry, "Re: The Vehicle Agency")]  # as it reads
    assert under.answer.count(SAID_TWICE) == 1  # quoted once
    assert under.lead == FROM_CONCERNS and recommended.lead == FROM_CONCERNS  # no recommendations, said
    inquest = respond(coroners, "What did the inquest find?", threshold=-1.0)  # an empty section: its heading
    assert inquest.sentences and all(s.text != "Investigation and inquest" for s in inquest.sentences)


def test_not_found_offers_nothing_that_is_not_close(searcher, monkeypatch):
    from assistant.answers import suggestions

    question = "Which football team did the family support?"  # words the seeds hold, not its answer
    monkeypatch.setattr(suggestions, "SUGGEST_MIN", 2.0)  # nothing is that close
    answer = respond(searcher, question, threshold=2.0)
    assert answer.no_answer and answer.answer == suggestions.NOT_FOUND
    assert not answer.suggestions and not answer.themes
    monkeypatch.setattr(suggestions, "SUGGEST_MIN", -1.0)  # everything is
    answer = respond(searcher, question, threshold=2.0)
    assert answer.answer == suggestions.NOT_FOUND_NEAR and answer.suggestions and answer.themes
    france = respond(searcher, "What is the capital of France?", threshold=2.0)  # words no passage holds
    assert france.answer == suggestions.NOT_FOUND and not france.suggestions  # nothing is near it


def test_every_labelled_answer_is_grounded(searcher):
    singles, conversations = ask_eval.load()
    answers = [respond(searcher, q["text"], threshold=-1.0) for q in singles]
    answers += [a for c in conversations for a in converse(searcher, [t["text"] for t in c["turn"]], -1.0)]
    given = [a for a in answers if not a.no_answer]
    assert len(given) >= 80
    assert all(a.sentences and ask_eval.grounded(a) for a in given)


# -- the labelled set ----------------------------------------------------------------------------


def test_the_labelled_set_is_big_enough_and_names_real_passages(searcher):
    singles, conversations = ask_eval.load()
    assert len(singles) >= 60 and len(conversations) >= 15
    kinds = {q["kind"] for q in singles}
    assert {"who", "what", "why", "did", "yes-no", "agency", "review", "recommendation", "off-topic"} <= kinds
    sections = {f"{p.doc_id}#{p.section}" for p in searcher.library.passages()}
    items = singles + [t for c in conversations for t in c["turn"]]
    assert all(set(item.get("passages", [])) <= sections for item in items)
    held_out = [q for q in singles if q["split"] == split.HELD_OUT]
    assert 0.2 <= len(held_out) / len(singles) <= 0.45


def test_the_pfd_set_loads_split_and_a_label_no_passage_holds_is_refused(coroners, tmp_path):
    from assistant.settings import Settings

    singles, conversations = ask_eval.load(Settings.from_env().eval_dir / ask_eval.PFD_FILE)
    assert len(singles) >= 10 and len(conversations) >= 20
    assert {c["split"] for c in conversations} == {split.TUNING, split.HELD_OUT}
    assert any(not t["answerable"] for c in conversations for t in c["turn"][1:])  # "not found" follow-ups
    barrier = next(d.doc_id for d in coroners.library.documents() if d.source == "barrier.md")
    labels = tmp_path / "ask.toml"
    labels.write_text(
        f'[[question]]\ntext = "barriers"\nanswerable = true\npassages = ["{barrier}#Matters of concern"]\n'
    )
    assert ask_eval.run(coroners, 2.0, labels)["singles"] == 1
    labels.write_text(labels.read_text().replace("#Matters of concern", "#Concern 1"))
    with pytest.raises(ValueError, match=r"ask\.toml: 'barriers' labels passages the library does not hold"):
        ask_eval.run(coroners, 2.0, labels)


def test_the_split_is_fixed_by_the_words_and_checked(tmp_path):
    assert split.split_of("What happened to Child J?") == split.split_of("  what happened to child j? ")
    key = next(f"question {n}" for n in range(100) if split.split_of(f"question {n}") == split.HELD_OUT)
    bad = tmp_path / "ask.toml"
    bad.write_text(f'[[question]]\ntext = "{key}"\nanswerable = false\n')  # held out, not declared
    with pytest.raises(ValueError, match="held-out"):
        ask_eval.load(bad)


# -- the command line ------------------------------------------------------------------------------


def test_a_conversation_from_the_command_line(seeds_library, fake_embedder, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ASSISTANT_ANSWER_THRESHOLD", "1.0")  # the top of the range
    turns = tmp_path / "turns.txt"
    turns.write_text("recommendations for Child I\n\nand recommendation 3?\n")
    code = cli.main(
        ["ask", "--conversation", str(turns), "--index", str(seeds_library.index_dir)], embedder=fake_embedder
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and [line["question"] for line in lines] == [
        "recommendations for Child I",
        "and recommendation 3?",
    ]
    focus = lines[1]["focus"]
    assert focus["kept"] and focus["passages"]
    assert focus["documents"] == [{"doc_id": "child-i-hscb", "citation": "Child 'I' (HSCB)"}]
    assert [c["section"] for c in lines[1]["citations"]] == ["Recommendation 3"]
    keys = {"question", "answer", "no_answer", "sentences", "citations", "suggestions", "focus"}
    assert keys <= set(lines[0])


def test_ask_takes_one_source_of_questions(seeds_library, fake_embedder, monkeypatch, tmp_path, capsys):
    turns = tmp_path / "turns.txt"
    turns.write_text("bath\n")
    argv = ["ask", "--conversation", str(turns), "--questions-file", str(turns)]
    assert (
        cli.main([*argv, "--index", str(seeds_library.index_dir)], embedder=fake_embedder) == cli.EXIT_ERROR
    )
    assert "give one of QUESTION" in capsys.readouterr().err


# -- the real model -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_searcher(tmp_path_factory, real_embedder):
    from assistant.library.ingest import ingest
    from assistant.settings import Settings

    settings = Settings(index_dir=tmp_path_factory.mktemp("conversation") / "index")
    ingest([CORPUS], settings, real_embedder)
    return Searcher(Library.open(settings.index_dir), real_embedder)


@pytest.mark.slow
def test_the_police_follow_up_after_the_bath_question(real_searcher):
    turns = ["What is the learning about bath safety?", "and what did the police do?"]
    bath, police = converse(real_searcher, turns)
    assert cited(bath) == [("child-i-hscb", "Introduction")]
    assert ("child-i-hscb", "Recommendation 2") in cited(police)
    assert "bath" not in police.answer and "Child 'I' (HSCB)" in police.focus.note


@pytest.mark.slow
@pytest.mark.parametrize(
    "question, passage",
    [
        ("What did the police do?", ("child-i-hscb", "Recommendation 2")),
        ("what happened to child J", ("child-j-hscp-2019", "Introduction")),
        ("What was the response to recommendation 3 in Child J?", ("child-j-hscp-2019", "Recommendation 3")),
        ("Did the board audit GP records?", ("child-j-hscp-2019", "Recommendation 2")),
    ],
)
def test_questions_asked_the_way_people_ask_them(real_searcher, question, passage):
    answer = respond(real_searcher, question)
    assert passage in cited(answer) and ask_eval.grounded(answer)


@pytest.mark.slow
def test_a_new_topic_leaves_the_focus_and_off_topic_offers_nothing(real_searcher):
    _, bath = converse(real_searcher, ["What happened to Child J?", "what about the bath?"])
    assert cited(bath) == [("child-i-hscb", "Introduction")] and bath.focus.left == ("Child J (HSCP, 2019)",)
    france = respond(real_searcher, "What is the capital of France?")
    assert france.no_answer and not france.suggestions and not france.themes


@pytest.mark.slow
def test_it_is_the_last_answer_only_when_the_question_stays_about_it(real_searcher):
    storage = "How should GP practices store child protection information?"
    _, checking = converse(real_searcher, [storage, "who is checking it?"])
    assert ("child-j-hscp-2019", "Recommendation 2") in cited(checking) and checking.focus.kept
    for follow_up in ("is it about knife crime?", "and what did they say about knife crime?"):
        _, off = converse(real_searcher, [storage, follow_up])
        assert off.no_answer and not off.citations, follow_up


def test_how_many_is_the_count_of_which_reviews_with_quotes_from_them(searcher, monkeypatch):
    from assistant.answers import conversation
    from assistant.answers.questions import counted_topic
    from assistant.search.reviews import ReviewFinder

    assert counted_topic("How many PFD reports mention level crossings?") == "level crossings"
    assert counted_topic("how many reviews highlight child suicide") == "child suicide"
    assert counted_topic("How many children drowned?") is None and counted_topic("what happened?") is None
    finder = ReviewFinder(searcher, threshold=0.0)  # the fake embedder's scale: both seeds can count
    expected = finder.find("bath safety")
    assert expected.count >= 1
    answer = respond(searcher, "How many reviews talk about bath safety?", finder=lambda: finder)
    reviews = "review in this library is" if expected.count == 1 else "reviews in this library are"
    assert answer.lead.startswith(f"{expected.count} {reviews} counted as about “bath safety”")
    assert answer.lead.endswith(RELIANCE)  # how far a count can be relied on, as the Reviews view says
    assert not answer.no_answer and answer.citations and ask_eval.grounded(answer)
    assert {c.hit.passage.doc_id for c in answer.citations} <= {r.document.doc_id for r in expected.matches}
    monkeypatch.setattr(conversation, "MAX_PASSAGES", 1)  # one quoted: the focus is every one counted
    every = ReviewFinder(searcher, threshold=-1.0)
    quoted = respond(searcher, "How many reviews talk about bath safety?", finder=lambda: every)
    assert len({c.hit.passage.doc_id for c in quoted.citations}) == 1
    assert quoted.focus.doc_ids == tuple(r.document.doc_id for r in every.find("bath safety").matches)
    assert len(quoted.focus.doc_ids) == 2 and len(quoted.focus.reviews) == 2  # "which of them ...?"
    many = replace(quoted.focus, left=tuple(f"Report {n}" for n in range(300)))  # a count can be hundreds
    assert many.note.endswith("keeps Report 0; Report 1; Report 2; Report 3 and 296 more in focus.")
    none = respond(searcher, "How many reviews mention xqzvb flurble?", finder=lambda: finder)
    assert none.no_answer and "Nothing in this library is counted as about “xqzvb flurble”" in none.note
    asked = []
    spy = type("Spy", (), {"find": lambda self, topic: asked.append(topic) or finder.find(topic)})()
    respond(searcher, "How many reviews are about deaths in the bath?", finder=lambda: spy)
    respond(searcher, "How many reviews in bathrooms?", finder=lambda: spy)  # no such publisher
    assert asked == ["deaths in the bath", "bathrooms"]  # a topic's own "in" is kept
    named = respond(searcher, "How many reviews discuss bath safety in Child J?", finder=lambda: finder)
    assert "counted as about" not in named.lead  # a review named: answered from it


def test_a_count_from_the_fields_says_when_it_names_only_the_first():
    from assistant.answers.counting import LISTED, by_fields

    documents = [
        Document(f"pfd-{n}", f"Report {n}", f"{n}.md", "markdown", str(n), "indexed", published="2020-05-01")
        for n in range(LISTED + 2)
    ]
    counted = by_fields("published in 2020", documents)
    assert counted and len(counted.documents) == LISTED
    named = f" Named here: the first {LISTED} (the Library page lists them all)."
    assert counted.lead == f"{LISTED + 2} documents in this library are published in 2020.{named}"
    fewer = by_fields("published in 2020", documents[:LISTED])
    assert fewer and "Named here" not in fewer.lead


def test_how_many_in_a_year_or_by_a_publisher_or_in_all_is_counted_from_the_fields(searcher):
    def lead(question: str) -> str:
        answer = respond(searcher, question, finder=lambda: pytest.fail("not a topic"))
        assert not answer.sentences and not answer.citations  # the app's count, nothing quoted
        return answer.lead

    assert lead("How many reviews are there?") == lead("how many reviews are in the library?")
    assert lead("How many reviews are there?") == "The library holds 2 documents."
    assert lead("How many reviews were published in 2019?").startswith("1 document in this library is")
    hertfordshire = respond(searcher, "How many reviews in Hertfordshire?", finder=lambda: pytest.fail())
    assert hertfordshire.lead.startswith("2 documents in this library are published by Hertfordshire")
    assert hertfordshire.answer.count("\n- ") == 1  # each named
