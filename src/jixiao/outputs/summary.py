"""Write the unit-level summary workbook of a consolidation (XlsxWriter, streaming).

Sheets: 汇总概览, 项目汇总, 支出计划 (line and bar charts), 指标明细, 问题清单 (each problem
links to its source cell), 部门整体.  Every text is written as a string (never a formula), the
same inputs give the same content, and the file appears atomically.

Every sheet prints on A4 one page wide (landscape when wide), its header row repeated, the unit
and page X of Y in the footer; wrapped cells get rows as high as their text
(:mod:`jixiao.textwidth`).  Every total says beside it what it includes.  In 项目汇总 the
checkpoint amounts are folded away (an outline group: ``+`` above the columns opens it) so
that the sheet prints at a readable size; files are named relative to the summary's folder.
The tables and their values come from :mod:`jixiao.outputs.tables`, which also writes them
as CSV: a CSV always holds what its sheet shows.

**Streaming.** The workbook is written in XlsxWriter's ``constant_memory`` mode: each sheet is
written strictly row by row, top to bottom, and a row leaves memory when the next one starts, so
a province's millions of indicator rows never stand in memory as cells.  Everything a sheet
needs is decided before or while its row is written, never by going back: column widths from the
column specs (and the longest 位置 text, measured before the sheet starts), each row's height from
its own wrapped texts before its cells are written, an error's red 级别 and its link to the source
cell while the row is current, page setup at any time (it is not row data).  Row heights already
written are forgotten as the sheet goes on (XlsxWriter keeps them otherwise), and heights are
estimated once per distinct text (the last 65,536 kept).  In this mode XlsxWriter writes texts
inline instead of in a shared-strings table, a standard form (ECMA-376 ``inlineStr``) that
Excel, LibreOffice (opened in the tests), openpyxl and calamine read; WPS was not at hand.  A
relative link's target is written with ``/`` (the OPC standard; XlsxWriter writes Windows'
``\\``, which LibreOffice and WPS on Linux do not follow).

**Past Excel's limits.**  A sheet holds 1,048,576 rows; a list longer than that under its
header row continues on ``指标明细(2)``, ``指标明细(3)``… right after it, each with the same
header row, column widths, filter, frozen header and print setup, and 汇总概览 says which list
continues where.  The limit is a parameter (``row_limit``) so that a test can lower it.  Excel
keeps at most 65,530 links on one sheet: 问题清单's rows past that on one sheet are written
without a link, and 汇总概览 says so.

**Why XlsxWriter (decision of issue #15, December 2026).**  Measured on the benchmark's 100 ×
30 consolidation (3,000 projects, 30,000 indicators, ~16,000 findings) on a loaded 2-core
machine: the previous writer took 16–19 s of CPU and 215 MB; this one 7–8.5 s and 105 MB, the
same content (compared cell by cell with heights, widths, merges, links and print setup).
Most of the old time was ours: estimating wrapped rows' heights (~60 %) and resolving file
paths row by row (~10 %).  With 300,000 indicator rows: 98 s CPU and 1.1 GB peak before, 46 s
and 148 MB now.  What is left is ~85 % XlsxWriter itself (~130 µs a 15-column row), so at
province scale (~2.4 M indicator rows) 指标明细 alone costs ~5 min of CPU: the writer is then
the floor.  The Rust writers on PyPI were judged: the original ``rust_xlsxwriter`` has no
Python binding of its own; ``rustpy-xlsxwriter`` (0.8, one maintainer) has no merged cells,
links or charts, which the summary needs; ``rvgsrust-xlsxwriter`` (0.3.5, Beta, MIT, abi3
wheels for Linux and Windows) wraps ``rust_xlsxwriter`` with merged cells, links, charts and
constant memory, and wrote the same 150,000 indicator rows in 6.0 s of CPU against
XlsxWriter's 19.8 s (3.3×).  It is not adopted yet: a young single-team project whose print
titles, fit-to-width, footers, outline columns, relative links and charts would first have to
be proven in Excel and WPS, and the gain is about a factor 3 on writing only.  XlsxWriter
(BSD-2, maintained since 2013, used by pandas and polars, its output compared with Excel's
own files by ~1,000 tests) stays.  Revisit when the 10⁴-file aim needs it: either that binding
behind this module's few calls, or the list sheets' rows written as XML directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.url import Url
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jixiao.a1 import quote_sheet
from jixiao.atomic import atomic_write
from jixiao.consolidate import Column, Consolidation, Kind, Value
from jixiao.findings import Finding, Severity
from jixiao.outputs.tables import (
    MET_TEXT,
    SUB_UNITS,
    SummaryTable,
    overview_facts,
    plan_table,
    summary_tables,
)
from jixiao.textwidth import (
    POINTS_PER_WIDTH,
    column_points,
    lines_height,
    text_em,
    text_height,
    width_for,
)

FIXED_DATE = dt.datetime(2024, 1, 1)
FONT_SIZE = 10
TITLE_SIZE = 16
PORTRAIT_POINTS = 523.0
"""What an A4 portrait page holds across (0.5 in margins), in points."""
A4 = 9
"""XlsxWriter's paper code for A4."""
FOLDED = "amount_"
"""项目汇总's checkpoint amounts (``amount_3``…): folded away (the percentages stay in view)."""
SHEET_ROWS = 1_048_576
"""Rows on one sheet (Excel 2007 and later, WPS)."""
ROW_LIMIT = SHEET_ROWS - 1
"""A list's rows on one sheet under its header row, before it continues on the next."""
LINKS_PER_SHEET = 65_530
"""Excel keeps at most this many links on one sheet."""
LISTS = ("项目汇总", "指标明细", "问题清单", "部门整体")
"""The sheets that are one list each (the ones that may continue on further sheets)."""
_FORGET_EVERY = 50_000
"""Rows between two clean-ups of the row heights XlsxWriter keeps for rows already written."""


