"""Lazy sequences for results that wait on disk (issue 15: memory flat in the number of files).

A spooled consolidation (:mod:`jixiao.service.spool`) keeps each file's rows and findings on
disk; the tables and the finding list are these views, read one file's part at a time by the
writers (the summary workbook, the CSVs), and equal to the lists they stand for.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from jixiao.findings import Finding, Tally
from jixiao.textwidth import text_em

Item = TypeVar("Item")


class Deferred(Sequence[Item]):
    """One file's part (its rows of a table, its findings) that is read when it is used and
    not kept: only its length stays in memory.  What a spooled result holds instead of lists
    (``service.spool``), so that the parent's memory does not grow with the rows."""

    __slots__ = ("_length", "_load", "facts")

    def __init__(
        self, length: int, load: Callable[[], list[Item]], facts: FindingFacts | None = None
    ) -> None:
        self._length = length
        self._load = load
        self.facts = facts
        """What the summary needs of these findings without reading them (findings only)."""

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Item]:
        return iter(self._load())

    def __eq__(self, other: object) -> bool:
        same: bool = _same_items(self, other)  # NotImplemented for what is no sequence
        return same

    __hash__ = None  # type: ignore[assignment]  # mutable-like: compared by its items

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...
    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        return self._load()[index]


class Joined(Sequence[Item]):
    """Parts one after another (every file's rows of a table), read part by part: iterating
    holds one part at a time; indexing keeps the last part read, so reading in order loads
    each part once."""

    __slots__ = ("_last", "_parts", "_starts")

    def __init__(self, parts: Sequence[Sequence[Item]]) -> None:
        self._parts = list(parts)
        self._starts: list[int] = []
        total = 0
        for part in self._parts:
            self._starts.append(total)
            total += len(part)
        self._starts.append(total)
        self._last: tuple[int, Sequence[Item]] | None = None

    def __len__(self) -> int:
        return self._starts[-1]

    def __iter__(self) -> Iterator[Item]:
        for part in self._parts:
            yield from part

    def __eq__(self, other: object) -> bool:
        same: bool = _same_items(self, other)  # NotImplemented for what is no sequence
        return same

    __hash__ = None  # type: ignore[assignment]  # mutable-like: compared by its items

    def between(self, start: int, stop: int) -> Iterator[Item]:
        """Items ``start``…``stop`` in order, without reading the parts before ``start``."""
        stop = min(stop, len(self))
        if start >= stop:
            return
        first = bisect_right(self._starts, start) - 1
        for number in range(first, len(self._parts)):
            begin = self._starts[number]
            if begin >= stop:
                return
            part = self._parts[number]
            low, high = max(start - begin, 0), min(stop - begin, len(part))
            if low == 0 and high == len(part):
                yield from part
            else:
                yield from list(part)[low:high]

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...
    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1:
                return list(self.between(start, stop))
            return list(self)[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        number = bisect_right(self._starts, index) - 1
        while len(self._parts[number]) == 0:  # pragma: no cover - bisect skips empty parts
            number += 1
        if self._last is None or self._last[0] != number:
            part = self._parts[number]
            self._last = (number, part if isinstance(part, list) else list(part))
        return self._last[1][index - self._starts[number]]


def _same_items(view: Sequence[Item], other: object) -> Any:
    """A view equals any sequence (a list too) holding the same items in the same order;
    compared item by item, as they are read."""
    if not isinstance(other, Sequence) or isinstance(other, str | bytes):
        return NotImplemented
    return len(view) == len(other) and all(a == b for a, b in zip(view, other, strict=True))


def joined(parts: Sequence[Sequence[Item]]) -> Sequence[Item]:
    """``parts`` one after another: a plain list when every part is one (results in memory),
    else a :class:`Joined` view (results waiting on disk are never all loaded)."""
    if all(isinstance(part, list) for part in parts):
        return [item for part in parts for item in part]
    return Joined(parts)


@dataclass(frozen=True, slots=True)
class FindingFacts:
    """What the summary needs of one file's findings besides the findings themselves: their
    tally, their codes and their widest 位置 (问题清单's column width).  Worked out when the
    findings are packed (``service.packing``) and kept with their view, so that the totals,
    the notes and the column width are known without reading every file's findings back
    (issue #15: each read of 100 files' findings took ~0.06–0.09 s)."""

    tally: Tally
    codes: frozenset[str]
    widest_where: str
    """The 位置 (:attr:`Finding.where`) widest on screen (:func:`~jixiao.textwidth.text_em`);
    "" when none has one."""

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> FindingFacts:
        """The facts of ``findings``, counted."""
        found = list(findings)
        wheres = [where for f in found if (where := f.where)]
        return cls(
            Tally.of(found),
            frozenset(sys.intern(f.code) for f in found),  # one copy of each code per process
            max(wheres, key=text_em, default=""),
        )

    def plus(self, other: FindingFacts) -> FindingFacts:
        """The facts of both lists of findings together."""
        tally = Tally(
            self.tally.errors + other.tally.errors,
            self.tally.warnings + other.tally.warnings,
            self.tally.infos + other.tally.infos,
        )
        widest = max((self.widest_where, other.widest_where), key=text_em)
        return FindingFacts(tally, self.codes | other.codes, widest)


def finding_facts(findings: Sequence[Finding]) -> FindingFacts:
    """The facts of ``findings``: kept with a spooled view, else counted (reading them)."""
    known = findings.facts if isinstance(findings, Deferred) else None
    return known if known is not None else FindingFacts.of(findings)


def total_tally(parts: Iterable[Sequence[Finding]]) -> Tally:
    """The findings of every part counted by severity (a spooled part by its facts)."""
    errors = warnings = infos = 0
    for findings in parts:
        facts = findings.facts if isinstance(findings, Deferred) else None
        tally = facts.tally if facts is not None else Tally.of(findings)
        errors, warnings, infos = (
            errors + tally.errors,
            warnings + tally.warnings,
            infos + tally.infos,
        )
    return Tally(errors, warnings, infos)
