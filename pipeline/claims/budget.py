"""A time budget for the claims scan: the backstop behind its linear reading.

Reading a paragraph's numbers and linking them is linear in the text, but prose is open-ended
(a flattened table of 100,000 numbers on one line, a report of a million sentences): each part
of the scan — one paragraph's reading, then each rule over the sentences — gets `seconds` of
its own. A part that runs out stops there; what it had found before is kept (a paragraph) or
dropped (a rule, whose claims may be half-linked), and the document gets a CLAIMS_INCOMPLETE
finding naming the part, instead of a scan that runs into --doc-timeout and loses the tables.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

PART_SECONDS = 10.0
"""CPU seconds of this thread per paragraph read and per rule (a real one takes milliseconds):
CPU, not wall time, so that a loaded machine does not cut a scan short."""

T = TypeVar("T")


class OutOfTimeError(Exception):
    """The part being scanned used up its budget."""


class Budget:
    def __init__(self, seconds: float = PART_SECONDS) -> None:
        self.seconds = seconds
        self.deadline = time.thread_time() + seconds

    def start(self) -> None:
        """A new part: its own `seconds` from now."""
        self.deadline = time.thread_time() + self.seconds

    def check(self) -> None:
        if time.thread_time() > self.deadline:
            raise OutOfTimeError


class Timed(Sequence[T]):
    """`items` whose every access checks the budget: a rule looping over the sentences stops
    when its part is out of time, wherever its loops are."""

    def __init__(self, items: Sequence[T], budget: Budget) -> None:
        self.items = items
        self.budget = budget

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        self.budget.check()
        if isinstance(index, slice):
            return Timed(self.items[index], self.budget)
        return self.items[index]

    def __iter__(self) -> Iterator[T]:
        for item in self.items:
            self.budget.check()
            yield item
