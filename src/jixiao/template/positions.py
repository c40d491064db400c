"""The helpers the sheet specs write their positions with: a range from a column and two rows
or from two cells, the column or the row of a cell, a column shifted right, the column a keyed
spec entry names, and :data:`Widths`.  No position of its own: the specs
(:mod:`jixiao.template.layout` and the sheet modules it gathers, the 申报表's two specs) hold
those; :mod:`jixiao.a1` converts A1 ⇄ (row, column).
"""

from __future__ import annotations

from jixiao.a1 import column_letter, column_number, parse_a1

Widths = tuple[float, ...]
"""Column widths of a sheet, from column A on."""


def column_range(column: str, first: int, last: int) -> str:
    """``F11:F35``."""
    return f"{column}{first}:{column}{last}"


def cell_range(first: str, last: str) -> str:
    """``A1:G35`` from two cells."""
    return f"{first}:{last}"


def column_of(ref: str) -> str:
    """The column letters of a cell: ``D18`` → ``D``."""
    return column_letter(parse_a1(ref)[1])


def row_of(ref: str) -> int:
    """The row number of a cell: ``D18`` → 18."""
    return parse_a1(ref)[0]


def shifted(column: str, offset: int) -> str:
    """The column ``offset`` columns to the right: (``J``, 2) → ``L``."""
    return column_letter(column_number(column) + offset)


def column_for(columns: tuple[tuple[str, str, str], ...], field_name: str) -> str:
    """The second item of the entry named ``field_name`` in a spec's (name, column, header)
    entries: its column (a setting's defined name in ``ListsSheet.settings``)."""
    for name, column, _ in columns:
        if name == field_name:
            return column
    raise KeyError(field_name)
