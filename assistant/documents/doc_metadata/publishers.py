"""One publisher, however it is spelt: "Derby & Derbyshire" and "Derby and Derbyshire", "London
Inner (North)" and "London Inner North", "West Sussex. 2" (a stray footnote mark) and "West Sussex".

Documents keep the name as they give it; counts (the Themes grid, the filters' numbers) and filters
go by :func:`key`, so one publisher's reviews are counted in one place and a filter on it finds all
of them. A group is shown by the spelling most of its documents use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

PUNCTUATION = re.compile(r"[^\w\s]")
TRAILING_NUMBER = re.compile(r"\s+\d{1,2}$")  # "Essex 2": a footnote mark, not part of a name


def key(name: str) -> str:
    """What tells one publisher from another: not case, "&" for "and", brackets, punctuation or a
    stray number at the end."""
    plain = PUNCTUATION.sub(" ", name.casefold().replace("&", " and "))
    return TRAILING_NUMBER.sub("", " ".join(plain.split()))


def labels(counts: Mapping[str, int]) -> dict[str, str]:
    """Each spelling → the spelling that stands for its group: the one with the largest count
    (documents or passages), then the shortest, then the first in order."""
    groups: dict[str, list[str]] = {}
    for name in counts:
        groups.setdefault(key(name), []).append(name)
    chosen = {k: min(names, key=lambda n: (-counts[n], len(n), n)) for k, names in groups.items()}
    return {name: chosen[key(name)] for name in counts}


def merged(counts: Mapping[str, int], named: Mapping[str, str] | None = None) -> dict[str, int]:
    """The counts of one group's spellings added up under its label (``named``: each spelling's
    label, chosen by other counts, such as the documents'), in the order of the labels."""
    named = named if named is not None else labels(counts)
    total: Counter[str] = Counter()
    for name, n in counts.items():
        total[named.get(name, name)] += n
    return dict(sorted(total.items()))


def spellings(wanted: Iterable[str], held: Iterable[str]) -> list[str]:
    """The names ``held`` (as documents give them) that are one of the ``wanted`` publishers, and
    the wanted names themselves."""
    keys = {key(w) for w in wanted}
    return sorted({*wanted, *(h for h in held if key(h) in keys)})
