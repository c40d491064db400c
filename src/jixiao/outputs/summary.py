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

How the lists are written, row by row in constant memory: :mod:`jixiao.outputs.sheets`.  In a
consolidation of files on disk the long lists (项目汇总, 指标明细, 问题清单, 部门整体) are views of
the results spooled by :mod:`jixiao.service.spool`, read back one file at a time (each list
once: 问题清单's widest 位置 and the overview's counts are kept per file when the findings are
spooled, and its rows and links come from one read of each file), so no list is ever whole in
memory.  A
relative link's target is written with ``/`` (the OPC standard; XlsxWriter writes Windows'
``\\``, which LibreOffice and WPS on Linux do not follow).

**Past Excel's limits.**  A sheet holds 1,048,576 rows; a list longer than that under its
header row continues on ``指标明细(2)``, ``指标明细(3)``… right after it, each with the same
header row, column widths, filter, frozen header and print setup, and 汇总概览 says which list
continues where.  The limit is a parameter (``row_limit``) so that a test can lower it.  Excel
keeps at most 65,530 links on one sheet: 问题清单's rows past that on one sheet are written
without a link, and 汇总概览 says so.

**Why XlsxWriter (decision of issue #15, December 2026).** Measured on the benchmark's
100 × 30 consolidation (3,000 projects, 30,000 indicators, ~13,000 findings) on a loaded
2-core machine: the previous writer took 16–19 s of CPU and 215 MB; XlsxWriter in constant
memory 7–8.5 s and 105 MB, the same content.  Most of the old time was ours: estimating
wrapped rows' heights and resolving file paths row by row.  What was then left was ~85 %
XlsxWriter's cell calls (~130 µs a 15-column row: argument checks, a cell tuple per value,
a generic XML attribute writer), so the list rows are now written as XML by
:mod:`jixiao.outputs.rowxml` straight into the package XlsxWriter writes (~10 µs a row, the
same bytes; XlsxWriter keeps styles, widths, headers, filters, panes, print setup, links and
charts), heights are measured only for texts that may wrap, and writing this workbook went
from ~9 s to ~3 s of CPU.  Then (December 2026) what was left outside the rows: the package is
deflated at zlib level 1 (:class:`jixiao.outputs.book.Book`), the rows are copied into each
sheet's XML as bytes and 问题清单's links are parsed once per file and written in one piece
(:class:`jixiao.outputs.book._Sheet`, :class:`Links`), and the spooled findings are read
once instead of five times (their counts, codes and widest 位置 are kept per file:
:class:`jixiao.views.FindingFacts`): ~2.3–2.5 s → ~1.5–1.9 s at 100 × 30, the same
workbook.  What is left is the rows' XML (~0.5 s), reading the spool back (~0.25 s),
XlsxWriter's close (~0.35 s) and the links (~0.2 s).  The Rust writers on PyPI were judged: the
original ``rust_xlsxwriter`` has no Python binding of its own; ``rustpy-xlsxwriter`` (0.8, one
maintainer) has no merged cells, links or charts, which the summary needs;
``rvgsrust-xlsxwriter`` (0.3.5, Beta, MIT, abi3 wheels for Linux and Windows) wraps
``rust_xlsxwriter`` with merged cells, links, charts and constant memory, and wrote 150,000
indicator rows 3.3× faster than XlsxWriter's calls (6.0 s of CPU against 19.8 s); the XML rows
write 150,000 indicator rows (the benchmark's, five times) on one sheet 4.8× faster (4.0 s
against 19.2 s, measured alternately, heights and zipping included: ~27 µs a row, so a
province's ~2.4 M indicator rows take ~1 min instead of ~5), with no new dependency.  It
would also be a young single-team project whose print titles, fit-to-width, footers, outline
columns, relative links and charts would first have to be proven in Excel and WPS.
XlsxWriter (BSD-2, maintained since 2013, used by pandas and polars, its output compared with
Excel's own files by ~1,000 tests) stays, with its own calls as the fallback when its
internals change (:func:`jixiao.outputs.rowxml.supported`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Sequence
from pathlib import Path

from xlsxwriter.url import Url
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jixiao.a1 import quote_sheet
from jixiao.atomic import atomic_write
from jixiao.consolidation.table import Kind
from jixiao.consolidation.unit import Consolidation
from jixiao.findings import Finding, Severity
from jixiao.outputs.book import Book, Tracker, WriteProgress
from jixiao.outputs.rowxml import Cell
from jixiao.outputs.sheets import (
    FONT_SIZE,
    ROW_LIMIT,
    TITLE_SIZE,
    Piece,
    Printing,
    Styles,
    note_width,
    pieces,
    row_height,
    safe_text,
    write_cell,
    write_list,
    write_table,
)
from jixiao.outputs.tables import (
    SUB_UNITS,
    SummaryTable,
    overview_facts,
    plan_table,
    summary_tables,
)
from jixiao.textwidth import lines_height, text_em, text_height, width_for
from jixiao.views import finding_facts

FIXED_DATE = dt.datetime(2024, 1, 1)
FOLDED = "amount_"
"""项目汇总's checkpoint amounts (``amount_3``…): folded away (the percentages stay in view)."""
LINKS_PER_SHEET = 65_530
"""Excel keeps at most this many links on one sheet."""
LISTS = ("项目汇总", "指标明细", "问题清单", "部门整体")
"""The sheets that are one list each (the ones that may continue on further sheets)."""
_FORGET_EVERY = 50_000
"""Rows between two clean-ups of the row heights XlsxWriter keeps for rows already written."""


def write_summary(
    result: Consolidation,
    path: Path,
    unit_name: str = "本单位",
    row_limit: int = ROW_LIMIT,
    progress: WriteProgress | None = None,
) -> None:
    """Write the summary workbook atomically to ``path``; a list longer than ``row_limit``
    rows continues on further sheets (``指标明细(2)``…); ``progress`` is told how far the
    writing has got (:class:`Tracker`)."""
    if not 1 <= row_limit <= ROW_LIMIT:
        raise ValueError(f"row_limit must be 1…{ROW_LIMIT}")
    target = Path(path)
    atomic_write(
        target,
        lambda temporary: _write(result, temporary, target.parent, unit_name, row_limit, progress),
    )


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
    result: Consolidation,
    target: Path,
    folder: Path,
    unit_name: str,
    row_limit: int,
    progress: WriteProgress | None,
) -> None:
    tables = summary_tables(result, folder)
    rows = sum(len(tables[name]) for name in LISTS)
    tracker = Tracker(progress, rows) if progress is not None else None
    book = Book(
        str(target),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
        tracker,
    )
    book.set_properties(
        {"title": f"{unit_name}预算绩效目标汇总", "author": "jixiao", "created": FIXED_DATE}
    )
    styles = Styles(book)
    printing = Printing(unit_name)
    parts = {name: pieces(name, len(tables[name]), row_limit) for name in LISTS}
    notes = [
        ("续表", continuation_note(name, len(tables[name]), parts[name]))
        for name in LISTS
        if len(parts[name]) > 1
    ]
    if any(p.stop - p.start > LINKS_PER_SHEET for p in parts["问题清单"]):
        notes.append(("链接", LINKS_NOTE))
    _overview(book, styles, result, tables[SUB_UNITS], unit_name, printing, notes)
    write_list(book, styles, tables["项目汇总"], parts["项目汇总"], printing, None, FOLDED, tracker)
    _plan(book, styles, result, printing)
    write_list(book, styles, tables["指标明细"], parts["指标明细"], printing, tracker=tracker)
    _findings(
        book, styles, result, tables["问题清单"], parts["问题清单"], folder, printing, tracker
    )
    write_list(book, styles, tables["部门整体"], parts["部门整体"], printing, tracker=tracker)
    book.close()
    if tracker is not None:
        tracker.finished()


class _PortableUrl(Url):  # type: ignore[misc]  # XlsxWriter has no type hints
    """A link whose relationship target uses ``/`` (a URI, as the OPC standard asks and as
    LibreOffice/WPS on Linux follow); XlsxWriter writes a relative file with ``\\``."""

    def _target(self) -> str:
        return str(super()._target()).replace("\\", "/")


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
    notes_span = sum(widths[2:])  # the notes span the table's columns right of the figures
    sheet.merge_range(1, 2, 1, last_column, "说明（合计包括什么）", styles.header)
    row = 1
    for fact in overview_facts(result):
        row += 1
        if fact.note:
            sheet.set_row(row, text_height(fact.note, [note_width(notes_span)], FONT_SIZE))
        sheet.write_string(row, 0, fact.label, styles.header)
        write_cell(
            sheet, row, 1, fact.value, styles.money if fact.kind is Kind.MONEY else styles.text
        )
        if fact.note:
            sheet.merge_range(row, 2, row, last_column, fact.note, styles.note)
    for label, note in notes:
        row += 1
        sheet.set_row(row, text_height(note, [note_width(sum(widths[1:]))], FONT_SIZE))
        sheet.write_string(row, 0, label, styles.header)
        sheet.merge_range(row, 1, row, last_column, note, styles.note)
    start = row + 2
    sheet.set_row(start, lines_height(1, TITLE_SIZE))
    sheet.write_string(start, 0, "各下属单位", styles.title)
    write_table(sheet, styles, units, first_row=start + 1)
    last = (start + 1 + max(len(units), 1), last_column)
    printing.setup(sheet, start + 1, sum(widths), last)


def _plan(book: Workbook, styles: Styles, result: Consolidation, printing: Printing) -> None:
    """支出计划: the unit's weighted plan and what it includes, its line chart, and the
    sub-units' budgets with their bar chart, top to bottom."""
    plan, notes = plan_table(result)
    sheet = book.add_worksheet(plan.name)
    write_table(sheet, styles, plan, keep_sizes=True)  # the charts are placed below it
    rows = len(plan)
    width = sum(c.width for c in plan.columns)
    note = "\n".join(notes)
    note_row = rows + 1
    sheet.set_row(note_row, text_height(note, [note_width(width)], FONT_SIZE))
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
        sheet.set_row(offset, row_height(str(name), sum(names)))
        sheet.merge_range(offset, 0, offset, 1, safe_text(str(name)), styles.wrap)
        write_cell(sheet, offset, 2, amount, styles.money)
    bar = book.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": budget,  # its heading says the unit
            "categories": [plan.name, start + 1, 0, start + len(units), 0],
            "values": [plan.name, start + 1, 2, start + len(units), 2],
        }
    )
    bar.set_title({"name": f"各下属单位{budget}"})
    bar.set_x_axis({"name": result.money_unit.value})  # a bar chart's values run across
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
    tracker: Tracker | None,
) -> None:
    """问题清单: one row per finding; 级别 in red for errors, 位置 a link to the source cell
    (up to :data:`LINKS_PER_SHEET` links a sheet)."""
    table = _unwrapped(table, "where", _widest_where(result))
    severity, where = table.index("severity"), table.index("where")
    placed = result.placed_findings()  # indexed in order: a view reads each file once
    links = Links(folder)

    def each_row(sheet: Worksheet, row: int, index: int) -> list[Cell]:
        entry, finding = placed[index]
        cells = []
        if finding.severity is Severity.ERROR:
            cells.append(Cell(severity, finding.severity.label, styles.bad))
        url = links.url(sheet, entry.file, finding)
        if url is not None:
            cells.append(Cell(where, url.text, styles.link, url))
        return cells

    write_list(book, styles, table, parts, printing, each_row, tracker=tracker)


