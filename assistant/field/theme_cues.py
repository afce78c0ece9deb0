"""Theme cues: a theme found in two things said near each other, not in one word.

Some themes are in no single word. "Working with families" is a relative ("his mother", "the
family") near what passed between them and the services ("raised concerns", "was not informed",
"failed to involve"); "family" alone is in nearly every report. A theme's ``cues`` in the themes
file list its ``people`` and its ``actions``; a sentence holding one of each, at most
:data:`WINDOW` words apart, is a cue, and the two as written ("his mother … raised concerns") are
the evidence kept with the tag.

Words are compared by their Porter stems, as the keyword index compares them ("raised concerns"
finds "raising concern"), except that a word ending in -ion or -ment (mostly a noun made from a
verb) is kept apart from the others: "information" does not stand for "informed", nor "involvement"
for "involve". One word may come between two words of an action ("raised their concerns", "was not
properly informed"), unless it is one of :data:`TURNING`, the few that turn the meaning ("raised no
concerns", "not only informed"); in an action that is itself a denial "any" only stresses it
("without any consultation"). ``not_people`` are phrases that hold one of the people
but name something else ("partner agencies", "Family Court"). Plain phrases, never regular
expressions: the file is edited by people, and a phrase cannot make matching slow.
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
NOUN_ENDINGS = ("ion", "ions", "ment", "ments")  # a noun made from a verb keeps apart from it
TURNING = ("no", "not", "never", "nor", "any", "only", "without", "nothing", "none")  # never a gap
DENIALS = ("no", "not", "never", "without", "lack", "absence")  # an action starting so may have "any"
LIMIT = 200  # phrases in each list


@dataclass(frozen=True)
class Cues:
    """A theme's people and actions, each phrase as its words' keys (:func:`_key`)."""

    people: tuple[tuple[str, ...], ...]
    actions: tuple[tuple[str, ...], ...]
    not_people: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, people: Sequence[str], actions: Sequence[str], not_people: Sequence[str] = ()) -> Cues:
        return cls(_phrases(people), _phrases(actions), _phrases(not_people))

    def find(self, text: str) -> tuple[str, ...]:
        """A cue in ``text``, or () when none: in the first sentence that holds one, the first
        action of the list found near one of the people; the two as written (white space made
        single), in the order the text has them."""
        for start, end in sentence_spans(text):
            found = self._in_sentence(text, start, end)
            if found:
                return found
        return ()

    def _in_sentence(self, text: str, start: int, end: int) -> tuple[str, ...]:
        words = [(m.start(), m.end(), _key(m.group())) for m in WORD.finditer(text, start, end)]
        keys = [s for _, _, s in words]
        at: dict[str, list[int]] = {}
        for i, word in enumerate(keys):
            at.setdefault(word, []).append(i)
        people = [span for phrase in self.people for span in _exact(keys, at, phrase)]
        if people and self.not_people:
            other = [span for phrase in self.not_people for span in _exact(keys, at, phrase)]
            people = [(a, b) for a, b in people if not any(c <= a and b <= d for c, d in other)]
        if not people:
            return ()
        for phrase in self.actions:
            for first, last in _with_gaps(keys, at, phrase):
                for p_first, p_last in people:
                    apart = first - p_last - 1 if p_last < first else p_first - last - 1
                    if 0 <= apart <= WINDOW:
                        spans = sorted([(p_first, p_last), (first, last)])
                        return tuple(" ".join(text[words[a][0] : words[b][1]].split()) for a, b in spans)
        return ()


def _key(word: str) -> str:
    """What a word is compared by: its Porter stem, marked when the word ends in -ion or -ment,
    so that "information" and "informed" (both "inform") stay apart."""
    word = POSSESSIVE.sub("", word)
    key = stem(word)
    return key + "+n" if word.lower().endswith(NOUN_ENDINGS) else key


_TURNING = frozenset(_key(w) for w in TURNING)
_DENIALS = frozenset(_key(w) for w in DENIALS)
_TURNING_AFTER_DENIAL = _TURNING - {_key("any")}


def _phrases(phrases: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_key(w) for w in WORD.findall(p)) for p in phrases)


def _exact(keys: list[str], at: dict[str, list[int]], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where ``phrase`` stands, word after word: (first word, last word) of each; ``at`` gives
    where each key stands."""
    n = len(phrase)
    return [(i, i + n - 1) for i in at.get(phrase[0], ()) if tuple(keys[i : i + n]) == phrase]


def _with_gaps(keys: list[str], at: dict[str, list[int]], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where ``phrase`` stands with at most :data:`GAP` other words between two of its words,
    none of them :data:`TURNING` the meaning ("any" may stress an action of :data:`DENIALS`)."""
    found = []
    turning = _TURNING_AFTER_DENIAL if phrase[0] in _DENIALS else _TURNING
    for i in at.get(phrase[0], ()):
        last = i
        for word in phrase[1:]:
            window = keys[last + 1 : last + 2 + GAP]
            if word not in window or turning.intersection(window[: window.index(word)]):
                break
            last = last + 1 + window.index(word)
        else:
            found.append((i, last))
    return found
