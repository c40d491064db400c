"""The 部门整体支出绩效目标表 sheet of the 申报表 workbook (issue 14, seed 106): every position.

Fujian publishes a department's whole spending as one table (OTHER-FORMATS.md, 106):
部门(单位)名称 / 部门预算编码, 年度预算安排 (资金总额, 项目支出, 基本支出), 年度总体目标, the
年度履职目标 rows (部门职能 | 年度目标任务 | 支出项目名称 | 预算金额) and one indicator table
(一级 | 二级 | 三级 | 指标解释 | 目标值).  The 申报表 workbook (:mod:`template.application`) holds
it as one more sheet, ``部门整体支出``, beside its 申报表N forms, as the Hebei workbook holds its
部门整体绩效目标 beside its project sheets.  This module is its spec, as ``application.py`` is
the forms'; :class:`~jixiao.template.application.ApplicationLayout` carries it, so it is part
of the 申报表 fingerprint.

Decisions:

* one owner per fact: 部门(单位)名称, 部门预算编码, the year and the money unit are formulas on
  单位信息's defined names (``JX_UNIT_NAME``, ``JX_UNIT_CODE``, ``JX_YEAR``, ``JX_MONEY_UNIT``),
  never second inputs: the 年度预算安排 label and the 预算金额 header say the unit the table's
  amounts are in;
* 12 履职目标 rows (106 has three) and 40 indicator rows (as the forms' 30, with room for a
  department's wider table); the indicator grid is an :class:`IndicatorGrid` (its helper
  columns, status cells and level dropdowns are the forms'), 目标值 is one cell holding the whole
  value (``≥60%``), 指标解释 the reference value and its source (``90%(计划标准)``);
* the sheet prints portrait (five columns), the indicator header repeated on later pages; the
  status column, hidden helpers and end marker lie outside the print area.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.a1 import a1
from jixiao.model import Department
from jixiao.template.positions import Widths, cell_range, column_for, row_of
from jixiao.template.print_setup import PrintSetup
from jixiao.template.project_sheet import IndicatorGrid

SHEET_NAME = "部门整体支出"
TITLE = "部门整体支出绩效目标表"

DUTY_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (DutyBlock field, column, header); the amount's header is a formula (the money unit)
    ("title", "B", "部门职能"),
    ("goal", "C", "年度目标任务"),
    ("project", "D", "支出项目名称"),
    ("amount", "E", "预算金额"),
)
DEPARTMENT_INDICATOR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (Indicator field, column, header)
    ("level1", "A", "一级指标"),
    ("level2", "B", "二级指标"),
    ("level3", "C", "三级指标"),
    ("remark", "D", "指标解释"),
    ("value", "E", "目标值"),
)


@dataclass(frozen=True, slots=True)
class DepartmentSpendingSheet(IndicatorGrid):
    """部门整体支出 (columns A–E print, portrait)."""

    name: str = SHEET_NAME
    prefix: str = SHEET_NAME
    last_column: str = "E"
    title: str = "A1"
    year_line: str = "A2"
    unit_name: str = "B3"
    """=JX_UNIT_NAME (a formula: 单位信息 owns the name)."""
    unit_code: str = "E3"
    """=JX_UNIT_CODE."""
    money_label: str = "A4"
    """年度预算安排（万元）: a formula on JX_MONEY_UNIT, over the three amount rows."""
    total: str = "C4"
    project_spending: str = "C5"
    basic_spending: str = "C6"
    overall_goal: str = "B7"
    duty_label: str = "A8"
    duty_header_row: int = 8
    duty_first_row: int = 9
    duty_rows: int = 12
    duty_columns: tuple[tuple[str, str, str], ...] = DUTY_COLUMNS
    header_row: int = 21
    first_row: int = 22
    rows: int = 40
    indicator_columns: tuple[tuple[str, str, str], ...] = DEPARTMENT_INDICATOR_COLUMNS
    status_column: str = "F"
    count_label: str = "F1"
    count: str = "F2"
    helper_column: str = "G"
    """Hidden helpers (never printed): on each indicator row its canonical 一级 in effect and
    二级 (G, H, as on the forms); beside each amount (资金总额…, each 预算金额) that amount as
    read (G)."""
    merges: tuple[str, ...] = (
        "A1:E1",
        "A2:E2",
        "B3:C3",
        "A4:A6",
        "C4:E4",
        "C5:E5",
        "C6:E6",
        "B7:E7",
        "A8:A20",
    )
    labels: tuple[tuple[str, str], ...] = (
        ("A3", "部门(单位)名称"),
        ("D3", "部门预算编码"),
        ("B4", "资金总额"),
        ("B5", "项目支出"),
        ("B6", "基本支出"),
        ("A7", "年度总体目标"),
        ("A8", "年度履职目标"),
        *((f"{c}8", h) for f, c, h in DUTY_COLUMNS if f != "amount"),
        *((f"{c}21", h) for _, c, h in DEPARTMENT_INDICATOR_COLUMNS),
    )
    """Fixed labels: the reader checks them (a moved one means rows or columns were inserted)."""
    widths: Widths = (14, 24, 30, 22, 14, 40)

    # ------------------------------------------------------------ positions

    def column(self, field_name: str) -> str:
        """The column of one indicator field."""
        return column_for(self.indicator_columns, field_name)

    def duty_cell(self, field_name: str, row: int) -> str:
        """The cell of one 年度履职目标 field on one row."""
        return f"{column_for(self.duty_columns, field_name)}{row}"

    @property
    def duty_last_row(self) -> int:
        """The last 年度履职目标 row."""
        return self.duty_first_row + self.duty_rows - 1

    def duty_rows_range(self) -> range:
        """The 年度履职目标 rows."""
        return range(self.duty_first_row, self.duty_last_row + 1)

    @property
    def amount_header(self) -> str:
        """预算金额（万元）: a formula on the money unit."""
        return self.duty_cell("amount", self.duty_header_row)

    @property
    def amount_range(self) -> str:
        """The 预算金额 column of the 履职目标 rows."""
        column = column_for(self.duty_columns, "amount")
        return cell_range(f"{column}{self.duty_first_row}", f"{column}{self.duty_last_row}")

    @property
    def split_cells(self) -> tuple[tuple[str, str, str], ...]:
        """(Department field, cell, label) of 年度预算安排: 资金总额, 项目支出, 基本支出."""
        labels = dict(self.labels)
        return tuple(
            (name, getattr(self, name), labels[a1(row_of(getattr(self, name)), 2)])
            for name in ("total", "project_spending", "basic_spending")
        )

    def amount_helper(self, ref: str) -> str:
        """The hidden cell beside an amount input that holds it as read."""
        return f"{self.helper_column}{row_of(ref)}"

    @property
    def code(self) -> str:
        """The code the sheet shows (部门预算编码, 单位信息's): what the forms' status formulas
        call a sheet's code (this sheet has no code check)."""
        return self.unit_code

    @property
    def money_helpers(self) -> tuple[str, ...]:
        """The helpers of 资金总额, 项目支出 and 基本支出, as read."""
        return tuple(self.amount_helper(ref) for _, ref, _ in self.split_cells)

    @property
    def amount_helpers(self) -> str:
        """The helpers of the 履职目标 amounts (one column)."""
        return cell_range(
            self.amount_helper(self.duty_cell("amount", self.duty_first_row)),
            self.amount_helper(self.duty_cell("amount", self.duty_last_row)),
        )

    @property
    def counted_helpers(self) -> str:
        """Beside those, each row's amount when it counts toward 项目支出 (not a roll-up, not a
        基本支出 row), else blank."""
        first, last = self.duty_first_row, self.duty_last_row
        return cell_range(self.level2_helper(first), self.level2_helper(last))

    @property
    def text_offset(self) -> int:
        """Two reading helper columns (一级 and 二级; an amount and its counted part)."""
        return 2

    @property
    def split_status(self) -> str:
        """Beside 资金总额: 资金总额 = 项目支出 + 基本支出."""
        return self.status(self.total)

    @property
    def duty_status(self) -> str:
        """Beside the 履职目标 header: the rows' project amounts total 项目支出."""
        return self.row_status(self.duty_header_row)

    @property
    def status_range(self) -> str:
        """Every status cell, from the 资金总额 row to the last indicator row."""
        return cell_range(self.status(self.total), self.row_status(self.last_row))

    def row_span(self, row: int) -> str:
        """Every input cell of one indicator row (``A22:E22``)."""
        first, last = self.indicator_columns[0][1], self.indicator_columns[-1][1]
        return cell_range(f"{first}{row}", f"{last}{row}")

    @property
    def end_marker(self) -> str:
        """Just below the grid in the status column (outside the print area)."""
        return f"{self.status_column}{self.last_row + 1}"

    @property
    def freeze(self) -> str:
        """Freeze the title, year and unit lines (the form above the grid is tall)."""
        return a1(row_of(self.money_label), 1)

    @property
    def printing(self) -> PrintSetup:
        """Portrait (five columns), the indicator header repeated on later pages."""
        return PrintSetup(self.print_area, (self.header_row,) * 2, grid=self.grid_rows)

    @property
    def table_range(self) -> str:
        """The boxed form below the title lines."""
        return cell_range(a1(row_of(self.unit_name), 1), f"{self.last_column}{self.last_row}")

    @property
    def text_cells(self) -> tuple[str, ...]:
        """Every text input above the grid: 年度总体目标 and the 履职目标 texts."""
        texts = [self.overall_goal]
        for row in self.duty_rows_range():
            texts += [self.duty_cell(f, row) for f, _, _ in self.duty_columns if f != "amount"]
        return tuple(texts)

    @property
    def input_cells(self) -> tuple[str, ...]:
        """Every cell a clerk may type into."""
        cells = [ref for _, ref, _ in self.split_cells]
        cells += [self.overall_goal]
        for row in self.duty_rows_range():
            cells += [self.duty_cell(f, row) for f, _, _ in self.duty_columns]
        for row in self.indicator_rows():
            cells += [self.row_cell(f, row) for f, _, _ in self.indicator_columns]
        return tuple(cells)

    def used_rows(self, duties: int, indicators: int) -> tuple[range, range]:
        """The 履职目标 and indicator rows a filled sheet shows (at least one of each)."""
        duty = range(self.duty_first_row, self.duty_first_row + max(1, min(duties, self.duty_rows)))
        grid = range(self.first_row, self.first_row + max(1, min(indicators, self.rows)))
        return duty, grid


DEPARTMENT_SPENDING = DepartmentSpendingSheet()


def is_department_spending(department: Department | None) -> bool:
    """The department part is (part of) a 部门整体支出绩效目标表: it states the 年度预算安排, a
    履职目标 row's 支出项目 or 预算金额, or a department-wide indicator table."""
    if department is None:
        return False
    amounts = (department.total, department.project_spending, department.basic_spending)
    blocks = any(b.project or b.amount is not None for b in department.blocks)
    return any(a is not None for a in amounts) or blocks or bool(department.indicators)


__all__ = [
    "DEPARTMENT_INDICATOR_COLUMNS",
    "DEPARTMENT_SPENDING",
    "DUTY_COLUMNS",
    "SHEET_NAME",
    "TITLE",
    "DepartmentSpendingSheet",
    "is_department_spending",
]
