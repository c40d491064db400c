"""The reader's row-wise paths give what reading each cell by its address gives (issue #15)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from jixiao.a1 import a1
from jixiao.readers.workbook import Cell, Grid, by_row

CELLS = [a1(row, column) for row in (2, 3, 5, 9) for column in (1, 2, 4)]
"""Some input cells, rows 2–9 and columns A, B, D; the grids below are 6 rows by 3 columns."""

VALUES: list[Cell] = ["", "  ", "\u3000", "x", 0, 0.0, False, "#N/A", dt.date(2024, 1, 1)]


def grids() -> list[Grid]:
    """Grids with one value placed at each cell (inside, beside and below the inputs), rows
    of different lengths, and all-blank rows."""
    found = [Grid("空表", []), Grid("短表", [[""], ["", ""]])]
    for value, (row, column) in itertools.product(VALUES, [(2, 1), (3, 2), (5, 3), (6, 1)]):
        rows: list[list[Cell]] = [["", "", ""] for _ in range(6)]
        rows[row - 1][column - 1] = value
        rows[3] = [""]  # a short row
        found.append(Grid(f"{value!r}@{row},{column}", rows))
    return found


@pytest.mark.parametrize("grid", grids(), ids=lambda g: g.name)
def test_all_blank_is_every_cell_blank(grid: Grid) -> None:
    assert grid.all_blank(by_row(CELLS)) == all(grid.text(ref) is None for ref in CELLS)


def test_by_row_groups_cells_in_row_order() -> None:
    assert by_row(["D9", "A2", "B2", "A9"]) == ((2, (0, 1)), (9, (0, 3)))
    assert by_row([]) == ()


def test_a_non_blank_input_is_seen() -> None:
    grid = Grid("项目1", [["", ""], ["", " 有内容 "]])
    assert not grid.all_blank(by_row(["B2"]))
    assert grid.all_blank(by_row(["A2", "B1", "C9"]))
