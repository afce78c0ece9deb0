"""Measured quality of Ask on ``eval/ask.toml``: single questions and follow-ups, each split into
the tuning part and the held-out part (:mod:`assistant.quality.split`), beside today's code run on the
same questions in the same run (the baseline: one search, "not found" below the threshold, a
follow-up searched together with the question before it).

For each part: answer precision and recall (answering rather than "not found", judged by the
labels), the share of on-topic questions answered from a labelled passage (the answer cites at
least one), groundedness (every sentence word for word in the passage it cites), the share of
off-topic questions refused, and how many refusals offered suggestions.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.answers.answer import Answer, Turn, ask
from assistant.answers.conversation import converse
from assistant.quality import split
from assistant.search.searcher import Searcher
from assistant.settings import Settings

EVAL_FILE = "ask.toml"  # in the eval_dir setting: asked of the default corpus
PFD_FILE = "ask_pfd.toml"  # asked of the PFD reports of the evaluation library


def _check_item(path: Path, n: int, item: dict[str, Any]) -> None:
    if not item.get("text") or not isinstance(item.get("answerable"), bool):
        raise ValueError(f"{path}: item {n} needs text and answerable = true/false")
    if item["answerable"] and not item.get("passages"):
        raise ValueError(f"{path}: item {n} ({item['text'][:60]!r}) is answerable but lists no passages")


def load(path: Path | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    path = path or Settings.from_env().eval_dir / EVAL_FILE
    """(single questions, conversations), each item with its checked ``split``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    singles = data.get("question", [])
    for n, item in enumerate(singles, start=1):
        _check_item(path, n, item)
        item["split"] = split.check(path, n, item["text"], item.get("split"))
    conversations = data.get("conversation", [])
    for n, conversation in enumerate(conversations, start=len(singles) + 1):
        turns = conversation.get("turn", [])
        if not 2 <= len(turns) <= 3:
            raise ValueError(f"{path}: conversation {n} needs two or three turns")
        for turn in turns:
            _check_item(path, n, turn)
        key = " / ".join(t["text"] for t in turns)
        conversation["split"] = split.check(path, n, key, conversation.get("split"))
    return singles, conversations


def grounded(answer: Answer) -> bool:
    """Every sentence of the answer is a sentence of a passage it cites (white space aside)."""
    passages = {c.n: " ".join(c.hit.passage.text.split()) for c in answer.citations}
    return all(
        s.citations and all(" ".join(s.text.split()) in passages.get(n, "") for n in s.citations)
        for s in answer.sentences
    )


def cites_label(item: dict[str, Any], answer: Answer) -> bool:
    cited = {f"{c.hit.passage.doc_id}#{c.hit.passage.section}" for c in answer.citations}
    return not answer.no_answer and bool(cited & set(item.get("passages", [])))


def score(pairs: list[tuple[dict[str, Any], Answer]]) -> dict[str, Any]:
    on = [(i, a) for i, a in pairs if i["answerable"]]
    off = [(i, a) for i, a in pairs if not i["answerable"]]
    given = [(i, a) for i, a in pairs if not a.no_answer]
    right = sum(i["answerable"] for i, _ in given)
    refused = [a for _, a in off if a.no_answer]

    def share(k: int, n: int) -> float | None:
        return round(k / n, 3) if n else None

    return {
        "items": len(pairs),
        "on_topic": len(on),
        "off_topic": len(off),
        "precision": share(right, len(given)),
        "recall": share(right, len(on)),
        "from_label": share(sum(cites_label(i, a) for i, a in on), len(on)),
        "grounded": f"{sum(grounded(a) for _, a in given)}/{len(given)}",
        "refused_off_topic": share(len(refused), len(off)),
        "refusals_with_suggestions": f"{sum(bool(a.suggestions or a.themes) for _, a in off if a.no_answer)}"
        f"/{len(refused)}",
    }


Asker = Callable[[list[str]], list[Answer]]


def run_with(asker: Asker, singles: list[dict], conversations: list[dict]) -> dict[str, list]:
    """(item, answer) pairs per part: singles and follow-ups (turns after the first), by split."""
    pairs: dict[str, list] = {f"{kind}/{part}": [] for kind in ("singles", "follow_ups")
                              for part in (split.TUNING, split.HELD_OUT)}  # fmt: skip
    for item in singles:
        pairs[f"singles/{item['split']}"].append((item, asker([item["text"]])[0]))
    for conversation in conversations:
        turns = conversation["turn"]
        answers = asker([t["text"] for t in turns])
        pairs[f"follow_ups/{conversation['split']}"] += list(zip(turns[1:], answers[1:], strict=True))
    return pairs


def today(searcher: Searcher, threshold: float) -> Asker:
    """The code before conversations were followed: each turn asked with the user turns before it."""

    def asker(questions: list[str]) -> list[Answer]:
        history: list[Turn] = []
        answers = []
        for question in questions:
            answers.append(ask(searcher, question, history, threshold=threshold))
            history.append(Turn("user", question))
        return answers

    return asker


def check_passages(path: Path, items: list[dict[str, Any]], searcher: Searcher) -> None:
    """Every labelled "doc_id#Section" is a passage of the library asked: a label no answer can
    cite would count against every answer."""
    held = {f"{p.doc_id}#{p.section}" for p in searcher.library.passages()}
    for item in items:
        if missing := [label for label in item.get("passages", []) if label not in held]:
            raise ValueError(
                f"{path}: {item['text'][:60]!r} labels passages the library does not hold: {missing}"
            )


def run(searcher: Searcher, threshold: float, path: Path | None = None) -> dict[str, Any]:
    singles, conversations = load(path)
    check_passages(path or Path(EVAL_FILE), singles + [t for c in conversations for t in c["turn"]], searcher)
    now = run_with(lambda qs: converse(searcher, qs, threshold), singles, conversations)
    before = run_with(today(searcher, threshold), singles, conversations)
    report: dict[str, Any] = {
        "threshold": threshold,
        "singles": len(singles),
        "conversations": len(conversations),
        "parts": {name: score(pairs) for name, pairs in now.items()},
        "baseline": {name: score(pairs) for name, pairs in before.items()},
    }
    return report


def lines(report: dict[str, Any], name: str = "ask") -> list[str]:
    """The report as a person reads it: one line per part, new code beside the baseline."""
    out = [
        f"{name}: {report['singles']} single questions, {report['conversations']} conversations"
        f" (threshold {report['threshold']}; baseline: the code before follow-ups kept a focus)"
    ]
    for name, m in report["parts"].items():
        b = report["baseline"][name]
        out.append(
            f"  {name:<19} {m['on_topic']:>2} on-topic, {m['off_topic']:>2} off-topic:"
            f" precision {m['precision']}, recall {m['recall']}, from a labelled passage {m['from_label']}"
            f" (baseline {b['from_label']}), grounded {m['grounded']}, off-topic refused"
            f" {m['refused_off_topic']} (baseline {b['refused_off_topic']})"
        )
    return out
