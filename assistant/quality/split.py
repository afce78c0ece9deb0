"""The held-out split shared by every labelled set in ``eval/``: which items are never tuned on.

An item is held out when the first byte of the SHA-256 of its key (lower case, white space
collapsed) is divisible by 3: about a third of any set, fixed by the item's own words, not by
its position in a file, so adding or reordering items never moves another item between the
parts. The key is the text of a question or query; for a conversation, its turns joined by
" / ". Each item in a TOML file also says ``split = "held-out"`` where it is held out, so a
reader sees it; the loaders check that the two agree (:func:`check`), so an item cannot be moved
out of the held-out part after it failed.

Thresholds and weights are measured on the ``tuning`` part only; the held-out part is reported
separately and never looked at while tuning.
"""

from __future__ import annotations

import hashlib
from typing import Literal

Split = Literal["tuning", "held-out"]
TUNING: Split = "tuning"
HELD_OUT: Split = "held-out"


def split_of(key: str) -> Split:
    digest = hashlib.sha256(" ".join(key.lower().split()).encode("utf-8")).digest()
    return HELD_OUT if digest[0] % 3 == 0 else TUNING


def check(path: object, n: int, key: str, declared: str | None) -> Split:
    """The item's split, after checking that the file declares the same (absent means tuning)."""
    expected = split_of(key)
    if (declared or TUNING) != expected:
        raise ValueError(
            f"{path}: item {n} ({key[:60]!r}) says split = {declared or TUNING!r}, but the shared rule"
            f" puts it in {expected!r} (assistant/quality/split.py)"
        )
    return expected
