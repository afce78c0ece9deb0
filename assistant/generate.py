"""Optional generative answers from a local, OpenAI-compatible chat endpoint, checked before use.

Off unless ``ASSISTANT_LLM_URL`` is set: unconfigured, nothing here makes a call. The prompt holds
only the numbered passages of the extractive answer. A generated answer is shown only if every
sentence cites a supplied passage and every quoted phrase is found, word for word, in a passage
that sentence cites; otherwise the extractive answer is shown with a note saying why.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import replace

from .answer import Answer, AnswerSentence
from .sentences import sentence_spans
from .settings import Settings

CITATION = re.compile(r"\[(\d+)\]")
QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]{3,}?)[\"\u201d]")
SYSTEM = (
    "You answer questions for safeguarding practitioners using ONLY the numbered passages from "
    "published safeguarding reviews given to you. Every sentence must end with the number of the "
    "passage it relies on, like [1]. Put any words taken from a passage in double quotes, exactly "
    "as written. If the passages do not answer the question, say so. Do not add anything else."
)


class Rejected(Exception):
    """The generated text failed a check; the message says which."""


def prompt(question: str, answer: Answer) -> list[dict[str, str]]:
    passages = "\n\n".join(f"[{c.n}] ({c.hit.citation})\n{c.hit.passage.text}" for c in answer.citations)
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Passages:\n\n{passages}\n\nQuestion: {question}"},
    ]


def call(settings: Settings, messages: list[dict[str, str]]) -> str:
    body = json.dumps({"model": settings.llm_model, "messages": messages, "temperature": 0}).encode()
    request = urllib.request.Request(
        settings.llm_url.rstrip("/") + "/chat/completions",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.llm_timeout_s) as response:
            data = json.loads(response.read())
        return str(data["choices"][0]["message"]["content"]).strip()
    except (urllib.error.URLError, TimeoutError, ValueError, KeyError, IndexError) as exc:
        raise Rejected(f"the answer service could not be used ({exc})") from exc


def check(text: str, answer: Answer) -> tuple[AnswerSentence, ...]:
    """The generated sentences with their citations, if every check passes."""
    passages = {c.n: " ".join(c.hit.passage.text.split()) for c in answer.citations}
    sentences = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        cited = tuple(int(n) for n in CITATION.findall(sentence))
        if not cited:
            raise Rejected(f"a sentence cites no passage: {sentence[:80]!r}")
        if unknown := [n for n in cited if n not in passages]:
            raise Rejected(f"a sentence cites passage {unknown[0]}, which was not supplied")
        for phrase in QUOTED.findall(sentence):
            if not any(" ".join(phrase.split()) in passages[n] for n in cited):
                raise Rejected(f"the quotation {phrase[:60]!r} is not in the passage it cites")
        sentences.append(AnswerSentence(" ".join(CITATION.sub("", sentence).split()), cited))
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
