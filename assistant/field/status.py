"""A recommendation's response → its status, read from the response's own words.

A published response says what will change: "have already developed a system" (already in place),
"are commissioning an in depth audit" (review or audit commissioned), "a Safeguarding Housing
Conference will be run" (training planned). The cue phrases and their precedence live in an
editable TOML file (``assistant/field/data/status.toml``, whose header documents the format and the
order). The status carries the clause that justifies it, copied word for word from the passage
with its offsets, so the app can highlight it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import AssistantError
from assistant.field import data_files
from assistant.field.phrases import phrase_regex
from assistant.sentences import sentence_spans

DEFAULT_FILE = Path(__file__).parent / "data" / "status.toml"
NO_RESPONSE, UNCLEAR = "no_response", "unclear"
MAX_PHRASE = 200  # characters: a longer clause is cut at a word boundary around the cue
MIN_CLAUSE_WORDS = 4  # a shorter clause ("is being done") is widened to its sentence

# "Partnership Response –", "Board Response:", "Our response -", "Response from the CCG:", or a
# line holding only "Management Response"; at the start of a line or after a sentence's end.
RESPONSE_MARK = re.compile(
    r"(?:^|(?<=[.!?*])[ \t]+)[ \t>#*_]*(?:[\w'\u2019]+[ \t]+){0,3}?response"
    r"(?:[ \t]+(?:from|by|to)[ \t]+[^\n:\u2013\u2014]{1,80}?)?[ \t*_]*(?:[\u2013\u2014:-]|(?=\n|\Z))",
    re.I | re.M,
)
RECOMMENDATION_LINE = re.compile(r"^[\s>#*_]*recommendation\b", re.I | re.M)
CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s[\u2013\u2014-]\s+")
TRIM = " \t\n,;:*_\u2013\u2014-"


@dataclass(frozen=True)
class ResponseStatus:
    """A response's status. ``text[start:end] == phrase``; with no words to show (no response,
    or a response that matches no cue) ``phrase`` is "" and ``start == end == -1``."""

    status: str
    label: str
    phrase: str
    start: int
    end: int


@dataclass(frozen=True)
class StatusRules:
    labels: dict[str, str]  # every status id → its label
    cues: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]  # strongest status first
    negation: re.Pattern[str] | None

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE) -> StatusRules:
        def fail(problem: str) -> AssistantError:
            return AssistantError(f"status file {path}: {problem}")

        data, _ = data_files.read(path, "status file")
        tables = data.get("status")
        if not isinstance(tables, dict) or not tables:
            raise fail("needs [status.<id>] tables")
        labels: dict[str, str] = {}
        cues: dict[str, tuple[re.Pattern[str], ...]] = {}
        for sid, table in tables.items():
            if not isinstance(table, dict) or not isinstance(table.get("label"), str):
                raise fail(f"status {sid!r} needs a label")
            labels[sid] = table["label"]
            phrases, patterns = table.get("phrases", []), table.get("patterns", [])
            if not (_strings(phrases) and _strings(patterns)):
                raise fail(f"status {sid!r}: phrases and patterns must be lists of strings")
            sources = [phrase_regex(p) for p in phrases if p.strip()] + patterns
            where = f"status file {path}: status {sid!r}"
            compiled = [data_files.pattern(source, where) for source in sources]
            if compiled:
                cues[sid] = tuple(compiled)
        for sid in (NO_RESPONSE, UNCLEAR):
            if sid not in labels or sid in cues:
                raise fail(f"needs a [status.{sid}] table with a label and no cues")
        order = data.get("precedence")
        if not isinstance(order, list) or sorted(map(str, order)) != sorted(cues) or len(order) != len(cues):
            raise fail(f"precedence must list each status with cues once: {sorted(cues)}")
        try:
            negation = re.compile(data["negation"], re.I) if data.get("negation") else None
        except (re.error, TypeError) as exc:
            raise fail(f"bad negation pattern: {exc}") from exc
        return cls(labels, tuple((sid, cues[sid]) for sid in order), negation)


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


@lru_cache(maxsize=4)
def load(path: Path = DEFAULT_FILE) -> StatusRules:
    return StatusRules.load(path)


def split_response(text: str) -> tuple[str, str | None, int | None]:
    """(recommendation part, response part or None, offset of the response part in ``text``).

    The response part is the words after the label and its separator ("Board Response: ..."),
    up to the next recommendation heading or the end of the text.
    """
    mark = RESPONSE_MARK.search(text)
    if mark is None:
        return text.strip(), None, None
    start = mark.end()
    while start < len(text) and text[start] in " \t\n*_":
        start += 1
    nxt = RECOMMENDATION_LINE.search(text, start)
    end = len(text[: nxt.start() if nxt else len(text)].rstrip(" \t\n*_"))
    recommendation = text[: mark.start()].strip()
    return (recommendation, text[start:end], start) if end > start else (recommendation, None, None)


def response_status(text: str, rules: StatusRules | None = None) -> ResponseStatus | None:
    """The status of the response in ``text``; None when ``text`` holds neither a recommendation
    heading nor a response (an introduction, say: the caller decides what to show)."""
    rules = rules or load()
    _, response, offset = split_response(text)
    if response is None or offset is None:
        if not RECOMMENDATION_LINE.search(text):
            return None
        return ResponseStatus(NO_RESPONSE, rules.labels[NO_RESPONSE], "", -1, -1)
    stop = offset + len(response)
    sentences = sentence_spans(text, offset, stop)
    for sid, patterns in rules.cues:
        found: list[tuple[int, int, tuple[int, int]]] = []
        for pattern in patterns:
            for match in pattern.finditer(text, offset, stop):
                clause = _clause(text, sentences, match.start(), match.end())
                if not (rules.negation and rules.negation.search(text, clause[0], match.start())):
                    found.append((match.start(), match.end(), clause))
                    break
        if found:
            cue_start, cue_end, (start, end) = min(found)
            start, end = _shorten(text, start, end, cue_start, cue_end)
            return ResponseStatus(sid, rules.labels[sid], text[start:end], start, end)
    return ResponseStatus(UNCLEAR, rules.labels[UNCLEAR], "", -1, -1)


def _clause(text: str, sentences: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """The clause of its sentence that holds ``text[start:end]``, or the sentence if that is short."""
    s_start, s_end = next(((s, e) for s, e in sentences if s <= start < e), (start, end))
    c_start, c_end = s_start, max(s_end, end)
    for brk in CLAUSE_BREAK.finditer(text, s_start, s_end):
        if brk.end() <= start:
            c_start = brk.end()
        elif brk.start() >= end:
            c_end = brk.start()
            break
    if len(text[c_start:c_end].split()) < MIN_CLAUSE_WORDS:
        c_start, c_end = s_start, max(s_end, end)
    return c_start, c_end


def _shorten(text: str, start: int, end: int, cue_start: int, cue_end: int) -> tuple[int, int]:
    """At most about MAX_PHRASE characters around the cue, cut at white space, edges trimmed."""
    if cue_start - start > MAX_PHRASE // 2:
        start = text.find(" ", cue_start - MAX_PHRASE // 2, cue_start) + 1 or cue_start
    if end - start > MAX_PHRASE:
        cut = text.find(" ", max(cue_end, start + MAX_PHRASE), end)
        end = cut if cut != -1 else end
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end