class Links:
    """Links from 问题清单 to the source cells: each file's relative path worked out once,
    at most :data:`LINKS_PER_SHEET` a sheet."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._target: tuple[str, str | None] | None = None
        """The last file's link target: the findings come file by file (one per file, kept
        for all, grew the parent's memory with the files: issue #15)."""
        self._count: dict[str, int] = {}
        self._parsed: tuple[str, _PortableUrl] | None = None
        """The last target's first link, parsed."""

    def url(self, sheet: Worksheet, file: str, finding: Finding) -> Url | None:
        """The link of ``finding`` on ``sheet``, or None (no cell to open, or no room)."""
        if self._target is None or self._target[0] != file:
            self._target = (file, _link_target(file, self.folder))
        target = self._target[1]
        if target is None or not (finding.sheet and finding.cell):
            return None
        count = self._count.get(sheet.name, 0)
        if count >= LINKS_PER_SHEET:
            return None
        try:
            url = self._link(target, f"{quote_sheet(finding.sheet)}!{finding.cell}")
        except ValueError:  # longer than Excel keeps (a sheet name of 2,000 characters): no link
            return None
        self._count[sheet.name] = count + 1
        url.text = finding.where or ""
        url.tip = "打开源文件中的这个单元格"
        return url

    def _link(self, target: str, anchor: str) -> _PortableUrl:
        """``target#anchor`` as XlsxWriter's :class:`Url` parses it, parsed once per file.

        Parsing a link costs ~14 µs (13,000 links of the 100 × 30 summary: ~0.18 s), and
        every part of it but the anchor depends on the file alone: a file's later links are
        copies of its first with their own anchor, as :meth:`Url._parse_url` makes it (after
        the first ``#``, ``/`` written ``\\``).  ``tests/test_summary_rows.py`` compares the
        copies with XlsxWriter's own parse, field by field; an anchor too long for Excel is
        parsed (and refused) by XlsxWriter itself."""
        link = f"{target}#{anchor}"
        first = self._parsed[1] if self._parsed and self._parsed[0] == target else None
        if first is None or len(anchor) > _LONGEST_ANCHOR or "#" in target:
            url = _PortableUrl(link)
            if first is None:
                self._parsed = (target, url)
            return url
        url = _PortableUrl.__new__(_PortableUrl)
        url.__dict__.update(first.__dict__)
        url._original_url = link
        url._anchor = anchor.replace("/", "\\")
        return url


_LONGEST_ANCHOR = 255
"""Anchors longer than this are parsed by XlsxWriter (it refuses those past Excel's 2,080)."""


def _widest_where(result: Consolidation) -> str:
    """The widest 位置 of 问题清单: known per file without reading the findings back
    (:class:`jixiao.views.FindingFacts`, kept when the findings were spooled)."""
    widest = (finding_facts(entry.findings).widest_where for entry in result.entries)
    return max(widest, key=text_em, default="")


def _unwrapped(table: SummaryTable, key: str, longest: str, most: float = 30.0) -> SummaryTable:
    """The table with column ``key`` wide enough for its ``longest`` text: a link is one line
    in every engine (LibreOffice does not wrap a hyperlink), so it must fit its column."""
    at = table.index(key)
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
