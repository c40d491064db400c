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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from jixiao.a1 import quote_sheet
from jixiao.atomic import atomic_write
from jixiao.consolidate import Consolidation, Entry
from jixiao.findings import Finding, Severity

FIXED_DATE = dt.datetime(2024, 1, 1)
MONEY_COLUMNS = ("预算数", "财政资金", "其他资金", "累计支出金额", "计划内预算数")
FINDING_HEADERS = (
    "序号",
    "级别",
    "规则编码",
    "下属单位",
    "文件",
    "工作表",
    "位置",
    "项目",
    "问题",
    "修改提示",
)


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
    _table(book, styles, "部门整体", result.department, wrap=("内容",))
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


def _cell(sheet: Worksheet, row: int, column: int, value: Any, fmt: Any) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, column, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, column, "是" if value else "否", fmt)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, fmt)
    else:
        sheet.write_string(row, column, str(value), fmt)  # never a formula, whatever it says


def _format_for(styles: Styles, name: str) -> Any:
    if name in MONEY_COLUMNS or name.endswith("金额"):
        return styles.money
    if name.endswith("%"):
        return styles.percent
    return styles.text


def _table(
    book: Workbook,
    styles: Styles,
    name: str,
    frame: pd.DataFrame,
    first_row: int = 0,
    sheet: Worksheet | None = None,
    wrap: Sequence[str] = (),
) -> Worksheet:
    sheet = sheet or book.add_worksheet(name)
    columns = list(frame.columns)
    for column, header in enumerate(columns):
        sheet.write_string(first_row, column, str(header), styles.header)
        width = 12 if header not in ("项目名称", "文件", "内容", "三级指标", "下属单位") else 30
        sheet.set_column(column, column, 60 if header in wrap else width)
    formats = [styles.wrap if h in wrap else _format_for(styles, str(h)) for h in columns]
    rows = frame.astype(object).to_numpy().tolist()  # plain Python values, fast to walk
    for offset, values in enumerate(rows, start=first_row + 1):
        for column, value in enumerate(values):
            if value is None or value != value:  # blank or NaN: nothing to write
                continue
            _cell(sheet, offset, column, value, formats[column])
    if columns:
        sheet.autofilter(first_row, 0, first_row + len(frame), len(columns) - 1)
    sheet.freeze_panes(first_row + 1, 0)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide when printed, as many pages long as needed
    return sheet


def _overview(book: Workbook, styles: Styles, result: Consolidation, unit_name: str) -> None:
    sheet = book.add_worksheet("汇总概览")
    projects = result.projects
    total = float(projects["预算数"].fillna(0).sum()) if not projects.empty else 0.0
    counts = {s: sum(f.severity is s for f in result.findings) for s in Severity}
    sheet.write_string(0, 0, f"{unit_name}预算绩效目标汇总", styles.title)
    facts = [
        ("金额单位", result.money_unit.value),
        ("报送文件", len(result.entries)),
        ("无法读取的文件", sum(e.submission is None for e in result.entries)),
        ("项目数", len(projects)),
        ("预算数合计", total),
        ("错误", counts[Severity.ERROR]),
        ("警告", counts[Severity.WARNING]),
        ("提示", counts[Severity.INFO]),
    ]
    for row, (label, value) in enumerate(facts, start=2):
        sheet.write_string(row, 0, label, styles.header)
        _cell(sheet, row, 1, value, styles.money if label == "预算数合计" else styles.text)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 24)
    start = len(facts) + 3
    sheet.write_string(start, 0, "各下属单位", styles.title)
    units = result.sub_units.copy()
    if not units.empty:  # the file's name is enough here; 项目汇总 keeps the full path
        units["文件"] = [Path(str(f)).name for f in units["文件"]]
    _table(book, styles, "汇总概览", units, first_row=start + 1, sheet=sheet)


def _plan(book: Workbook, styles: Styles, result: Consolidation) -> None:
    sheet = _table(book, styles, "支出计划", result.plan)
    rows = len(result.plan)
    line = book.add_chart({"type": "line"})
    line.add_series(
        {
            "name": "单位累计支出进度（%）",
            "categories": ["支出计划", 1, 0, rows, 0],
            "values": ["支出计划", 1, 3, rows, 3],
            "marker": {"type": "circle"},
        }
    )
    if result.plan["最低要求%"].notna().any():
        line.add_series(
            {
                "name": "最低要求（%）",
                "categories": ["支出计划", 1, 0, rows, 0],
                "values": ["支出计划", 1, 4, rows, 4],
                "line": {"dash_type": "dash"},
            }
        )
    line.set_title({"name": "单位资金支出计划（按预算加权）"})
    line.set_y_axis({"min": 0, "max": 100, "name": "%"})
    sheet.insert_chart(rows + 3, 0, line, {"x_scale": 1.4, "y_scale": 1.2})
    units = result.sub_units
    start = rows + 24
    sheet.write_string(start, 0, "各下属单位预算数", styles.header)
    for offset, (name, budget) in enumerate(
        zip(units["下属单位"], units["预算数"], strict=True), start=start + 1
    ):
        _cell(sheet, offset, 0, name, styles.text)
        _cell(sheet, offset, 1, float(budget), styles.money)
    bar = book.add_chart({"type": "bar"})
    bar.add_series(
        {
            "name": f"预算数（{result.money_unit.value}）",
            "categories": ["支出计划", start + 1, 0, start + len(units), 0],
            "values": ["支出计划", start + 1, 1, start + len(units), 1],
        }
    )
    bar.set_title({"name": "各下属单位预算数"})
    bar.set_legend({"none": True})
    sheet.insert_chart(start, 3, bar, {"x_scale": 1.4, "y_scale": max(1.0, len(units) / 8)})


def _entry_of(result: Consolidation) -> dict[int, Entry]:
    return {id(f): e for e in result.entries for f in e.findings}


def _findings(book: Workbook, styles: Styles, result: Consolidation, folder: Path) -> None:
    sheet = book.add_worksheet("问题清单")
    for column, header in enumerate(FINDING_HEADERS):
        sheet.write_string(0, column, header, styles.header)
    for column, width in enumerate((6, 6, 24, 24, 30, 10, 10, 28, 70, 50)):
        sheet.set_column(column, column, width)
    owners = _entry_of(result)
    for row, finding in enumerate(result.findings, start=1):
        entry = owners[id(finding)]
        values = (
            row,
            finding.severity.label,
            finding.code,
            entry.sub_unit,
            entry.file,
            finding.sheet,
            _where(finding),
            finding.project_name,
            finding.message,
            finding.hint,
        )
        for column, value in enumerate(values):
            fmt = styles.bad if column == 1 and finding.severity is Severity.ERROR else styles.text
            _cell(sheet, row, column, value, fmt)
        link = source_link(entry.file, finding, folder)
        if link:
            sheet.write_url(
                row, 6, link, styles.link, _where(finding) or "打开", tip="打开源文件中的这个单元格"
            )
    sheet.autofilter(0, 0, len(result.findings), len(FINDING_HEADERS) - 1)
    sheet.freeze_panes(1, 0)


def _where(finding: Finding) -> str | None:
    if finding.cell:
        return finding.cell
    if finding.line is not None:
        return f"第{finding.line}行"
    return finding.path


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
