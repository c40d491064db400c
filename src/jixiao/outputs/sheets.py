"""Lists written on worksheets row by row (XlsxWriter's ``constant_memory`` mode).

Each sheet is written strictly row by row, top to bottom, and a row leaves memory when the next
one starts, so a province's millions of indicator rows never stand in memory as cells.
Everything a sheet needs is decided before or while its row is written, never by going back:
column widths from the column specs (and the longest 位置 text, measured before the sheet starts),
each row's height from its own wrapped texts before its cells are written, an error's red 级别 and
its link to the source cell while the row is current, page setup at any time (it is not row
data).  The header row goes through XlsxWriter; the rows under it are written as XML by
:mod:`jixiao.outputs.rowxml` (the same bytes, ~10× faster), or through XlsxWriter's own calls
when that module does not know the XlsxWriter at hand; what XlsxWriter keeps of rows already
written is then dropped as the sheet goes on (heights, sizes).  Heights are estimated once per
distinct text (the last 65,536 kept).  In this
mode XlsxWriter writes texts inline instead of in a shared-strings table, a standard form
(ECMA-376 ``inlineStr``) that Excel, LibreOffice (opened in the tests), openpyxl and calamine
read; WPS was not at hand.

A list longer than a sheet holds under its header row continues on further sheets
(:func:`pieces`: ``指标明细``, ``指标明细(2)``…), each written like the first.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jixiao.consolidation.table import Column, Kind, Value
from jixiao.outputs import rowxml
from jixiao.outputs.book import Tracker
from jixiao.outputs.rowxml import Cell, cut
from jixiao.outputs.tables import MET_TEXT, YES_NO, SummaryTable
from jixiao.textwidth import (
    POINTS_PER_WIDTH,
    column_points,
    lines_height,
    text_em,
    text_height,
)

FONT_SIZE = 10
TITLE_SIZE = 16
PORTRAIT_POINTS = 523.0
"""What an A4 portrait page holds across (0.5 in margins), in points."""
A4 = 9
"""XlsxWriter's paper code for A4."""
SHEET_ROWS = 1_048_576
"""Rows on one sheet (Excel 2007 and later, WPS)."""
ROW_LIMIT = SHEET_ROWS - 1
"""A list's rows on one sheet under its header row, before it continues on the next."""
_FORGET_EVERY = 50_000
"""Rows between two clean-ups of the row heights XlsxWriter keeps for rows already written."""


NOTE_INDENT = 1
"""A note stands this many characters in from its cell's left edge: beside a right-aligned
figure it would otherwise touch it (review17 printed “14有错误”, “4,373.44各项目…”).  The
notes' row heights are measured on the width left (:func:`note_width`)."""


def note_width(width: float) -> float:
    """The width a note's text has in cells ``width`` wide (its indent taken off)."""
    return max(width - NOTE_INDENT, 1.0)


