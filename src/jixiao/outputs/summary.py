"""Write the unit-level summary workbook of a consolidation (XlsxWriter: fast, flat memory).

Sheets: 汇总概览, 项目汇总, 支出计划 (line and bar charts), 指标明细, 问题清单 (each problem
links to its source cell), 部门整体.  Every text is written as a string (never a formula), the
same inputs give the same content, and the file appears atomically.

Every sheet prints on A4 one page wide (landscape when wide), its header row repeated, the unit
and page X of Y in the footer; wrapped cells get rows as high as their text
(:mod:`jixiao.textwidth`).  Every total says beside it what it includes.  In 项目汇总 the
checkpoint amounts are folded away (an outline group: ``+`` above the columns opens it) so
that the sheet prints at a readable size; files are named relative to the summary's folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jixiao.a1 import quote_sheet
from jixiao.atomic import atomic_write
from jixiao.consolidate import NO_MINIMUM_NOTE, PLAN_NOTE, Consolidation, Kind, Table, Value
from jixiao.findings import Finding, Severity
from jixiao.outputs.report import OUT_OF_RANGE
from jixiao.textwidth import POINTS_PER_WIDTH, lines_height, text_em, text_height, width_for

FIXED_DATE = dt.datetime(2024, 1, 1)
MET_TEXT = {True: "达标", False: "未达标"}
FONT_SIZE = 10
TITLE_SIZE = 16
PORTRAIT_POINTS = 523.0
"""What an A4 portrait page holds across (0.5 in margins), in points."""
A4 = 9
"""XlsxWriter's paper code for A4."""
AMOUNT_GROUP = re.compile(r"^amount_\d+$")
"""项目汇总's checkpoint amounts: folded away (the percentages stay in view)."""


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


def write_summary(result: Consolidation, path: Path, unit_name: str = "本单位") -> None:
    """Write the summary workbook atomically to ``path``."""
    atomic_write(
        Path(path), lambda temporary: _write(result, temporary, Path(path).parent, unit_name)
    )


class Printing:
    """How the summary's sheets print: the unit in every footer, files named from the folder."""

    def __init__(self, unit_name: str, folder: Path) -> None:
        self.footer = "&L" + _footer_text(unit_name) + "&C第 &P 页，共 &N 页"
        self.folder = folder

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

    def file(self, value: Value) -> Value:
        """A submission's file as seen from the summary's folder (``报送/某单位.xlsx``)."""
        if not isinstance(value, str) or not value:
            return value
        try:
            relative = os.path.relpath(Path(value).resolve(), self.folder.resolve())
        except (ValueError, OSError, RuntimeError):  # another drive on Windows; a link loop
            return value
        return value if relative.startswith("..") else relative.replace(os.sep, "/")


def _footer_text(text: str) -> str:
    """A text as a footer shows it (``&`` starts a code there)."""
    return " ".join(text.split()).replace("&", "&&")


