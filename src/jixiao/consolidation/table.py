"""The summary tables' model: plain rows under a column spec (:class:`Table`, :class:`Column`,
:class:`Kind`).

The tables are plain rows under a column spec (:class:`Table`, :class:`Column`): the summary
workbook, the console text, the JSON and the add-in's sheets all read the same columns.  (No
pandas: a list-of-dicts container that turned exact amounts into floats and cost half a second
of import on every command.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    """What a column holds, which decides how it is written and rounded."""

    TEXT = "text"
    LONG_TEXT = "long_text"  # wrapped in a wide column (部门整体 内容)
    MONEY = "money"  # Decimal in the consolidation's money unit
    PERCENT = "percent"  # Decimal, 0–100
    COUNT = "count"  # int
    NUMBER = "number"  # Decimal of any size (an indicator's 数值)
    MET = "met"  # bool: 达标 / 未达标


@dataclass(frozen=True, slots=True)
class Column:
    """One column: a snake_case key (JSON), its Chinese heading (sheets, text), its kind."""

    key: str
    heading: str
    kind: Kind = Kind.TEXT
    width: float = 12
    """Column width in a sheet (characters)."""


def in_unit(columns: Sequence[Column], unit: str) -> tuple[Column, ...]:
    """``columns`` with every money heading saying its unit (``预算数`` → ``预算数（万元）``).

    The summary's amounts are in one unit chosen for the run, said once on 汇总概览; a printed
    项目汇总 or 支出计划 page, a CSV file opened on its own and the ribbon's sheets show the
    amounts far from that line (a review printed the summary: no page but the first said
    万元 or 元), so each money column says it in its heading."""
    return tuple(
        dataclasses.replace(c, heading=f"{c.heading}（{unit}）") if c.kind is Kind.MONEY else c
        for c in columns
    )


Value = str | int | bool | Decimal | None
"""A cell of a consolidation table: text, a count, 达标 or not, or an exact amount."""


Row = tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """Plain rows under a column spec (the one place a table's headings are written)."""

    columns: tuple[Column, ...]
    rows: Sequence[Row] = field(default_factory=list)
    """A list, or a view read part by part (:class:`Joined`: rows waiting on disk)."""

    def __post_init__(self) -> None:
        width = len(self.columns)
        if len({c.key for c in self.columns}) != width:
            raise ValueError("duplicate column keys")
        # A view's rows were checked when they were stored; reading them all here would undo
        # the point of keeping them on disk.
        if isinstance(self.rows, list) and any(len(row) != width for row in self.rows):
            raise ValueError(f"every row needs {width} values")

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns' snake_case keys, in order."""
        return tuple(c.key for c in self.columns)

    @property
    def headings(self) -> tuple[str, ...]:
        """The columns' Chinese headings, in order."""
        return tuple(c.heading for c in self.columns)

    def index(self, key: str) -> int:
        """The position of column ``key`` (KeyError when there is none)."""
        for number, column in enumerate(self.columns):
            if column.key == key:
                return number
        raise KeyError(key)

    def column(self, key: str) -> list[Value]:
        """Every value of column ``key``, top to bottom."""
        at = self.index(key)
        return [row[at] for row in self.rows]

    def records(self) -> list[dict[str, Value]]:
        """The rows as ``{key: value}``."""
        keys = self.keys
        return [dict(zip(keys, row, strict=True)) for row in self.rows]

    def total(self, key: str) -> Decimal:
        """The exact sum of a money column (blank cells count as nothing), row by row."""
        return self.summed(key)[0]

    def summed(self, key: str) -> tuple[Decimal, int]:
        """The exact sum of a money column and how many rows hold no amount (left out), in one
        pass over the rows (they may be read back from disk)."""
        at, total, missing = self.index(key), Decimal(0), 0
        for row in self.rows:
            if isinstance(amount := row[at], Decimal):
                total += amount
            else:
                missing += 1
        return total, missing

    def without(self, key: str) -> Table:
        """The same table minus column ``key``."""
        at = self.index(key)
        columns = self.columns[:at] + self.columns[at + 1 :]
        return Table(columns, [row[:at] + row[at + 1 :] for row in self.rows])

    def mapped(self, key: str, change: Callable[[Value], Value]) -> Table:
        """The same table with ``change`` applied to every value of column ``key``."""
        at = self.index(key)
        return Table(
            self.columns, [(*row[:at], change(row[at]), *row[at + 1 :]) for row in self.rows]
        )