class Styles:
    """The few formats the summary uses, numbered (style ids) as soon as they are made, so that
    the ids do not depend on which cell happens to be written first (XlsxWriter numbers a
    format when it writes the first cell using it, and holds a sheet's last row back until the
    workbook closes): both row writers then write the same bytes."""

    def __init__(self, book: Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.title = book.add_format({**base, "bold": True, "font_size": TITLE_SIZE})
        self.header = book.add_format(
            {
                **base,
                "bold": True,
                "bg_color": "#D9E1F2",
                "border": 1,
                "text_wrap": True,
                "align": "center",
            }
        )
        self.text = book.add_format({**base})
        self.centered = book.add_format({**base, "align": "center"})
        self.wrap = book.add_format({**base, "text_wrap": True})
        self.note = book.add_format(
            {**base, "text_wrap": True, "font_color": "#595959", "indent": NOTE_INDENT}
        )
        self.money = book.add_format({**base, "num_format": "#,##0.00"})
        self.percent = book.add_format({**base, "num_format": "0.0"})
        self.count = book.add_format({**base, "num_format": "0"})
        self.link = book.add_format(
            {**base, "font_color": "#0563C1", "underline": 1, "text_wrap": True}
        )
        self.bad = book.add_format({**base, "font_color": "#C00000", "bold": True})
        every = (self.title, self.header, self.text, self.wrap, self.note, self.money)
        for style in (*every, self.percent, self.count, self.link, self.bad, self.centered):
            style._get_xf_index()  # numbered now, not by whichever cell is written first

    def of_column(self, column: Column) -> Any:
        """The format of a column: its kind's, and a 状态 centred (beside a right-aligned count
        it touched it: review17 printed “14有错误”)."""
        return self.centered if column.key == "status" else self.of(column.kind)

    def of(self, kind: Kind) -> Any:
        """The format of a column of this kind."""
        return {
            Kind.MONEY: self.money,
            Kind.PERCENT: self.percent,
            Kind.COUNT: self.count,
            Kind.LONG_TEXT: self.wrap,
        }.get(kind, self.text)


class Printing:
    """How the summary's sheets print: the unit, the page and the sheet's name in every footer
    (a page taken from the pile says which table it is: ``&A``, the sheet's name, which Excel,
    WPS and LibreOffice all print)."""

    def __init__(self, unit_name: str) -> None:
        self.footer = "&L" + _footer_text(unit_name) + "&C第 &P 页，共 &N 页&R&A"

    def setup(self, sheet: Worksheet, header_row: int, width: float, last: tuple[int, int]) -> None:
        """A4, one page wide (landscape when wider than a portrait page), the header row
        repeated, the used range printed (charts included: ``last`` is its far corner)."""
        sheet.set_paper(A4)
        if width * POINTS_PER_WIDTH > PORTRAIT_POINTS:
            sheet.set_landscape()
        else:
            sheet.set_portrait()
        sheet.fit_to_pages(1, 0)  # one page wide when printed, as many pages long as needed
        sheet.repeat_rows(header_row)
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.75)
        sheet.set_footer(self.footer, {"margin": 0.3})
        sheet.center_horizontally()
        sheet.print_area(0, 0, *last)


def _footer_text(text: str) -> str:
    """A text as a footer shows it (``&`` starts a code there)."""
    return " ".join(text.split()).replace("&", "&&")


@dataclasses.dataclass(frozen=True, slots=True)
class Piece:
    """The rows ``start``…``stop`` of a list, on sheet ``sheet``."""

    sheet: str
    start: int
    stop: int


def pieces(name: str, rows: int, limit: int) -> list[Piece]:
    """Where a list of ``rows`` rows stands: ``name``, then ``name(2)``… of ``limit`` rows."""
    count = max(1, math.ceil(rows / limit))
    return [
        Piece(name if k == 0 else f"{name}({k + 1})", k * limit, min(rows, (k + 1) * limit))
        for k in range(count)
    ]


def write_cell(sheet: Worksheet, row: int, column: int, value: Value | float, fmt: Any) -> None:
    """Write one value: numbers as float only here, and never a non-finite one (that cell
    stays blank; the engine has already reported the value)."""
    if value is None:
        sheet.write_blank(row, column, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, column, "是" if value else "否", fmt)
    elif isinstance(value, int | float | Decimal):
        number = float(value)
        if math.isfinite(number):
            sheet.write_number(row, column, number, fmt)
        else:
            sheet.write_blank(row, column, None, fmt)
    else:  # never a formula, whatever it says
        sheet.write_string(row, column, safe_text(str(value)), fmt)