class Styles:
    """The few formats the summary uses."""

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
        self.wrap = book.add_format({**base, "text_wrap": True})
        self.note = book.add_format({**base, "text_wrap": True, "font_color": "#595959"})
        self.money = book.add_format({**base, "num_format": "#,##0.00"})
        self.percent = book.add_format({**base, "num_format": "0.0"})
        self.count = book.add_format({**base, "num_format": "0"})
        self.link = book.add_format(
            {**base, "font_color": "#0563C1", "underline": 1, "text_wrap": True}
        )
        self.bad = book.add_format({**base, "font_color": "#C00000", "bold": True})

    def of(self, kind: Kind) -> Any:
        """The format of a column of this kind."""
        return {
            Kind.MONEY: self.money,
            Kind.PERCENT: self.percent,
            Kind.COUNT: self.count,
            Kind.LONG_TEXT: self.wrap,
        }.get(kind, self.text)


def write_summary(
    result: Consolidation, path: Path, unit_name: str = "本单位", row_limit: int = ROW_LIMIT
) -> None:
    """Write the summary workbook atomically to ``path``; a list longer than ``row_limit``
    rows continues on further sheets (``指标明细(2)``…)."""
    if not 1 <= row_limit <= ROW_LIMIT:
        raise ValueError(f"row_limit must be 1…{ROW_LIMIT}")
    target = Path(path)
    atomic_write(
        target, lambda temporary: _write(result, temporary, target.parent, unit_name, row_limit)
    )


class Printing:
    """How the summary's sheets print: the unit in every footer."""

    def __init__(self, unit_name: str) -> None:
        self.footer = "&L" + _footer_text(unit_name) + "&C第 &P 页，共 &N 页"

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


def continuation_note(name: str, rows: int, parts: Sequence[Piece]) -> str:
    """汇总概览's note on a list that continues on further sheets."""
    where = "，".join(f"第 {p.start + 1:,}–{p.stop:,} 行在“{p.sheet}”" for p in parts)
    most = parts[0].stop - parts[0].start
    return (
        f"“{name}”共 {rows:,} 行，超过一个工作表能放的 {most:,} 行，接着写在后面的工作表："
        f"{where}（表头、列宽和打印设置相同）。"
    )


