"""The project sheet of the 绩效目标表 (``项目N``): :class:`ProjectSheet`, one
项目支出绩效目标表 in the official layout, and :class:`IndicatorGrid`, what a project sheet of
either layout (this one, the 申报表's ``ApplicationSheet``) works out from its positions: the
indicator grid, its status cells and its hidden helper columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.a1 import a1, column_number
from jixiao.model import CHECKPOINTS
from jixiao.template.positions import Widths, cell_range, column_of, column_range, row_of, shifted
from jixiao.template.print_setup import PrintSetup

INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level1", "A"),
    ("level2", "B"),
    ("level3", "C"),
    ("description", "D"),
    ("value", "F"),
    ("basis", "G"),
)


_INDICATOR_COLUMN = dict(INDICATOR_COLUMNS)


TEXT_COLUMNS = 3
"""Hidden plain-text columns beside a grid's reading helpers (:meth:`IndicatorGrid.text_helper`)."""


class IndicatorGrid:
    """What a project sheet of either layout works out from its spec: the 绩效目标表
    (:class:`ProjectSheet`) and the 申报表 (``template.application.ApplicationSheet``) are both
    a form above an indicator grid, with status cells and hidden helper columns beside it.  The
    subclasses are the frozen dataclasses that hold the positions; this holds no state."""

    __slots__ = ()
    prefix: str
    title: str
    last_column: str
    first_row: int
    rows: int
    merges: tuple[str, ...]
    status_column: str
    helper_column: str
    budget: str
    fiscal: str
    other: str

    def column(self, field_name: str) -> str:
        """The column of one indicator field."""
        raise NotImplementedError

    @property
    def last_row(self) -> int:
        """The last indicator row."""
        return self.first_row + self.rows - 1

    @property
    def print_area(self) -> str:
        """What prints as the official form."""
        return cell_range(self.title, f"{self.last_column}{self.last_row}")

    @property
    def grid_rows(self) -> tuple[int, int]:
        """First and last indicator row (what :attr:`PrintSetup.grid` holds)."""
        return (self.first_row, self.last_row)

    @property
    def grid_range(self) -> str:
        """The indicator grid (highlighted row by row when the row's status shows a problem)."""
        return cell_range(a1(self.first_row, 1), f"{self.last_column}{self.last_row}")

    @property
    def freeze(self) -> str:
        """Freeze panes above the indicator grid."""
        return a1(self.first_row, 1)

    def sheet_name(self, number: int) -> str:
        """``项目1``, ``申报表2``…"""
        return f"{self.prefix}{number}"

    def row_cell(self, field_name: str, row: int) -> str:
        """The cell of one indicator field on one row."""
        return f"{self.column(field_name)}{row}"

    def indicator_range(self, field_name: str) -> str:
        """One indicator field's column over the whole grid (``A11:A35``)."""
        return column_range(self.column(field_name), self.first_row, self.last_row)

    def indicator_rows(self) -> range:
        """Worksheet rows of the indicator grid."""
        return range(self.first_row, self.last_row + 1)

    def merged(self, anchor: str) -> str:
        """The merged range a cell anchors (``B4`` → ``B4:C4``), or the cell itself."""
        return next((m for m in self.merges if m.split(":")[0] == anchor), anchor)

    def status(self, anchor: str) -> str:
        """The status cell (outside the print area) beside a field or row."""
        return f"{self.status_column}{row_of(anchor)}"

    def row_status(self, row: int) -> str:
        """The status cell of one worksheet row."""
        return f"{self.status_column}{row}"

    def helper(self, row: int) -> str:
        """The hidden helper cell of an indicator row (its canonical 一级 in effect)."""
        return f"{self.helper_column}{row}"

    def level2_helper(self, row: int) -> str:
        """The hidden helper cell beside :meth:`helper`: the row's canonical 二级."""
        return f"{shifted(self.helper_column, 1)}{row}"

    @property
    def text_offset(self) -> int:
        """How many reading helper columns there are: each reading helper's plain-text cell
        (:meth:`text_helper`) lies this many columns right of it."""
        raise NotImplementedError

    @property
    def helper_columns(self) -> tuple[str, ...]:
        """Every hidden helper column: the readings, then :data:`TEXT_COLUMNS` of plain texts
        (on an indicator row 一级, 二级 and 指标值; on a money row its amounts)."""
        width = self.text_offset + TEXT_COLUMNS
        return tuple(shifted(self.helper_column, i) for i in range(width))

    def value_text(self, row: int) -> str:
        """The hidden cell holding an indicator row's 指标值 as the symbol check reads it
        (without spaces; the 申报表 joins it from 指标性质, 指标值 and 度量单位)."""
        return f"{shifted(self.helper_column, self.text_offset + 2)}{row}"

    def text_helper(self, helper: str) -> str:
        """The hidden cell holding the text a reading helper reads, made plain once (spaces
        removed; for amounts also full-width digits made ASCII and thousands separators
        dropped): on the helper's row, :attr:`text_offset` columns right.

        Why (issue #15): without LET a formula cannot name a sub-expression, so each helper
        spelled its cleaned text out every time it used it — ten times in an amount's reading
        (5.9 KB of XML a cell), eight in a 一级/二级 lookup.  A template's own formulas were 3.4
        of a filled 30-project workbook's 4.1 MB of sheet XML, which every reader parses (the
        package guard, python-calamine, Excel and WPS when opening it)."""
        return f"{shifted(column_of(helper), self.text_offset)}{row_of(helper)}"

    @property
    def money_cells(self) -> tuple[str, str, str]:
        """预算数, 财政资金, 其他资金 (年度资金总额, 财政拨款, 其他资金): what budget-sum-mismatch
        compares."""
        return (self.budget, self.fiscal, self.other)

    @property
    def blank_split_is_zero(self) -> bool:
        """Whether 财政资金 and 其他资金 both left blank count as 0 (the 绩效目标表's contract:
        its 预算数 is then compared with 0) rather than as no split stated (the 申报表:
        ``rules.money.split_stated``).  A property, not a field: the layout's fingerprint
        holds positions and labels only."""
        return True