def safe_text(text: str) -> str:
    """``text`` for XlsxWriter's ``write_string`` in constant-memory mode, which writes a text
    that starts with ``<r>`` and ends with ``</r>`` unescaped, as rich-text markup (a submission
    could add cells, even formulas, that way): such a text is handed over as that markup, one
    run holding the escaped text, which every reader reads as the text itself.  (A run that
    would pass Excel's 32,767 units loses the text's last characters instead of breaking.)"""
    text = cut(text)
    if not (text.startswith("<r>") and text.endswith("</r>")):
        return text
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    run = f'<r><t xml:space="preserve">{escaped}</t></r>'
    while cut(run) != run:  # too long for a cell once escaped: shorten the text, not the run
        escaped = escaped[: -(len(run) - len(cut(run)) + 8)]
        escaped = escaped[: escaped.rfind("&")] if "&" in escaped[-5:] else escaped
        run = f'<r><t xml:space="preserve">{escaped}</t></r>'
    return run


@functools.lru_cache(maxsize=1 << 16)
def row_height(text: str, width: float) -> float:
    """The row height a wrapped ``text`` needs in a column ``width`` wide.  A text without
    line breaks that fits on one line is not wrapped (the same answer, several times faster):
    first if it would fit even were every character full width, then by its measured width
    (with a margin far above rounding, so only a text that surely fits is taken)."""
    if not any(c in text for c in "\n\r\t"):
        points = column_points([width])
        if len(text) * FONT_SIZE <= points or text_em(text) * FONT_SIZE < points - 1e-6:
            return lines_height(1, FONT_SIZE)
    return text_height(text, [width], FONT_SIZE)


_KNOWN_HEIGHTS = 20_000
"""Texts whose heights a column remembers while its table is written (a dict lookup instead of
:func:`row_height`'s cache key: ~0.05 s of the 100 × 30 summary); then forgotten."""
RowHook = Callable[[Worksheet, int, int], Sequence[Cell]]
"""Called before a row is written: ``(sheet, sheet row, index in the table)`` → the cells that
replace the table's values in that row (another style, a link)."""
_TOLD_EVERY = 1024
"""List rows between two reports to a :class:`Tracker`."""
STREAMED = True
"""Rows written as XML by :mod:`jixiao.outputs.rowxml` (False: through XlsxWriter's calls, as
when its internals are not the ones that module knows; the tests compare the two)."""


def write_table(
    sheet: Worksheet,
    styles: Styles,
    table: SummaryTable,
    first_row: int = 0,
    part: Piece | None = None,
    each_row: RowHook | None = None,
    folded: str | None = None,
    keep_sizes: bool = False,
    tracker: Tracker | None = None,
) -> float:
    """Rows ``part`` of a table under its header row at ``first_row``, strictly in order:
    wrapped columns get rows as high as their text; columns whose key starts with ``folded``
    are an outline group, folded away; ``keep_sizes`` keeps the rows' heights for a chart
    placed on the sheet afterwards; ``tracker`` is told the rows written, a thousand at a
    time.  Returns the width shown (folded columns left out)."""
    columns = table.columns
    shown = _header(sheet, styles, columns, first_row, folded)
    formats = [styles.of_column(c) for c in columns]
    words = [MET_TEXT if c.kind is Kind.MET else YES_NO for c in columns]
    wrapped = [(n, c.width) for n, c in enumerate(columns) if c.kind is Kind.LONG_TEXT and c.width]
    part = part or Piece("", 0, len(table))
    if STREAMED and rowxml.supported(sheet):
        stream = rowxml.RowStream(sheet, first_row, formats, words, keep_sizes)
        write = stream.row
    else:
        stream, write = None, functools.partial(_write_row, sheet, formats, words, first_row)
    single = lines_height(1, FONT_SIZE)
    heights: list[tuple[int, float, dict[str, float]]] = [(a, w, {}) for a, w in wrapped]
    row, pending = first_row, 0
    for index, values in enumerate(table.rows(part.start, part.stop), start=part.start):
        row += 1
        if tracker is not None:
            pending += 1
            if pending == _TOLD_EVERY:
                tracker.wrote(pending)
                pending = 0
        height = single
        for at, width, known in heights:
            value = values[at]
            if value.__class__ is not str:  # a blank needs nothing; anything else is rare
                if value is not None:
                    height = max(height, row_height(str(value), width))
                continue
            needed = known.get(value)
            if needed is None:
                if len(known) >= _KNOWN_HEIGHTS:
                    known.clear()
                needed = known[value] = row_height(value, width)
            if needed > height:
                height = needed
        write(row, height, values, each_row(sheet, row, index) if each_row else ())
    if stream is not None:
        stream.close()
    if tracker is not None and pending:
        tracker.wrote(pending)
    if columns:
        sheet.autofilter(first_row, 0, first_row + part.stop - part.start, len(columns) - 1)
    sheet.freeze_panes(first_row + 1, 0)
    return shown


