"""Answers kept for one library generation, so a page that asks again is not read again.

A published generation never changes: a writer publishes a new one, which is opened as a new
library. So an answer read from generation 7 stays true for generation 7, and every answer is
kept under its generation's number: a memo asked about another generation never returns an
answer of the old one. The memo is bounded (least recently used answers go first), so a long
session of chosen themes and grid cells cannot grow it without end. The app's sessions share one
opened library from their own threads, so the memo's bookkeeping is done under a lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
LIMIT = 256  # answers kept per opened library


class GenerationMemo:
    """A bounded least-recently-used memo of answers, keyed by generation and question."""

    def __init__(self, limit: int = LIMIT):
        if limit < 1:
            raise ValueError(f"a memo must keep at least one answer, not {limit}")
        self.limit = limit
        self._answers: OrderedDict[tuple[int, Hashable], Any] = OrderedDict()
        self._lock = threading.Lock()  # the app's sessions share one library, each in its thread

    def get(self, generation: int, question: Hashable, read: Callable[[], T]) -> T:
        """The answer to ``question`` on ``generation``: kept, or read now and kept."""
        key = (generation, question)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = read()  # outside the lock: two sessions may read the same answer, neither waits
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)
        return answer

    def __len__(self) -> int:
        return len(self._answers)
