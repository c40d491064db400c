"""The one place that converts ``A1`` references to (row, column) numbers and back."""

from __future__ import annotations

import re
from functools import lru_cache

_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?([1-9][0-9]{0,6})$")
MAX_COLUMN = 16384  # XFD


def column_letter(column: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    if not 1 <= column <= MAX_COLUMN:
        raise ValueError(f"column out of range: {column}")
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27."""
    number = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column: {letters!r}")
        number = number * 26 + ord(ch) - 64
    if not 1 <= number <= MAX_COLUMN:
        raise ValueError(f"column out of range: {letters!r}")
    return number


def a1(row: int, column: int) -> str:
    """(row 5, column 3) → ``C5`` (both 1-based)."""
    if row < 1:
        raise ValueError(f"row out of range: {row}")
    return f"{column_letter(column)}{row}"


@lru_cache(maxsize=4096)
def parse_a1(ref: str) -> tuple[int, int]:
    """``C5`` or ``$C$5`` → (5, 3) (1-based row, column)."""
    match = _A1.match(ref.strip().upper())
    if not match:
        raise ValueError(f"not an A1 reference: {ref!r}")
    return int(match.group(2)), column_number(match.group(1))


def absolute(ref: str) -> str:
    """``C5`` → ``$C$5``."""
    row, column = parse_a1(ref)
    return f"${column_letter(column)}${row}"


def quote_sheet(name: str) -> str:
    """A sheet name as formulas need it: ``'项目1'``."""
    return "'" + name.replace("'", "''") + "'"