LINKS_NOTE = (
    f"Excel 每个工作表最多保存 {LINKS_PER_SHEET:,} 个链接：问题清单每个工作表的第 "
    f"{LINKS_PER_SHEET + 1:,} 条问题起的“位置”不再链接到源文件的单元格（位置照写）。"
)
"""汇总概览's note when 问题清单 has more rows on one sheet than Excel keeps links."""


def _write(
    result: Consolidation, target: Path, folder: Path, unit_name: str, row_limit: int
) -> None:
    book = xlsxwriter.Workbook(
        str(target),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
    )
    book.set_properties(
        {"title": f"{unit_name}预算绩效目标汇总", "author": "jixiao", "created": FIXED_DATE}
    )
    styles = Styles(book)
    printing = Printing(unit_name)
    tables = summary_tables(result, folder)
    parts = {name: pieces(name, len(tables[name]), row_limit) for name in LISTS}
    notes = [
        ("续表", continuation_note(name, len(tables[name]), parts[name]))
        for name in LISTS
        if len(parts[name]) > 1
    ]
    if any(p.stop - p.start > LINKS_PER_SHEET for p in parts["问题清单"]):
        notes.append(("链接", LINKS_NOTE))
    _overview(book, styles, result, tables[SUB_UNITS], unit_name, printing, notes)
    _list(book, styles, tables["项目汇总"], parts["项目汇总"], printing)
    _plan(book, styles, result, printing)
    _list(book, styles, tables["指标明细"], parts["指标明细"], printing)
    _findings(book, styles, result, tables["问题清单"], parts["问题清单"], folder, printing)
    _list(book, styles, tables["部门整体"], parts["部门整体"], printing)
    book.close()


class _PortableUrl(Url):  # type: ignore[misc]  # XlsxWriter has no type hints
    """A link whose relationship target uses ``/`` (a URI, as the OPC standard asks and as
    LibreOffice/WPS on Linux follow); XlsxWriter writes a relative file with ``\\``."""

    def _target(self) -> str:
        return str(super()._target()).replace("\\", "/")


def _cell(sheet: Worksheet, row: int, column: int, value: Value | float, fmt: Any) -> None:
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
    else:
        sheet.write_string(row, column, str(value), fmt)  # never a formula, whatever it says


@functools.lru_cache(maxsize=1 << 16)
def _height(text: str, width: float) -> float:
    """The row height a wrapped ``text`` needs in a column ``width`` wide: a text that fits
    on one line even if every character were full width is not measured further."""
    if len(text) * FONT_SIZE <= column_points([width]) and not any(c in text for c in "\n\r\t"):
        return lines_height(1, FONT_SIZE)
    return text_height(text, [width], FONT_SIZE)


RowHook = Callable[[Worksheet, int, int], None]
"""Called while a row is current: ``(sheet, sheet row, index in the table)``."""


def _table(
    sheet: Worksheet,
    styles: Styles,
    table: SummaryTable,
    first_row: int = 0,
    part: Piece | None = None,
    each_row: RowHook | None = None,
) -> float:
    """Rows ``part`` of a table under its header row at ``first_row``, strictly in order:
    wrapped columns get rows as high as their text; 项目汇总's checkpoint amounts are an
    outline group, folded away.  Returns the width shown (folded columns left out)."""
    columns = table.columns
    shown = _header(sheet, styles, columns, first_row)
    formats = [styles.of(c.kind) for c in columns]
    verdicts = [c.kind is Kind.MET for c in columns]
    widths = [c.width if c.kind is Kind.LONG_TEXT else 0.0 for c in columns]
    part = part or Piece("", 0, len(table))
    single = lines_height(1, FONT_SIZE)
    row = first_row
    for index, values in enumerate(table.rows(part.start, part.stop), start=part.start):
        row += 1
        height = single
        for value, width in zip(values, widths, strict=True):
            if width and value is not None:
                height = max(height, _height(str(value), width))
        sheet.set_row(row, height)  # before the row's cells: XlsxWriter writes it after them
        for number, value in enumerate(values):
            if value is None:  # blank: nothing to write
                continue
            if verdicts[number] and isinstance(value, bool):
                value = MET_TEXT[value]
            _cell(sheet, row, number, value, formats[number])
        if each_row is not None:
            each_row(sheet, row, index)
        if (row - first_row) % _FORGET_EVERY == 0:
            _forget_written_rows(sheet)
    if columns:
        sheet.autofilter(first_row, 0, first_row + part.stop - part.start, len(columns) - 1)
    sheet.freeze_panes(first_row + 1, 0)
    return shown