@dataclass(frozen=True, slots=True)
class ProjectSheet(IndicatorGrid):
    """One 项目支出绩效目标表, in the official layout (columns A–G are printed)."""

    prefix: str = "项目"
    last_column: str = "G"
    title: str = "A1"
    unit_line: str = "A2"
    money_line: str = "A3"
    code: str = "B4"
    name: str = "E4"
    budget: str = "C5"
    fiscal: str = "E5"
    other: str = "G5"
    purpose: str = "B6"
    plan: tuple[str, ...] = ("B8", "D8", "F8", "G8")
    goal: str = "B9"
    header_row: int = 10
    first_row: int = 11
    rows: int = 25
    indicator_columns: tuple[tuple[str, str], ...] = INDICATOR_COLUMNS
    department_label: str = "H1"
    department: str = "H2"
    status_column: str = "I"
    count_label: str = "I1"
    count: str = "I2"
    helper_column: str = "J"
    """Hidden helpers, never printed: on each indicator row the canonical 一级 in effect (a
    blank 一级 continues the row above, an alias counts as its canonical name) and the
    canonical 二级; beside the
    money and plan cells, what those cells are read as (text such as ``25%`` or ``1111元``
    becomes its number, as the engine reads it)."""
    merges: tuple[str, ...] = (
        "A1:G1",
        "A2:G2",
        "A3:G3",
        "B4:C4",
        "E4:G4",
        "A5:A6",
        "B6:G6",
        "A7:A8",
        "B7:C7",
        "D7:E7",
        "B8:C8",
        "D8:E8",
        "B9:G9",
        "D10:E10",
    )
    labels: tuple[tuple[str, str], ...] = (
        ("A4", "项目编码"),
        ("D4", "项目名称"),
        ("A5", "预算规模及资金用途"),
        ("B5", "预算数"),
        ("D5", "其中：财政资金"),
        ("F5", "其他资金"),
        ("A7", "资金支出计划（%）"),
        ("B7", CHECKPOINTS[0]),
        ("D7", CHECKPOINTS[1]),
        ("F7", CHECKPOINTS[2]),
        ("G7", CHECKPOINTS[3]),
        ("A9", "绩效目标"),
        ("A10", "一级指标"),
        ("B10", "二级指标"),
        ("C10", "三级指标"),
        ("D10", "绩效指标描述"),
        ("F10", "指标值"),
        ("G10", "指标值确定依据"),
        ("H1", "填报部门"),
    )
    widths: Widths = (12, 13, 18, 12, 12, 14, 14, 14, 60)

    @property
    def end_marker(self) -> str:
        """Cell of the end marker, just below the grid in the department column."""
        return f"{column_of(self.department)}{self.last_row + 1}"

    @property
    def printing(self) -> PrintSetup:
        """Portrait, the indicator header repeated when the indicators run onto a new page."""
        return PrintSetup(self.print_area, (self.header_row,) * 2, grid=self.grid_rows)

    @property
    def table_range(self) -> str:
        """The boxed table below the title lines: from the 项目编码 row to the last indicator."""
        return cell_range(a1(row_of(self.code), 1), f"{self.last_column}{self.last_row}")

    def column(self, field_name: str) -> str:
        """The column of one indicator field."""
        return _INDICATOR_COLUMN[field_name]

    def description_merge(self, row: int) -> str:
        """绩效指标描述 spans the columns up to 指标值 (``D11:E11``)."""
        last = column_number(_INDICATOR_COLUMN["value"]) - 1
        return cell_range(self.row_cell("description", row), a1(row, last))

    @property
    def status_range(self) -> str:
        """Every status cell, from the 项目编码 row to the last indicator row."""
        return cell_range(self.status(self.code), self.row_status(self.last_row))

    @property
    def money_helpers(self) -> tuple[str, ...]:
        """Hidden cells beside the money row: each money cell read as an amount in the table's
        unit (blank when it is none), in the order of :attr:`money_cells`."""
        return self._helpers(row_of(self.budget), len(self.money_cells))

    @property
    def plan_helpers(self) -> tuple[str, ...]:
        """Hidden cells beside the plan row: each checkpoint read as a fraction (blank when it
        is none), in the order of :attr:`plan`."""
        return self._helpers(row_of(self.plan[0]), len(self.plan))

    @property
    def text_offset(self) -> int:
        """Four reading helper columns (the plan's four checkpoints are the widest row)."""
        return max(len(self.money_cells), len(self.plan))

    def _helpers(self, row: int, count: int) -> tuple[str, ...]:
        return tuple(f"{shifted(self.helper_column, i)}{row}" for i in range(count))
