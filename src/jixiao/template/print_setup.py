"""How a sheet prints (:class:`PrintSetup`): the printed area, the header rows repeated on
every page, the orientation, and the input grid the area ends with, cut after its last filled
row at the moment of printing.  Every sheet spec gives its own as ``printing``; the template
builder, the filler, the ribbon's handlers and the add-in's generated BeforePrint code read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.a1 import parse_a1
from jixiao.template.positions import cell_range, column_of


@dataclass(frozen=True, slots=True)
class PrintSetup:
    """How a sheet prints: A4 one page wide; what prints and which header rows repeat at the
    top of every later page.  Sheets give theirs as properties, outside the fingerprint:
    printing differently never makes a filled workbook unreadable."""

    area: str
    """The printed range (``A1:G35``); what lies outside it (status, helpers, the end
    marker) never prints."""
    title_rows: tuple[int, int]
    """First and last header row repeated on every page."""
    landscape: bool = False
    grid: tuple[int, int] | None = None
    """First and last row of the input grid the area ends with (indicators, measures), when
    the sheet has one: the rows a clerk fills one after another.

    Decision (a filled row must never be left off paper, on any desk): every workbook jixiao
    writes, blank or filled, stores :attr:`area`, the whole grid, because a print area stays
    fixed while a clerk types (Excel, WPS and LibreOffice alike; a print area defined by a
    formula is dropped by LibreOffice 7.4, which then prints the status columns and the end
    marker).  Only at the moment of printing may the grid be cut after its last filled row
    (:meth:`cut`): the add-in does that in Excel's BeforePrint and puts the whole area back
    before the workbook is saved."""

    def down_to(self, row: int) -> str:
        """The area ending with ``row`` (kept within the grid; the area when there is none)."""
        if self.grid is None:
            return self.area
        first, last = self.grid
        top_left, bottom_right = self.area.split(":")
        bottom = min(max(row, first), last)
        return cell_range(top_left, f"{column_of(bottom_right)}{bottom}")

    def last_filled(self, values: list[list[object]]) -> int | None:
        """The last grid row holding anything in the printed columns, given the sheet's values
        row by row from A1 (None when the grid is empty or the sheet has none)."""
        if self.grid is None:
            return None
        first, last = self.grid
        low, high = (parse_a1(ref)[1] for ref in self.area.split(":"))
        for row in range(min(last, len(values)), first - 1, -1):
            if any(v not in (None, "") for v in values[row - 1][low - 1 : high]):
                return row
        return None

    def filled_rows(self, values: list[list[object]]) -> list[int]:
        """Every row of the area holding anything in the printed columns, given the sheet's
        values row by row from A1 (a hidden one among them is left off paper)."""
        (top, low), (bottom, high) = (parse_a1(ref) for ref in self.area.split(":"))
        return [
            row
            for row in range(top, min(bottom, len(values)) + 1)
            if any(v not in (None, "") for v in values[row - 1][low - 1 : high])
        ]

    def cut(self, values: list[list[object]]) -> str:
        """What a sheet holding ``values`` prints at best: down to its last filled grid row
        (the grid's first row when it is empty); the whole area when it has no grid."""
        filled = self.last_filled(values)
        return self.down_to(filled if filled is not None else 0)