def _write_row(
    sheet: Worksheet,
    formats: Sequence[Any],
    words: Sequence[dict[bool, str]],
    first_row: int,
    row: int,
    height: float,
    values: Sequence[Value],
    replaced: Sequence[Cell],
) -> None:
    """One row through XlsxWriter's own calls (the rows of :func:`write_table` when
    :mod:`jixiao.outputs.rowxml` cannot write them)."""
    sheet.set_row(row, height)  # before the row's cells: XlsxWriter writes it after them
    for number, value in enumerate(values):
        if value is None:  # blank: nothing to write
            continue
        if isinstance(value, bool):
            value = words[number][value]
        write_cell(sheet, row, number, value, formats[number])
    for cell in replaced:
        if cell.url is not None:
            sheet.write_url(row, cell.column, cell.url, cell.style)
        else:
            sheet.write_string(row, cell.column, safe_text(cell.text), cell.style)
    if (row - first_row) % _FORGET_EVERY == 0:
        _forget_written_rows(sheet)


def _header(
    sheet: Worksheet, styles: Styles, columns: Sequence[Column], row: int, folded: str | None
) -> float:
    """The header row and the column widths; returns the width shown."""
    height, shown = 0.0, 0.0
    for number, column in enumerate(columns):
        height = max(height, text_height(column.heading, [column.width], FONT_SIZE))
        if folded and column.key.startswith(folded):
            sheet.set_column(number, number, column.width, None, {"level": 1, "hidden": True})
        else:
            sheet.set_column(number, number, column.width)
            shown += column.width
    sheet.set_row(row, height)
    for number, column in enumerate(columns):
        sheet.write_string(row, number, column.heading, styles.header)
    return shown


def _forget_written_rows(sheet: Worksheet) -> None:
    """Drop what XlsxWriter keeps of each row it has already written out: the row's height
    (``row_info``, never read again in constant memory mode) and its size (``row_sizes``, read
    only to place charts and pictures, so kept on a sheet that has any).  Millions of rows
    would otherwise hold ~150 bytes each."""
    current = getattr(sheet, "previous_row", None)
    if not isinstance(current, int):
        return
    kept = [getattr(sheet, "row_info", None)]
    if not (getattr(sheet, "charts", True) or getattr(sheet, "images", True)):
        kept.append(getattr(sheet, "row_sizes", None))
    for rows in kept:
        if isinstance(rows, dict):
            for written in [r for r in rows if r < current]:
                del rows[written]


def write_list(
    book: Workbook,
    styles: Styles,
    table: SummaryTable,
    parts: Sequence[Piece],
    printing: Printing,
    each_row: RowHook | None = None,
    folded: str | None = None,
    tracker: Tracker | None = None,
) -> None:
    """A list on its sheet and, past the row limit, on the sheets after it."""
    for part in parts:
        sheet = book.add_worksheet(part.sheet)
        shown = write_table(sheet, styles, table, 0, part, each_row, folded, tracker=tracker)
        last = (max(part.stop - part.start, 1), max(len(table.columns) - 1, 0))
        printing.setup(sheet, 0, shown, last)
