"""Optional generative answers from a local, OpenAI-compatible chat endpoint, checked before use.

Off unless ``ASSISTANT_LLM_URL`` is set: unconfigured, nothing here makes a call. The prompt holds
only the numbered passages of the extractive answer. A generated answer is shown only if every
sentence cites a supplied passage and passes the same word-for-word standard as the extractive
answer (:func:`found_in`): its words, ignoring case, punctuation, quotation marks and citation
marks, are exactly the words of one or more consecutive whole sentences of a passage it cites.
So the model may choose, order and cite sentences, never reword them: "It is safe to leave babies
alone in the bath [1]" is refused even when the passage says it is *not* safe. Otherwise the
extractive answer is shown with a note saying why.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import replace

from assistant.answers.answer import Answer, AnswerSentence
from assistant.sentences import sentence_spans
from assistant.settings import Settings

CITATION = re.compile(r"\[(\d+)\]")
LEADING_CITATIONS = re.compile(r"\s*(?:\[\d+\]\s*)+")
WORD = re.compile(r"\w+")
MAX_REPLY_BYTES = 256 * 1024  # a checked answer quotes at most a few passages
SYSTEM = (
    "You answer questions for safeguarding practitioners using ONLY the numbered passages from "
    "published safeguarding reviews given to you. Answer with whole sentences copied word for "
    "word from the passages, choosing those that answer the question, most relevant first. End "
    "every sentence with the number of the passage it is copied from, like [1]. Do not reword, "
    "shorten, join or add anything. If no sentence answers the question, copy none."
)


class Rejected(Exception):
    """The generated text failed a check; the message says which."""


def prompt(question: str, answer: Answer) -> list[dict[str, str]]:
    passages = "\n\n".join(f"[{c.n}] ({c.hit.citation})\n{c.hit.passage.text}" for c in answer.citations)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Passages:\n\n{passages}\n\nQuestion: {question}"},
    ]


def _read(request: urllib.request.Request, timeout: float) -> bytes:
    """The reply's body, within ``timeout`` seconds in all (not per read) and MAX_REPLY_BYTES."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    with urllib.request.urlopen(request, timeout=timeout) as response:
        while chunk := response.read1(16384):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise ValueError(f"the reply is longer than {MAX_REPLY_BYTES // 1024} KB")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the reply took longer than {timeout:g} s")
    return b"".join(chunks)


def call(settings: Settings, messages: list[dict[str, str]]) -> str:
    body = json.dumps({"model": settings.llm_model, "messages": messages, "temperature": 0}).encode()
    request = urllib.request.Request(
        settings.llm_url.rstrip("/") + "/chat/completions",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        data = json.loads(_read(request, settings.llm_timeout_s))
        return str(data["choices"][0]["message"]["content"]).strip()
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise Rejected(f"the answer service could not be used ({exc})") from exc


def words(text: str) -> tuple[str, ...]:
    """The words of a text, in order, case folded: punctuation and quotation marks do not count."""
    return tuple(w.casefold() for w in WORD.findall(text))


def found_in(sentence: str, passage: str) -> bool:
    """Whether ``sentence`` is one or more consecutive whole sentences of ``passage``, word for word.

    Words are compared in order, ignoring case and punctuation; a sentence must start where a
    passage sentence starts and end where one ends, so that a clause cut out of its sentence
    ("safe to leave babies alone" from "it is not safe to leave babies alone") does not pass.
    """
    wanted = words(sentence)
    if not wanted:
        return False
    pieces = [words(passage[s:e]) for s, e in sentence_spans(passage)]
    for first in range(len(pieces)):
        run: tuple[str, ...] = ()
        for piece in pieces[first:]:
            run += piece
            if len(run) >= len(wanted):
                if run == wanted:
                    return True
                break
            if run != wanted[: len(run)]:
                break
    return False


def _sentences(text: str) -> list[str]:
    """The sentences of a generated text; a citation after the full stop belongs to its sentence."""
    out: list[str] = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        if out and (lead := LEADING_CITATIONS.match(piece)):
            out[-1] += " " + lead.group()  # "... in the bath. [1] Bath seats ..."
            piece = piece[lead.end() :]
        if piece.strip():
            out.append(piece)
    return out


def check(text: str, answer: Answer) -> tuple[AnswerSentence, ...]:
    """The generated sentences with their citations, if every check passes."""
    passages = {c.n: c.hit.passage.text for c in answer.citations}
    sentences = []
    for sentence in _sentences(text):
        cited = tuple(int(n) for n in CITATION.findall(sentence))
        if not cited:
            raise Rejected(f"a sentence cites no passage: {sentence[:80]!r}")
        if unknown := [n for n in cited if n not in passages]:
            raise Rejected(f"a sentence cites passage {unknown[0]}, which was not supplied")
        claim = " ".join(CITATION.sub("", sentence).split())
        if not any(found_in(claim, passages[n]) for n in cited):
            raise Rejected(f"a sentence is not found word for word in the passage it cites: {claim[:80]!r}")
        sentences.append(AnswerSentence(claim, cited))
    if not sentences:
        raise Rejected("the answer was empty")
    return tuple(sentences)


def generative(settings: Settings, answer: Answer) -> Answer:
    """The checked generated answer, or the extractive one with a note saying why not."""
    if not settings.llm_url or answer.no_answer:
        return answer
    try:
        text = call(settings, prompt(answer.question, answer))
        sentences = check(text, answer)
    except Rejected as exc:
        return replace(answer, note=f"A generated answer was not shown: {exc}. These are quotations.")
    note = f"Written by {settings.llm_model or 'a language model'} from the cited passages; checked."
    return replace(answer, answer=text, sentences=sentences, note=note)
