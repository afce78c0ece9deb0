"""Answers kept per library generation: another generation is read anew, and the memo is bounded."""

from __future__ import annotations

import pytest

from assistant.library.generation_memo import GenerationMemo


def test_an_answer_is_read_once_per_generation():
    memo = GenerationMemo()
    reads: list[int] = []

    def read(n: int) -> int:
        reads.append(n)
        return n

    assert memo.get(7, "themes", lambda: read(1)) == 1
    assert memo.get(7, "themes", lambda: read(2)) == 1  # kept: not read again
    assert memo.get(8, "themes", lambda: read(3)) == 3  # a new generation is never served the old answer
    assert reads == [1, 3]


def test_the_memo_is_bounded_and_drops_the_least_recently_used():
    memo = GenerationMemo(limit=2)
    memo.get(1, "a", lambda: "a")
    memo.get(1, "b", lambda: "b")
    memo.get(1, "a", lambda: "not read")  # a is used again: b is now the oldest
    memo.get(1, "c", lambda: "c")
    assert len(memo) == 2
    assert memo.get(1, "a", lambda: "read again") == "a"
    assert memo.get(1, "b", lambda: "read again") == "read again"


def test_a_failed_read_is_not_kept():
    memo = GenerationMemo()

    def fail() -> str:
        raise KeyError("gone")

    with pytest.raises(KeyError):
        memo.get(1, "doc", fail)
    assert memo.get(1, "doc", lambda: "found") == "found"


def test_a_memo_keeps_at_least_one_answer():
    with pytest.raises(ValueError):
        GenerationMemo(limit=0)
