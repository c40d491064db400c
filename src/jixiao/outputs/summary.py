"""Write the unit-level summary workbook of a consolidation (XlsxWriter: fast, flat memory).

Sheets: 汇总概览, 项目汇总, 支出计划 (line and bar charts), 指标明细, 问题清单 (each problem
links to its source cell), 部门整体.  Every text is written as a string (never a formula), the
same inputs give the same content, and the file appears atomically.
"""

from __future__ import annotations

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
from jixiao.consolidate import Consolidation, Kind, Table, Value
from jixiao.findings import Finding, Severity
from jixiao.outputs.report import OUT_OF_RANGE

FIXED_DATE = dt.datetime(2024, 1, 1)
MET_TEXT = {True: "达标", False: "未达标"}


class Styles:
    """The few formats the summary uses."""

    def __init__(self, book: Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.title = book.add_format({**base, "bold": True, "font_size": 16})
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
        self.money = book.add_format({**base, "num_format": "#,##0.00"})
        self.percent = book.add_format({**base, "num_format": "0.0"})
        self.count = book.add_format({**base, "num_format": "0"})
        self.link = book.add_format({**base, "font_color": "#0563C1", "underline": 1})
        self.bad = book.add_format({**base, "font_color": "#C00000", "bold": True})


def write_summary(result: Consolidation, path: Path, unit_name: str = "本单位") -> None:
    """Write the summary workbook atomically to ``path``."""
    atomic_write(
        Path(path), lambda temporary: _write(result, temporary, Path(path).parent, unit_name)
    )


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
    _overview(book, styles, result, unit_name)
    _table(book, styles, "项目汇总", result.projects)
    _plan(book, styles, result)
    _table(book, styles, "指标明细", result.indicators)
    _findings(book, styles, result, folder)
    _table(book, styles, "部门整体", result.department)
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
) -> Worksheet:
    sheet = sheet or book.add_worksheet(name)
    for number, column in enumerate(table.columns):
        sheet.write_string(first_row, number, column.heading, styles.header)
        sheet.set_column(number, number, column.width)
    formats = [_format_for(styles, c.kind) for c in table.columns]
    verdicts = [c.kind is Kind.MET for c in table.columns]
    for offset, values in enumerate(table.rows, start=first_row + 1):
        for number, value in enumerate(values):
            if value is None:  # blank: nothing to write
                continue
            if verdicts[number] and isinstance(value, bool):
                value = MET_TEXT[value]
            _cell(sheet, offset, number, value, formats[number])
    if table.columns:
        sheet.autofilter(first_row, 0, first_row + len(table), len(table.columns) - 1)
    sheet.freeze_panes(first_row + 1, 0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide when printed, as many pages long as needed
    return sheet


def _overview(book: Workbook, styles: Styles, result: Consolidation, unit_name: str) -> None:
    sheet = book.add_worksheet("汇总概览")
    tally = result.tally
    sheet.write_string(0, 0, f"{unit_name}预算绩效目标汇总", styles.title)
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
    for row, (label, value) in enumerate(facts, start=2):
        sheet.write_string(row, 0, label, styles.header)
        if isinstance(value, Decimal) and not math.isfinite(float(value)):
            value = OUT_OF_RANGE  # said, not left blank: no cell holds a number this large
        _cell(sheet, row, 1, value, styles.money if label == "预算数合计" else styles.text)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 24)
    start = len(facts) + 3
    sheet.write_string(start, 0, "各下属单位", styles.title)
    # The file's name is enough here; 项目汇总 keeps the full path.
    units = result.sub_units.mapped("file", lambda f: Path(f).name if isinstance(f, str) else f)
    _table(book, styles, "汇总概览", units, first_row=start + 1, sheet=sheet)


def _plan(book: Workbook, styles: Styles, result: Consolidation) -> None:
    plan = result.plan
    sheet = _table(book, styles, "支出计划", plan)
    rows = len(plan)
    line = book.add_chart({"type": "line"})
    percent, minimum = plan.index("percent"), plan.index("minimum_percent")
    line.add_series(
        {
            "name": "单位累计支出进度（%）",
            "categories": ["支出计划", 1, 0, rows, 0],
            "values": ["支出计划", 1, percent, rows, percent],
            "marker": {"type": "circle"},
        }
    )
    if any(value is not None for value in plan.column("minimum_percent")):
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
    sheet.insert_chart(rows + 3, 0, line, {"x_scale": 1.4, "y_scale": 1.2})
    units = result.sub_units
    budget = units.columns[units.index("budget")].heading
    start = rows + 24
    sheet.write_string(start, 0, f"各下属单位{budget}", styles.header)
    for offset, (name, amount) in enumerate(
        zip(units.column("sub_unit"), units.column("budget"), strict=True), start=start + 1
    ):
        _cell(sheet, offset, 0, name, styles.text)
        _cell(sheet, offset, 1, amount, styles.money)
    bar = book.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": f"{budget}（{result.money_unit.value}）",
            "categories": ["支出计划", start + 1, 0, start + len(units), 0],
            "values": ["支出计划", start + 1, 1, start + len(units), 1],
        }
    )
    bar.set_title({"name": f"各下属单位{budget}"})
    bar.set_legend({"none": True})
    sheet.insert_chart(start, 3, bar, {"x_scale": 1.4, "y_scale": max(1.0, len(units) / 8)})


def _findings(book: Workbook, styles: Styles, result: Consolidation, folder: Path) -> None:
    """问题清单: one row per finding; 级别 in red for errors, 位置 a link to the source cell."""
    table = result.findings_table()
    sheet = _table(book, styles, "问题清单", table)
    severity, where = table.index("severity"), table.index("where")
    for row, (entry, finding) in enumerate(result.placed_findings(), start=1):
        if finding.severity is Severity.ERROR:
            sheet.write_string(row, severity, finding.severity.label, styles.bad)
        link = source_link(entry.file, finding, folder)
        if link:
            sheet.write_url(
                row, where, link, styles.link, finding.where, tip="打开源文件中的这个单元格"
            )


def source_link(file: str, finding: Finding, folder: Path) -> str | None:
    """``external:../报送/a.xlsx#'项目1'!F12`` (relative, so the folder can be moved)."""
    if not (finding.sheet and finding.cell and file.lower().endswith((".xlsx", ".xlsm"))):
        return None
    try:
        target = os.path.relpath(Path(file).resolve(), folder.resolve())
    except ValueError:  # another drive on Windows (a USB stick): no relative path exists
        target = str(Path(file).resolve())
    target = target.replace("%", "%25").replace("#", "%23")  # '#' would start the cell part
    return f"external:{target}#{quote_sheet(finding.sheet)}!{finding.cell}"