def _header(sheet: Worksheet, styles: Styles, columns: Sequence[Column], row: int) -> float:
    """The header row and the column widths; returns the width shown."""
    height, shown = 0.0, 0.0
    for number, column in enumerate(columns):
        height = max(height, text_height(column.heading, [column.width], FONT_SIZE))
        if column.key.startswith(FOLDED):
            sheet.set_column(number, number, column.width, None, {"level": 1, "hidden": True})
        else:
            sheet.set_column(number, number, column.width)
            shown += column.width
    sheet.set_row(row, height)
    for number, column in enumerate(columns):
        sheet.write_string(row, number, column.heading, styles.header)
    return shown


def _forget_written_rows(sheet: Worksheet) -> None:
    """Drop the heights XlsxWriter keeps of rows it has already written out (in constant
    memory mode it never reads them again): millions of rows would otherwise hold them all."""
    info, current = getattr(sheet, "row_info", None), getattr(sheet, "previous_row", None)
    if isinstance(info, dict) and isinstance(current, int):
        for written in [r for r in info if r < current]:
            del info[written]


def _list(
    book: Workbook,
    styles: Styles,
    table: SummaryTable,
    parts: Sequence[Piece],
    printing: Printing,
    each_row: RowHook | None = None,
) -> None:
    """A list on its sheet and, past the row limit, on the sheets after it."""
    for part in parts:
        sheet = book.add_worksheet(part.sheet)
        shown = _table(sheet, styles, table, 0, part, each_row)
        last = (max(part.stop - part.start, 1), max(len(table.columns) - 1, 0))
        printing.setup(sheet, 0, shown, last)


def _overview(
    book: Workbook,
    styles: Styles,
    result: Consolidation,
    units: SummaryTable,
    unit_name: str,
    printing: Printing,
    notes: Sequence[tuple[str, str]],
) -> None:
    """汇总概览: the figures and what each includes, where lists continue, the sub-units."""
    sheet = book.add_worksheet("汇总概览")
    sheet.set_row(0, lines_height(1, TITLE_SIZE))
    sheet.write_string(0, 0, f"{unit_name}预算绩效目标汇总", styles.title)
    widths = [c.width for c in units.columns]
    last_column = len(widths) - 1
    note_width = sum(widths[2:])  # the notes span the table's columns right of the figures
    sheet.merge_range(1, 2, 1, last_column, "说明（合计包括什么）", styles.header)
    row = 1
    for fact in overview_facts(result):
        row += 1
        if fact.note:
            sheet.set_row(row, text_height(fact.note, [note_width], FONT_SIZE))
        sheet.write_string(row, 0, fact.label, styles.header)
        _cell(sheet, row, 1, fact.value, styles.money if fact.kind is Kind.MONEY else styles.text)
        if fact.note:
            sheet.merge_range(row, 2, row, last_column, fact.note, styles.note)
    for label, note in notes:
        row += 1
        sheet.set_row(row, text_height(note, [sum(widths[1:])], FONT_SIZE))
        sheet.write_string(row, 0, label, styles.header)
        sheet.merge_range(row, 1, row, last_column, note, styles.note)
    start = row + 2
    sheet.set_row(start, lines_height(1, TITLE_SIZE))
    sheet.write_string(start, 0, "各下属单位", styles.title)
    _table(sheet, styles, units, first_row=start + 1)
    last = (start + 1 + max(len(units), 1), last_column)
    printing.setup(sheet, start + 1, sum(widths), last)


