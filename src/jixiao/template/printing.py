"""How the sheets of a workbook print (openpyxl): A4, one page wide, header rows repeated on
every page, a footer with the unit and the page number, and row heights that fit wrapped text.

Used by the template builder (blank templates), the filler (imported and demo workbooks, whose
rows must grow with their text: no engine grows a stored row, a row of merged cells or a row of
a file it opens) and anything else that writes a sheet a clerk may print.  Heights come from
:mod:`jixiao.textwidth` (no fonts needed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.a1 import a1, column_letter, column_number
from jixiao.template.positions import column_of, row_of
from jixiao.template.print_setup import PrintSetup
from jixiao.textwidth import MIN_ROW, lines_height, text_height

PAGES = "第 &P 页，共 &N 页"
"""Footer: page X of Y (Excel, WPS and LibreOffice all expand &P and &N)."""
FOOTER_FONT = "宋体,常规"
FOOTER_SIZE = 9
DEFAULT_WIDTH = 8.43
"""Width of a column whose width was never set (Excel's default)."""
DEFAULT_SIZE = 11.0


def page_setup(ws: Worksheet, how: PrintSetup, unit: str | None = None) -> None:
    """A4, one page wide and as many long as needed, the header rows repeated, the print
    area, and the footer (the unit on the left when known, page X of Y in the middle)."""
    ws.page_setup.orientation = "landscape" if how.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    first, last = how.title_rows
    ws.print_title_rows = f"{first}:{last}"
    ws.print_area = how.area
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.75
    ws.page_margins.footer = 0.3
    footer(ws, unit)


LONG_COLUMN = 20.0
"""A column at least this wide holds text that wraps (问题, 修改提示…)."""
PORTRAIT_WIDTH = 100.0
"""Units of column width an A4 portrait page holds across; wider sheets print landscape."""


def print_list(ws: Worksheet, header_row: int, unit: str | None = None) -> None:
    """How a sheet of rows under a header prints (校验结果, the summary sheets 汇总 writes into a
    workbook): every column on one A4 page across (landscape when wider than a portrait page),
    the header repeated, the text of wide columns wrapped in rows as high as it needs."""
    last_column = max(ws.max_column, 1)
    widths = [_width(ws, column) for column in range(1, last_column + 1)]
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            if isinstance(cell, MergedCell) or cell.column > last_column:
                continue
            if widths[cell.column - 1] >= LONG_COLUMN and isinstance(cell.value, str):
                old = cell.alignment
                cell.alignment = Alignment(
                    horizontal=old.horizontal, vertical="center", wrap_text=True
                )
    last = f"{column_letter(last_column)}{max(ws.max_row, header_row)}"
    area = f"{a1(1, 1)}:{last}"
    how = PrintSetup(area, (header_row, header_row), sum(widths) > PORTRAIT_WIDTH)
    fit_rows(ws, range(1, ws.max_row + 1), column_letter(last_column))
    page_setup(ws, how, unit)


def footer(ws: Worksheet, unit: str | None) -> None:
    """The footer of every page: the unit's name (left), page X of Y (centre)."""
    item = ws.oddFooter
    assert item is not None  # openpyxl makes every worksheet's footer
    parts = ((item.left, _escaped(unit or "")), (item.center, PAGES))
    for part, text in parts:
        part.text = text or None
        part.font = FOOTER_FONT if text else None
        part.size = FOOTER_SIZE if text else None


def _escaped(text: str) -> str:
    """A text as it must stand in a header/footer (``&`` starts a code there)."""
    return " ".join(text.split()).replace("&", "&&")


def area_rows(area: str) -> tuple[int, int]:
    """First and last row of a range like ``A1:G35``."""
    first, last = area.split(":")
    return _row(first), _row(last)


def _row(ref: str) -> int:
    return int("".join(ch for ch in ref if ch.isdigit()))


def fit_rows(
    ws: Worksheet,
    rows: Iterable[int],
    last_column: str,
    texts: Mapping[str, str] | None = None,
    minimum: Mapping[int, float] | None = None,
) -> dict[int, float]:
    """Set each row's height to what its wrapped cells need (columns A to ``last_column``).

    A cell's text is its value, or ``texts[ref]`` for a formula whose result is known (the
    title, the unit line); a merged cell counts the width of all its columns, and a cell merged
    over several rows needs the sum of their heights (the last row takes what is missing).
    ``minimum`` keeps room for typing (a blank template's 资金用途).  Returns the heights set.
    """
    texts = texts or {}
    minimum = minimum or {}
    rows = list(rows)
    wanted = set(rows)
    last = column_number(last_column)
    spans = {
        (m.min_row, m.min_col): (m.max_row, m.max_col)
        for m in ws.merged_cells.ranges
        if m.min_row in wanted
    }
    heights = {row: max(MIN_ROW, minimum.get(row, 0.0)) for row in rows}
    tall: list[tuple[int, int, float]] = []
    for row in rows:
        for number in range(1, last + 1):
            cell = ws.cell(row, number)
            if isinstance(cell, MergedCell):
                continue
            text = texts.get(cell.coordinate)
            if text is None:
                text = _shown(cell.value, cell.data_type)
            if not text:
                continue
            bottom, right = spans.get((row, number), (row, number))
            widths = [_width(ws, column) for column in range(number, min(right, last) + 1)]
            size = float(cell.font.sz or DEFAULT_SIZE) if cell.font else DEFAULT_SIZE
            if cell.alignment is not None and cell.alignment.wrap_text:
                need = text_height(text, widths, size)
            else:
                need = lines_height(text.count("\n") + 1, size)
            if bottom == row:
                heights[row] = max(heights[row], need)
            else:
                tall.append((row, bottom, need))
    for top, bottom, need in tall:
        span = [r for r in range(top, bottom + 1) if r in heights]
        have = sum(heights[r] for r in span)
        if span and have < need:
            heights[span[-1]] += need - have
    for row, height in heights.items():
        ws.row_dimensions[row].height = height
    return heights


def _shown(value: object, data_type: str) -> str:
    """What a cell shows when its value is known without calculating: text and numbers."""
    if value is None or data_type == "f":
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _width(ws: Worksheet, column: int) -> float:
    letter = column_letter(column)
    if letter in ws.column_dimensions:
        dimension = ws.column_dimensions[letter]
        if dimension.hidden:
            return 0.0
        if dimension.width:
            return float(dimension.width)
    return DEFAULT_WIDTH


def fit_sheet(
    ws: Worksheet,
    printing: PrintSetup,
    texts: dict[str, str] | None = None,
    minimum: dict[int, float] | None = None,
    rows: range | None = None,
) -> None:
    """Row heights for the wrapped text of the printed range (or of ``rows`` in it)."""
    first, last = printing.area.split(":")
    if rows is None:
        rows = range(row_of(first), row_of(last) + 1)
    fit_rows(ws, rows, column_of(last), texts, minimum)


__all__ = ["PAGES", "area_rows", "fit_rows", "fit_sheet", "footer", "page_setup", "print_list"]