def _write(result: Consolidation, target: Path, folder: Path, unit_name: str) -> None:
    book = xlsxwriter.Workbook(
        str(target),
        {
            "constant_memory": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
    )
    book.set_properties(
        {"title": f"{unit_name}预算绩效目标汇总", "author": "jixiao", "created": FIXED_DATE}
    )
    styles = Styles(book)
    printing = Printing(unit_name, folder)
    _overview(book, styles, result, unit_name, printing)
    projects = result.projects.mapped("file", printing.file)
    _table(book, styles, "项目汇总", projects, printing=printing, folded=AMOUNT_GROUP)
    _plan(book, styles, result, printing)
    indicators = result.indicators.mapped("file", printing.file)
    _table(book, styles, "指标明细", indicators, printing=printing)
    _findings(book, styles, result, folder, printing)
    _table(book, styles, "部门整体", result.department, printing=printing)
    book.close()
    _portable_links(target)


_EXTERNAL_TARGET = re.compile(r'Target="([^"]*)"(?= TargetMode="External")')


def _portable_links(path: Path) -> None:
    """Relationship targets are URIs: XlsxWriter writes ``报送\\a.xlsx`` for relative files;
    ``报送/a.xlsx`` is what the OPC standard asks and what LibreOffice/WPS on Linux follow."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename.endswith(".rels") and b'TargetMode="External"' in data:
                text = _EXTERNAL_TARGET.sub(
                    lambda m: f'Target="{m.group(1).replace(chr(92), "/")}"', data.decode("utf-8")
                )
                data = text.encode("utf-8")
            target.writestr(info, data)


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


def _format_for(styles: Styles, kind: Kind) -> Any:
    return {
        Kind.MONEY: styles.money,
        Kind.PERCENT: styles.percent,
        Kind.COUNT: styles.count,
        Kind.LONG_TEXT: styles.wrap,
    }.get(kind, styles.text)


def _table(
    book: Workbook,
    styles: Styles,
    name: str,
    table: Table,
    first_row: int = 0,
    sheet: Worksheet | None = None,
    printing: Printing | None = None,
    folded: re.Pattern[str] | None = None,
) -> Worksheet:
    """A table under its header row: wrapped columns get rows as high as their text; columns
    whose key matches ``folded`` are an outline group, folded away."""
    sheet = sheet or book.add_worksheet(name)
    header_height = 0.0
    shown_width = 0.0
    for number, column in enumerate(table.columns):
        sheet.write_string(first_row, number, column.heading, styles.header)
        header_height = max(header_height, text_height(column.heading, [column.width], FONT_SIZE))
        if folded is not None and folded.match(column.key):
            sheet.set_column(number, number, column.width, None, {"level": 1, "hidden": True})
        else:
            sheet.set_column(number, number, column.width)
            shown_width += column.width
    sheet.set_row(first_row, header_height)
    formats = [_format_for(styles, c.kind) for c in table.columns]
    verdicts = [c.kind is Kind.MET for c in table.columns]
    wrapped = [c.kind is Kind.LONG_TEXT for c in table.columns]
    for offset, values in enumerate(table.rows, start=first_row + 1):
        height = lines_height(1, FONT_SIZE)
        for number, value in enumerate(values):
            if value is None:  # blank: nothing to write
                continue
            if verdicts[number] and isinstance(value, bool):
                value = MET_TEXT[value]
            _cell(sheet, offset, number, value, formats[number])
            if wrapped[number]:
                width = table.columns[number].width
                height = max(height, text_height(str(value), [width], FONT_SIZE))
        sheet.set_row(offset, height)
    if table.columns:
        sheet.autofilter(first_row, 0, first_row + len(table), len(table.columns) - 1)
    sheet.freeze_panes(first_row + 1, 0)
    if printing is not None:
        last = (first_row + max(len(table), 1), max(len(table.columns) - 1, 0))
        printing.setup(sheet, first_row, shown_width, last)
    return sheet


def _overview(
    book: Workbook, styles: Styles, result: Consolidation, unit_name: str, printing: Printing
) -> None:
    sheet = book.add_worksheet("汇总概览")
    tally = result.tally
    sheet.write_string(0, 0, f"{unit_name}预算绩效目标汇总", styles.title)
    sheet.set_row(0, lines_height(1, TITLE_SIZE))
    notes = result.totals_notes()
    facts: list[tuple[str, Value]] = [
        ("金额单位", result.money_unit.value),
        ("报送文件", len(result.entries)),
        ("无法读取的文件", sum(e.submission is None for e in result.entries)),
        ("项目数", len(result.projects)),
        ("预算数合计", result.budget),
        ("错误", tally.errors),
        ("警告", tally.warnings),
        ("提示", tally.infos),
    ]
    units = result.sub_units.mapped("file", printing.file)
    widths = [c.width for c in units.columns]
    last_column = len(widths) - 1
    note_width = sum(widths[2:])  # the notes span the table's columns right of the figures
    sheet.merge_range(1, 2, 1, last_column, "说明（合计包括什么）", styles.header)
    for row, (label, value) in enumerate(facts, start=2):
        sheet.write_string(row, 0, label, styles.header)
        if isinstance(value, Decimal) and not math.isfinite(float(value)):
            value = OUT_OF_RANGE  # said, not left blank: no cell holds a number this large
        _cell(sheet, row, 1, value, styles.money if label == "预算数合计" else styles.text)
        note = notes.get(label, "")
        if note:
            sheet.merge_range(row, 2, row, last_column, note, styles.note)
            sheet.set_row(row, text_height(note, [note_width], FONT_SIZE))
    start = len(facts) + 3
    sheet.write_string(start, 0, "各下属单位", styles.title)
    sheet.set_row(start, lines_height(1, TITLE_SIZE))
    _table(book, styles, "汇总概览", units, first_row=start + 1, sheet=sheet)
    last = (start + 1 + max(len(units), 1), last_column)
    printing.setup(sheet, start + 1, sum(widths), last)


def _plan(book: Workbook, styles: Styles, result: Consolidation, printing: Printing) -> None:
    plan = result.plan
    notes = [PLAN_NOTE]
    if all(value is None for value in plan.column("minimum_percent")):
        plan = plan.without("minimum_percent").without("met")  # the profile sets no minimum
        notes.append(NO_MINIMUM_NOTE)
    sheet = _table(book, styles, "支出计划", plan)
    rows = len(plan)
    width = sum(c.width for c in plan.columns)
    note = "\n".join(notes)
    note_row = rows + 1
    sheet.merge_range(note_row, 0, note_row, len(plan.columns) - 1, note, styles.note)
    sheet.set_row(note_row, text_height(note, [width], FONT_SIZE))
    line = book.add_chart({"type": "line"})
    percent = plan.index("percent")
    line.add_series(
        {
            "name": "单位累计支出进度（%）",
            "categories": ["支出计划", 1, 0, rows, 0],
            "values": ["支出计划", 1, percent, rows, percent],
            "marker": {"type": "circle"},
        }
    )
    if "minimum_percent" in plan.keys:
        minimum = plan.index("minimum_percent")
        line.add_series(
            {
                "name": "最低要求（%）",
                "categories": ["支出计划", 1, 0, rows, 0],
                "values": ["支出计划", 1, minimum, rows, minimum],
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
        sheet.merge_range(offset, 0, offset, 1, str(name), styles.wrap)
        _cell(sheet, offset, 2, amount, styles.money)
        sheet.set_row(offset, text_height(str(name), names, FONT_SIZE))
    bar = book.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": f"{budget}（{result.money_unit.value}）",
            "categories": ["支出计划", start + 1, 0, start + len(units), 0],
            "values": ["支出计划", start + 1, 2, start + len(units), 2],
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
    book: Workbook, styles: Styles, result: Consolidation, folder: Path, printing: Printing
) -> None:
    """问题清单: one row per finding; 级别 in red for errors, 位置 a link to the source cell."""
    table = _unwrapped(result.findings_table().mapped("file", printing.file), "where")
    sheet = _table(book, styles, "问题清单", table, printing=printing)
    severity, where = table.index("severity"), table.index("where")
    for row, (entry, finding) in enumerate(result.placed_findings(), start=1):
        if finding.severity is Severity.ERROR:
            sheet.write_string(row, severity, finding.severity.label, styles.bad)
        link = source_link(entry.file, finding, folder)
        if link:
            sheet.write_url(
                row, where, link, styles.link, finding.where, tip="打开源文件中的这个单元格"
            )


def _unwrapped(table: Table, key: str, most: float = 30.0) -> Table:
    """The table with column ``key`` wide enough for its longest text: a link is one line in
    every engine (LibreOffice does not wrap a hyperlink), so it must fit its column."""
    at = table.index(key)
    longest = max((str(v) for v in table.column(key) if v), key=text_em, default="")
    column = table.columns[at]
    width = max(column.width, width_for(longest, FONT_SIZE, most))
    columns = (
        *table.columns[:at],
        dataclasses.replace(column, width=width),
        *table.columns[at + 1 :],
    )
    return Table(columns, table.rows)


def source_link(file: str, finding: Finding, folder: Path) -> str | None:
    """``external:../报送/a.xlsx#'项目1'!F12`` (relative, so the folder can be moved)."""
    if not (finding.sheet and finding.cell and file.lower().endswith((".xlsx", ".xlsm"))):
        return None
    try:
        target = os.path.relpath(Path(file).resolve(), folder.resolve())
    except ValueError:  # another drive on Windows (a USB stick): no relative path exists
        target = str(Path(file).absolute())
    except (OSError, RuntimeError):  # a link loop: nothing to open
        return None
    target = target.replace("%", "%25").replace("#", "%23")  # '#' would start the cell part
    return f"external:{target}#{quote_sheet(finding.sheet)}!{finding.cell}"