def _plan(book: Workbook, styles: Styles, result: Consolidation, printing: Printing) -> None:
    """支出计划: the unit's weighted plan and what it includes, its line chart, and the
    sub-units' budgets with their bar chart, top to bottom."""
    plan, notes = plan_table(result)
    sheet = book.add_worksheet(plan.name)
    _table(sheet, styles, plan)
    rows = len(plan)
    width = sum(c.width for c in plan.columns)
    note = "\n".join(notes)
    note_row = rows + 1
    sheet.set_row(note_row, text_height(note, [width], FONT_SIZE))
    sheet.merge_range(note_row, 0, note_row, len(plan.columns) - 1, note, styles.note)
    line = book.add_chart({"type": "line"})
    percent = plan.index("percent")
    line.add_series(
        {
            "name": "单位累计支出进度（%）",
            "categories": [plan.name, 1, 0, rows, 0],
            "values": [plan.name, 1, percent, rows, percent],
            "marker": {"type": "circle"},
        }
    )
    if "minimum_percent" in plan.keys:
        minimum = plan.index("minimum_percent")
        line.add_series(
            {
                "name": "最低要求（%）",
                "categories": [plan.name, 1, 0, rows, 0],
                "values": [plan.name, 1, minimum, rows, minimum],
                "line": {"dash_type": "dash"},
            }
        )
    line.set_title({"name": "单位资金支出计划（按预算加权）"})
    line.set_y_axis({"min": 0, "max": 100, "name": "%"})
    chart_row = note_row + 2
    sheet.insert_chart(chart_row, 0, line)
    units = result.sub_units
    budget = units.columns[units.index("budget")].heading
    scale = max(1.0, len(units) / 8)
    chart_rows = math.ceil(CHART_PIXELS[1] * scale / ROW_PIXELS) + 1
    start = chart_row + chart_rows + 1  # the sub-units' budgets, below both charts
    names = [c.width for c in plan.columns[:2]]  # a sub-unit's name spans two columns
    sheet.merge_range(start, 0, start, 1, "下属单位", styles.header)
    sheet.write_string(start, 2, budget, styles.header)
    for offset, (name, amount) in enumerate(
        zip(units.column("sub_unit"), units.column("budget"), strict=True), start=start + 1
    ):
        sheet.set_row(offset, _height(str(name), sum(names)))
        sheet.merge_range(offset, 0, offset, 1, str(name), styles.wrap)
        _cell(sheet, offset, 2, amount, styles.money)
    bar = book.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": f"{budget}（{result.money_unit.value}）",
            "categories": [plan.name, start + 1, 0, start + len(units), 0],
            "values": [plan.name, start + 1, 2, start + len(units), 2],
        }
    )
    bar.set_title({"name": f"各下属单位{budget}"})
    bar.set_legend({"none": True})
    widths = [c.width for c in plan.columns]
    bar_column = _column_reaching(widths, CHART_PIXELS[0] + 20) + 1  # right of the line chart
    sheet.insert_chart(chart_row, bar_column, bar, {"y_scale": scale})
    right = _pixels([_width(widths, c) for c in range(bar_column)]) + CHART_PIXELS[0]
    last_column = max(len(widths) - 1, _column_reaching(widths, right))
    printed = sum(_width(widths, c) for c in range(last_column + 1))
    printing.setup(sheet, 0, printed, (start + len(units), last_column))


def _width(widths: list[float], column: int) -> float:
    return widths[column] if column < len(widths) else DEFAULT_WIDTH


CHART_PIXELS = (480, 288)
"""XlsxWriter's chart size before scaling."""
ROW_PIXELS = 20
DEFAULT_WIDTH = 8.43


