"""Words and phrases from the field's data files as regular expressions: the one helper.

A phrase matches as whole words, with any run of spaces or hyphens between its words
("follow up" finds "follow-up"), so a data file lists each phrase once.
"""

from __future__ import annotations

import re

GAP = r"[\s-]+"


def phrase_regex(
    phrase: str, plural: bool = False, curly_apostrophes: bool = False, words_any_case: bool = False
) -> str:
    """A regex source for ``phrase``: whole words only; ``plural`` allows a final "s";
    ``curly_apostrophes`` lets a straight apostrophe match a curly one too; ``words_any_case``
    matches the words (not the final "s") in any case. Otherwise case is the caller's flag."""
    words = [re.escape(word) for word in re.split(GAP, phrase.strip()) if word]
    if curly_apostrophes:
        words = [word.replace("'", "['\u2019]") for word in words]
    body = GAP.join(words)
    if words_any_case:
        body = f"(?i:{body})"
    return rf"(?<!\w){body}{'s?' if plural else ''}(?!\w)"


def is_acronym(phrase: str) -> bool:
    """Written in capitals with two letters or more ("GP", "SEND"): matched only in capitals."""
    return phrase.isupper() and sum(ch.isalpha() for ch in phrase) >= 2
