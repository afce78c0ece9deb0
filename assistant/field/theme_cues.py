"""Theme cues: a theme found in two things said near each other, not in one word.

Some themes are in no single word. "Working with families" is a relative ("his mother", "the
family") near what passed between them and the services ("raised concerns", "was not informed",
"failed to involve"); "family" alone is in nearly every report. A theme's ``cues`` in the themes
file list its ``people`` and its ``actions``; a sentence holding one of each, at most
:data:`WINDOW` words apart, is a cue, and the two as written ("his mother … raised concerns") are
the evidence kept with the tag.

Words are compared by their Porter stems, as the keyword index compares them ("raised concerns"
finds "raising concern"), and one word may come between two words of an action ("raised their
concerns", "was not properly informed"). Plain phrases, never regular expressions: the file is
edited by people, and a phrase cannot make matching slow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.search.stemming import stem
from assistant.sentences import sentence_spans

WINDOW = 8  # words between the end of one and the start of the other, at most
GAP = 1  # words that may come between two words of an action
WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
POSSESSIVE = re.compile(r"['\u2019]s?$")
LIMIT = 200  # phrases in each list


@dataclass(frozen=True)
class Cues:
    """A theme's people and actions, each phrase as its words' stems."""

    people: tuple[tuple[str, ...], ...]
    actions: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, people: Sequence[str], actions: Sequence[str]) -> Cues:
        return cls(tuple(_stems(p) for p in people), tuple(_stems(a) for a in actions))

    def find(self, text: str) -> tuple[str, ...]:
        """The first cue in ``text``: the person and the action as written, in the order the text
        has them, or () when none."""
        for start, end in sentence_spans(text):
            found = self._in_sentence(text, start, end)
            if found:
                return found
        return ()

    def _in_sentence(self, text: str, start: int, end: int) -> tuple[str, ...]:
        words = [(m.start(), m.end(), _stem(m.group())) for m in WORD.finditer(text, start, end)]
        stems = [s for _, _, s in words]
        at: dict[str, list[int]] = {}
        for i, word in enumerate(stems):
            at.setdefault(word, []).append(i)
        people = [span for phrase in self.people for span in _exact(stems, at, phrase)]
        if not people:
            return ()
        for phrase in self.actions:
            for first, last in _with_gaps(stems, at, phrase):
                for p_first, p_last in people:
                    apart = first - p_last - 1 if p_last < first else p_first - last - 1
                    if 0 <= apart <= WINDOW:
                        spans = sorted([(p_first, p_last), (first, last)])
                        return tuple(text[words[a][0] : words[b][1]] for a, b in spans)
        return ()


def _stem(word: str) -> str:
    return stem(POSSESSIVE.sub("", word))


def _stems(phrase: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in WORD.findall(phrase))


def _exact(stems: list[str], at: dict[str, list[int]], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where ``phrase`` stands, word after word: (first word, last word) of each; ``at`` gives
    where each stem stands."""
    n = len(phrase)
    return [(i, i + n - 1) for i in at.get(phrase[0], ()) if tuple(stems[i : i + n]) == phrase]


def _with_gaps(stems: list[str], at: dict[str, list[int]], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where ``phrase`` stands with at most :data:`GAP` other words between two of its words."""
    found = []
    for i in at.get(phrase[0], ()):
        last = i
        for word in phrase[1:]:
            window = stems[last + 1 : last + 2 + GAP]
            if word not in window:
                break
            last = last + 1 + window.index(word)
        else:
            found.append((i, last))
    return found