def _pixels(widths: list[float]) -> float:
    """How wide columns of these widths are on screen (Excel: 7 px a unit, 5 px padding)."""
    return sum(7 * w + 5 for w in widths)


def _column_reaching(widths: list[float], pixels: float) -> int:
    """The last column needed for ``pixels`` of width from column A (default widths after
    ``widths``)."""
    column, reached = 0, 0.0
    while True:
        reached += 7 * _width(widths, column) + 5
        if reached >= pixels:
            return column
        column += 1


def _findings(
    book: Workbook,
    styles: Styles,
    result: Consolidation,
    table: SummaryTable,
    parts: Sequence[Piece],
    folder: Path,
    printing: Printing,
) -> None:
    """问题清单: one row per finding; 级别 in red for errors, 位置 a link to the source cell
    (up to :data:`LINKS_PER_SHEET` links a sheet)."""
    table = _unwrapped(table, "where")
    severity, where = table.index("severity"), table.index("where")
    placed = result.placed_findings()
    links = Links(folder)

    def each_row(sheet: Worksheet, row: int, index: int) -> None:
        entry, finding = placed[index]
        if finding.severity is Severity.ERROR:
            sheet.write_string(row, severity, finding.severity.label, styles.bad)
        url = links.url(sheet, entry.file, finding)
        if url is not None:
            sheet.write_url(row, where, url, styles.link)

    _list(book, styles, table, parts, printing, each_row)


class Links:
    """Links from 问题清单 to the source cells: each file's relative path worked out once,
    at most :data:`LINKS_PER_SHEET` a sheet."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._targets: dict[str, str | None] = {}
        self._count: dict[str, int] = {}

    def url(self, sheet: Worksheet, file: str, finding: Finding) -> Url | None:
        """The link of ``finding`` on ``sheet``, or None (no cell to open, or no room)."""
        if file not in self._targets:
            self._targets[file] = _link_target(file, self.folder)
        target = self._targets[file]
        if target is None or not (finding.sheet and finding.cell):
            return None
        count = self._count.get(sheet.name, 0)
        if count >= LINKS_PER_SHEET:
            return None
        self._count[sheet.name] = count + 1
        url = _PortableUrl(f"{target}#{quote_sheet(finding.sheet)}!{finding.cell}")
        url.text = finding.where or ""
        url.tip = "打开源文件中的这个单元格"
        return url


def _unwrapped(table: SummaryTable, key: str, most: float = 30.0) -> SummaryTable:
    """The table with column ``key`` wide enough for its longest text: a link is one line in
    every engine (LibreOffice does not wrap a hyperlink), so it must fit its column."""
    at = table.index(key)
    texts = {str(row[at]) for row in table.source if row[at]}
    longest = max(texts, key=text_em, default="")
    column = table.columns[at]
    width = max(column.width, width_for(longest, FONT_SIZE, most))
    columns = (
        *table.columns[:at],
        dataclasses.replace(column, width=width),
        *table.columns[at + 1 :],
    )
    return dataclasses.replace(table, columns=columns)


def _link_target(file: str, folder: Path) -> str | None:
    """``external:../报送/a.xlsx`` (relative, so the folder can be moved), or None when the
    file is no workbook or cannot be reached."""
    if not file.lower().endswith((".xlsx", ".xlsm")):
        return None
    try:
        target = os.path.relpath(Path(file).resolve(), folder.resolve())
    except ValueError:  # another drive on Windows (a USB stick): no relative path exists
        target = str(Path(file).absolute())
    except (OSError, RuntimeError):  # a link loop: nothing to open
        return None
    target = target.replace("%", "%25").replace("#", "%23")  # '#' would start the cell part
    return f"external:{target}"


def source_link(file: str, finding: Finding, folder: Path) -> str | None:
    """``external:../报送/a.xlsx#'项目1'!F12`` (relative, so the folder can be moved)."""
    target = _link_target(file, folder)
    if target is None or not (finding.sheet and finding.cell):
        return None
    return f"{target}#{quote_sheet(finding.sheet)}!{finding.cell}"
