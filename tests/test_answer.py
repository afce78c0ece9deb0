"""Grounded answers: quoted word for word, cited, an honest "not found", follow-ups, generative checks."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from assistant.answers import generate
from assistant.answers.answer import NOT_FOUND, Turn, ask, search_query
from assistant.library import Library
from assistant.quality.evaluation import grounded, load_questions
from assistant.search.searcher import Searcher
from assistant.sentences import sentence_spans
from assistant.settings import Settings

from .support import CORPUS


@pytest.fixture(scope="module")
def real_searcher(tmp_path_factory, real_embedder):
    from assistant.library.ingest import ingest

    settings = Settings(index_dir=tmp_path_factory.mktemp("answers") / "index")
    ingest([CORPUS], settings, real_embedder)
    return Searcher(Library.open(settings.index_dir), real_embedder)


def test_follow_ups_are_read_in_the_context_of_the_conversation():
    history = [Turn("user", "What is the learning about domestic abuse?"), Turn("assistant", "...")]
    assert search_query("and what did the police do?", history).startswith(
        "What is the learning about domestic"
    )
    assert search_query("What about their training?", history) != "What about their training?"
    assert (
        search_query("How should GP practices store records?", history)
        == "How should GP practices store records?"
    )
    assert search_query("and the police?", []) == "and the police?"


def test_every_answer_sentence_is_quoted_from_the_passage_it_cites(seeds_library, fake_embedder):
    searcher = Searcher(Library.open(seeds_library.index_dir), fake_embedder)
    answers = [ask(searcher, q["text"], threshold=0.0) for q in load_questions()]
    given = [a for a in answers if not a.no_answer]
    assert len(given) >= 20
    for answer in given:
        assert answer.sentences and grounded(answer), answer.question
        numbers = {c.n for c in answer.citations}
        assert all(set(s.citations) <= numbers for s in answer.sentences)
        for sentence in answer.sentences:
            assert f"{sentence.text} [{sentence.citations[0]}]" in answer.answer


def test_the_json_shape(seeds_library, fake_embedder):
    searcher = Searcher(Library.open(seeds_library.index_dir), fake_embedder)
    data = ask(searcher, "What training is planned for housing staff?", threshold=0.0).to_dict()
    assert {"question", "answer", "no_answer", "sentences", "citations"} <= set(data)
    citation = data["citations"][0]
    assert {"n", "doc_id", "title", "source", "section", "page", "passage"} <= set(citation)
    assert all(isinstance(n, int) for s in data["sentences"] for n in s["citations"])


@pytest.mark.slow
def test_bath_safety_is_answered_from_the_child_i_response(real_searcher):
    answer = ask(real_searcher, "What is the learning about bath safety?")
    assert not answer.no_answer
    assert {c.hit.passage.doc_id for c in answer.citations} == {"child-i-hscb"}
    assert "unattended while bathing" in answer.answer and "Water Safety campaign" in answer.answer
    assert answer.answer.startswith("From Child 'I' (HSCB):")


@pytest.mark.slow
def test_gp_storage_cites_child_j_recommendations_1_and_2(real_searcher):
    answer = ask(real_searcher, "How should GP practices store child protection information?")
    cited = {(c.hit.passage.doc_id, c.hit.passage.recommendation) for c in answer.citations}
    assert {("child-j-hscp-2019", 1), ("child-j-hscp-2019", 2)} <= cited
    assert "receipt and storage" in answer.answer and "Partnership Response" in answer.answer


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["What is the learning about school exclusions?", "How should we respond to online grooming?",
     "female genital mutilation"],
)  # fmt: skip
def test_off_topic_questions_get_an_honest_not_found(real_searcher, question):
    answer = ask(real_searcher, question)
    assert answer.no_answer and answer.answer == NOT_FOUND
    assert not answer.sentences and not answer.citations  # suggestions are never dressed as an answer
    assert len(answer.themes) == 3
    # The seeds hold "respond" and "online"; no passage holds "school", "exclusions", "genital" ...:
    # a question none of whose words the library holds has no nearest passages.
    assert bool(answer.suggestions) == ("grooming" in question)


@pytest.mark.slow
def test_a_follow_up_about_the_police_finds_the_police_recommendation(real_searcher):
    history = [Turn("user", "What is the learning about domestic abuse?")]
    answer = ask(real_searcher, "and what did the police need to do?", history)
    assert not answer.no_answer
    assert ("child-i-hscb", 2) in {
        (c.hit.passage.doc_id, c.hit.passage.recommendation) for c in answer.citations
    }


# -- optional generative answers, against a small local server -----------------------------------


class _ChatServer:
    """An OpenAI-compatible /chat/completions endpoint on localhost that replies with ``reply``."""

    def __init__(self, reply: str):
        self.reply = reply
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "body": body})
                data = json.dumps({"choices": [{"message": {"role": "assistant", "content": outer.reply}}]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data.encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def housing_answer(seeds_library, fake_embedder):
    searcher = Searcher(Library.open(seeds_library.index_dir), fake_embedder)
    answer = ask(searcher, "What training is planned for housing staff?", threshold=0.0)
    assert not answer.no_answer
    return answer


def _settings(url: str) -> Settings:
    return Settings(llm_url=url, llm_model="local-test", llm_timeout_s=5)


def test_a_checked_generated_answer_is_shown(housing_answer):
    n = housing_answer.citations[0].n
    text = housing_answer.citations[0].hit.passage.text
    first, second = (" ".join(text[s:e].split()) for s, e in sentence_spans(text)[:2])
    server = _ChatServer(f"{second} [{n}] {first} [{n}]")  # chosen and ordered, copied word for word
    try:
        answer = generate.generative(_settings(server.url), housing_answer)
    finally:
        server.close()
    assert answer.answer.startswith(second) and "checked" in answer.note
    assert [s.citations for s in answer.sentences] == [(n,), (n,)]
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    prompt = request["body"]["messages"][1]["content"]
    assert all(c.hit.passage.text in prompt for c in housing_answer.citations)  # only the passages


@pytest.mark.parametrize(
    "reply, why",
    [
        ("Housing staff must be trained.", "cites no passage"),
        ("Housing staff must be trained [9].", "cites passage 9"),
        ('The board promised "a national housing helpline" [1].', "not found word for word"),
        ("Staff will be trained [1].", "not found word for word"),  # a paraphrase is not a quotation
    ],
)
def test_an_unchecked_generated_answer_falls_back_to_quotations(housing_answer, reply, why):
    server = _ChatServer(reply)
    try:
        answer = generate.generative(_settings(server.url), housing_answer)
    finally:
        server.close()
    assert answer.answer == housing_answer.answer and answer.sentences == housing_answer.sentences
    assert why in answer.note and "not shown" in answer.note


def test_an_unreachable_service_falls_back(housing_answer):
    answer = generate.generative(_settings("http://127.0.0.1:9/v1"), housing_answer)
    assert answer.answer == housing_answer.answer and "could not be used" in answer.note


def test_unconfigured_the_product_never_calls_out(housing_answer, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network call was made")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    assert generate.generative(Settings(), housing_answer) is housing_answer
