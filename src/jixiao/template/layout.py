"""The template layout: the single source of truth for every sheet, cell, range and name.

The template builder, the workbook reader, the native status formulas, the ribbon handlers
(校验结果, 新建项目表) and the live Excel book all take positions and defined names from here;
nothing else hard-codes a cell address (tests/test_layout_positions.py looks for strays).
Changing anything in :class:`Layout` changes :func:`fingerprint`, so workbooks made from an
older layout are recognised as such instead of being misread; an older layout whose filled
workbooks read the same stays in :data:`COMPATIBLE_FINGERPRINTS`.

Decision: this spec stays one module although it is long.  It is declarative, read top to
bottom one sheet after another, and "one owner per position" is this file (with the 申报表's
two specs), which tests/test_layout_positions.py enforces by path; the sheets hold nearly every
position literal, so a split by sheet family would spread the owner over several modules,
and the parts that hold none (the range helpers, :class:`PrintSetup`, :class:`IndicatorGrid`,
about a fifth) would leave a spec still far past 400 lines behind one more import hop.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from jixiao.a1 import a1, absolute, column_letter, column_number, parse_a1
from jixiao.findings import FINDING_COLUMNS
from jixiao.model import CHECKPOINTS, OVERALL_COLUMNS
from jixiao.template.names import DEFAULT_PROJECTS, MAX_PROJECTS

TEMPLATE_ID = "jixiao-ysjx"
TEMPLATE_VERSION = 1
PASSWORD = "jixiao"
"""Sheet and structure protection password. Protection prevents accidents; it is not security."""

END_MARKER = "▲表尾"
"""Written below each input grid (outside the print area): a moved marker means inserted rows."""

Widths = tuple[float, ...]
"""Column widths of a sheet, from column A on."""


def column_range(column: str, first: int, last: int) -> str:
    """``F11:F35``."""
    return f"{column}{first}:{column}{last}"


def cell_range(first: str, last: str) -> str:
    """``A1:G35`` from two cells."""
    return f"{first}:{last}"


def column_of(ref: str) -> str:
    """The column letters of a cell: ``D18`` → ``D``."""
    return column_letter(parse_a1(ref)[1])


def row_of(ref: str) -> int:
    """The row number of a cell: ``D18`` → 18."""
    return parse_a1(ref)[0]


def shifted(column: str, offset: int) -> str:
    """The column ``offset`` columns to the right: (``J``, 2) → ``L``."""
    return column_letter(column_number(column) + offset)


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


@dataclass(frozen=True, slots=True)
class UnitSheet:
    """单位信息 / 填报说明: the unit's identity and the template's instructions."""

    name: str = "单位信息"
    title: str = "A1"
    instructions_first_row: int = 3
    labels_column: str = "A"
    inputs_column: str = "B"
    first_field_row: int = 14
    fields: tuple[tuple[str, str, str], ...] = (
        # (model field, label, defined name)
        ("code", "单位编码", "JX_UNIT_CODE"),
        ("name", "单位名称", "JX_UNIT_NAME"),
        ("year", "预算年度", "JX_YEAR"),
        ("money_unit", "金额单位", "JX_MONEY_UNIT"),
        ("profile", "规则配置", "JX_PROFILE"),
    )
    profile_key_cell: str = "D18"
    """Hidden helper: the profile name with ``-`` replaced by ``_`` (names cannot hold ``-``)."""
    profile_key_name: str = "JX_PROFILE_KEY"
    widths: Widths = (16, 48, 4)

    def cell(self, field_name: str) -> str:
        """The input cell of a unit field (``code``, ``name``, ``year``, ``money_unit``…)."""
        for offset, (name, _, _) in enumerate(self.fields):
            if name == field_name:
                return f"{self.inputs_column}{self.first_field_row + offset}"
        raise KeyError(field_name)

    def label_cell(self, field_name: str) -> str:
        """Where the label of a unit field stands."""
        return self.labels_column + self.cell(field_name)[len(self.inputs_column) :]

    def defined_name(self, field_name: str) -> str:
        """The workbook name of a unit field's input cell (``year`` → ``JX_YEAR``)."""
        for name, _, defined in self.fields:
            if name == field_name:
                return defined
        raise KeyError(field_name)

    def instruction_cell(self, line: int) -> str:
        """Where line ``line`` (0 = the heading) of the 填报说明 stands."""
        return f"{self.labels_column}{self.instructions_first_row + line}"

    def instruction_merge(self, line: int) -> str:
        """A line of the 填报说明 spans the label and input columns (it wraps there)."""
        ref = self.instruction_cell(line)
        return cell_range(ref, f"{self.inputs_column}{row_of(ref)}")

    @property
    def printing(self) -> PrintSetup:
        """The sheet is for the screen: its print area is the empty row above the unit fields,
        so printing the workbook starts with the tables (each repeats the unit line) and no
        engine prints a page for it."""
        blank = f"{self.labels_column}{self.first_field_row - 1}"
        empty = row_of(blank)  # not even a repeated title row gives an engine a page to print
        return PrintSetup(cell_range(blank, blank), (empty, empty))

    @property
    def shown_rows(self) -> range:
        """The rows of the title, the 填报说明 and the unit fields."""
        return range(row_of(self.title), self.first_field_row + len(self.fields))


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


@dataclass(frozen=True, slots=True)
class DepartmentSheet:
    """部门整体绩效目标: 总体绩效目标, 分项绩效目标 (one row per indicator), 工作保障措施."""

    name: str = "部门整体绩效目标"
    title: str = "A1"
    overall_label: str = "A2"
    overall_goal: str = "A3"
    blocks_label: str = "A5"
    blocks_header_row: int = 6
    blocks_first_row: int = 7
    blocks_rows: int = 60
    block_columns: tuple[tuple[str, str, str], ...] = (
        # (field, column, header)
        ("title", "A", "分项名称（职责）"),
        ("goal", "B", "绩效目标"),
        ("plan_0", "C", "3月底"),
        ("plan_1", "D", "6月底"),
        ("plan_2", "E", "10月底"),
        ("plan_3", "F", "12月底"),
        ("level1", "G", "一级指标"),
        ("level2", "H", "二级指标"),
        ("level3", "I", "三级指标"),
        ("description", "J", "指标说明"),
        ("value", "K", "指标值"),
    )
    measures_gap: int = 2
    measures_rows: int = 15
    measure_columns: tuple[tuple[str, str, str], ...] = (
        ("group", "A", "类别"),
        ("title", "B", "保障措施"),
        ("text", "C", "具体内容"),
    )
    widths: Widths = (16, 36, 8, 8, 8, 8, 12, 16, 28, 24, 14)

    @property
    def last_column(self) -> str:
        """The rightmost column of the grids."""
        return self.block_columns[-1][1]

    @property
    def blocks_last_row(self) -> int:
        """Last row of the 分项绩效目标 grid."""
        return self.blocks_first_row + self.blocks_rows - 1

    @property
    def measures_label_row(self) -> int:
        """Row of the 三、工作保障措施 heading."""
        return self.blocks_last_row + self.measures_gap

    @property
    def measures_label(self) -> str:
        """The 三、工作保障措施 heading, in the column of the other headings."""
        return f"{column_of(self.blocks_label)}{self.measures_label_row}"

    @property
    def measures_header_row(self) -> int:
        """Header row of the measures grid."""
        return self.measures_label_row + 1

    @property
    def measures_first_row(self) -> int:
        """First row of the measures grid."""
        return self.measures_header_row + 1

    @property
    def measures_last_row(self) -> int:
        """Last row of the measures grid."""
        return self.measures_first_row + self.measures_rows - 1

    @property
    def end_marker(self) -> str:
        """Below the measures grid, right of it."""
        return f"{shifted(self.last_column, 1)}{self.measures_last_row + 1}"

    @property
    def printing(self) -> PrintSetup:
        """Landscape (eleven columns), the 分项绩效目标 header repeated on later pages."""
        area = cell_range(self.title, f"{self.last_column}{self.measures_last_row}")
        grid = (self.measures_first_row, self.measures_last_row)
        return PrintSetup(area, (self.blocks_header_row,) * 2, landscape=True, grid=grid)

    @property
    def overall_goal_merge(self) -> str:
        """The 总体绩效目标 input spans the width of the grids."""
        return cell_range(self.overall_goal, f"{self.last_column}{row_of(self.overall_goal)}")

    def block_cell(self, field_name: str, row: int) -> str:
        """The cell of one 分项绩效目标 field on one row."""
        return _column(self.block_columns, field_name) + str(row)

    def measure_cell(self, field_name: str, row: int) -> str:
        """The cell of one 工作保障措施 field on one row."""
        return _column(self.measure_columns, field_name) + str(row)

    def measure_text_merge(self, row: int) -> str:
        """具体内容 spans the rest of the width (header and every measure row)."""
        return cell_range(self.measure_cell("text", row), f"{self.last_column}{row}")

    @property
    def plan_range(self) -> str:
        """The 支出进度 cells of every block row."""
        last_plan = f"plan_{len(CHECKPOINTS) - 1}"
        return cell_range(
            self.block_cell("plan_0", self.blocks_first_row),
            self.block_cell(last_plan, self.blocks_last_row),
        )

    @property
    def measure_groups(self) -> str:
        """The 类别 column of the measures grid."""
        group = _column(self.measure_columns, "group")
        return column_range(group, self.measures_first_row, self.measures_last_row)

    @property
    def freeze(self) -> str:
        """Freeze panes above the 分项绩效目标 grid."""
        return a1(self.blocks_first_row, 1)


def _column(columns: tuple[tuple[str, str, str], ...], field_name: str) -> str:
    for name, column, _ in columns:
        if name == field_name:
            return column
    raise KeyError(field_name)


@dataclass(frozen=True, slots=True)
class OverallSheet:
    """整体绩效目标表: the 18-column layout of seed 002 (one row per indicator)."""

    name: str = "整体绩效目标表"
    title: str = "A1"
    header_rows: tuple[int, int] = (2, 5)
    first_row: int = 6
    rows: int = 80
    status_column: str = "T"
    frozen_columns: int = 4
    """职责序号 to 指标名称 stay in view when scrolling right."""
    header: tuple[tuple[str, str], ...] = (
        # (range, text): the merged three-level header of seed 002
        ("A2:A5", "职责序号"),
        ("B2:B5", "部门职责"),
        ("C2:C5", "职责目标"),
        ("D2:F2", "指标"),
        ("D3:D5", "指标名称"),
        ("E3:E5", "符号"),
        ("F3:F5", "单位"),
        ("G2:G5", "指标解释"),
        ("H2:H5", "年度指标值"),
        ("I2:N2", "指标参考值"),
        ("I3:K3", "标准值(规划目标、行业标准或其他明确标准)"),
        ("L3:N3", "历史值(统计年鉴/统计公报/内部统计/其他需明确的来源)"),
        ("I4:I5", "规划值"),
        ("J4:K4", "当年标准值"),
        ("J5:J5", "标准值"),
        ("K5:K5", "来源"),
        ("L4:L5", "前三年均值"),
        ("M4:M5", "上年值"),
        ("N4:N5", "来源"),
        ("O2:O5", "备注(标准值和历史值均无的原因/其他需要说明的问题)"),
        ("P2:P5", "工作活动"),
        ("Q2:Q5", "预算项目"),
        ("R2:R5", "对应科室"),
    )
    widths: Widths = (6, 14, 24, 28, 6, 8, 18, 10, 10, 10, 12, 10, 10, 14, 18, 20, 20, 12)

    @property
    def columns(self) -> tuple[tuple[str, str, str], ...]:
        """(model field, column letter, header) for the 18 leaf columns."""
        return tuple(
            (name, column_letter(i + 1), header) for i, (name, header) in enumerate(OVERALL_COLUMNS)
        )

    @property
    def last_column(self) -> str:
        """The rightmost leaf column."""
        return column_letter(len(OVERALL_COLUMNS))

    @property
    def title_range(self) -> str:
        """The title spans every column."""
        return cell_range(self.title, f"{self.last_column}{row_of(self.title)}")

    @property
    def header_range(self) -> str:
        """The whole three-level header."""
        top, bottom = self.header_rows
        return cell_range(a1(top, 1), f"{self.last_column}{bottom}")

    def column_range(self, field_name: str) -> str:
        """One column of the data rows (``E6:E85`` for ``symbol``)."""
        column = next(c for name, c, _ in self.columns if name == field_name)
        return column_range(column, self.first_row, self.last_row)

    @property
    def freeze(self) -> str:
        """Freeze panes below the header and right of the frozen columns."""
        return a1(self.first_row, self.frozen_columns + 1)

    @property
    def last_row(self) -> int:
        """Last data row."""
        return self.first_row + self.rows - 1

    @property
    def printing(self) -> PrintSetup:
        """Landscape, the three-level header repeated on every page."""
        area = cell_range(self.title, f"{self.last_column}{self.last_row}")
        grid = (self.first_row, self.last_row)
        return PrintSetup(area, self.header_rows, landscape=True, grid=grid)

    @property
    def end_marker(self) -> str:
        """Below the grid, beside the status column."""
        return f"{self.status_column}{self.last_row + 1}"


@dataclass(frozen=True, slots=True)
class SummarySheet:
    """总览: every project sheet with its name, budget and live problem count."""

    name: str = "总览"
    title: str = "A1"
    note: str = "A2"
    total_row: int = 3
    header_row: int = 4
    first_row: int = 5
    columns: tuple[tuple[str, str, str], ...] = (
        # (key, column, header)
        ("number", "A", "序号"),
        ("sheet", "B", "工作表"),
        ("department", "C", "填报部门"),
        ("project", "D", "项目名称"),
        ("budget", "E", "预算数"),
        ("problems", "F", "问题数"),
    )
    totals: tuple[str, ...] = ("budget", "problems")
    """The columns summed in the 合计 row (over room for every project 新建项目表 may add)."""
    widths: Widths = (6, 10, 16, 40, 16, 8)

    def column(self, key: str) -> str:
        """The column letter of a summary column."""
        return _column(self.columns, key)

    def row(self, number: int) -> int:
        """The row listing project sheet ``number``."""
        return self.first_row + number - 1

    def cell(self, key: str, number: int) -> str:
        """One cell of project sheet ``number``'s row."""
        return f"{self.column(key)}{self.row(number)}"

    def header_cell(self, key: str) -> str:
        """The header of a summary column."""
        return f"{self.column(key)}{self.header_row}"

    def total_cell(self, key: str) -> str:
        """The 合计 cell of a column (the 合计 label stands in the first column)."""
        return f"{self.column(key)}{self.total_row}"

    def total_range(self, key: str) -> str:
        """What a column's total sums: every row a project can have."""
        return column_range(self.column(key), self.first_row, self.row(MAX_PROJECTS + 1))

    def box(self, projects: int) -> str:
        """The boxed area: the 合计 row to the last project row."""
        first, last = self.columns[0][0], self.columns[-1][0]
        return cell_range(self.total_cell(first), self.cell(last, projects))

    def printing(self, projects: int) -> PrintSetup:
        """The list of ``projects`` project sheets, its header repeated on later pages."""
        last = self.columns[-1][1]
        bottom = self.row(projects) if projects > 0 else self.header_row
        area = cell_range(self.title, f"{last}{bottom}")
        return PrintSetup(area, (self.header_row, self.header_row))

    @property
    def freeze(self) -> str:
        """Freeze panes above the project rows."""
        return a1(self.first_row, 1)


@dataclass(frozen=True, slots=True)
class ListsSheet:
    """Hidden lists for the dropdowns and the formulas (named ranges; 二级 cascades from 一级
    via INDIRECT), and the per-profile settings table with the current profile's row."""

    name: str = "列表"
    header_row: int = 1
    money_units_column: str = "A"
    money_units_header: str = "金额单位"
    money_units: tuple[str, ...] = ("万元", "元")
    money_units_name: str = "JX_MONEY_UNITS"
    profiles_column: str = "B"
    profiles_header: str = "规则配置"
    profiles_name: str = "JX_PROFILES"
    current_label_column: str = "C"
    current_label: str = "当前"
    table_column: str = "D"
    """The settings table: one row per profile (its name, then one column per setting)."""
    table_header: str = "配置"
    settings: tuple[tuple[str, str, str], ...] = (
        # (key, defined name of the current profile's value, header)
        ("requires_project_code", "JX_REQ_CODE", "需项目编码"),
        ("requires_spending_plan", "JX_REQ_PLAN", "需支出计划"),
        ("requires_basis", "JX_REQ_BASIS", "需依据"),
        *((f"min_plan_{i}", f"JX_MIN_PLAN_{i}", f"最低{c}") for i, c in enumerate(CHECKPOINTS, 1)),
    )
    level1_prefix: str = "L1_"
    level2_prefix: str = "L2_"
    aliases_prefix: str = "LA_"
    variants_prefix: str = "LV_"

    @property
    def first_row(self) -> int:
        """The first row below the headers."""
        return self.header_row + 1

    def header_cell(self, column: str) -> str:
        """The header of a list column."""
        return f"{column}{self.header_row}"

    def list_range(self, column: str, count: int, width: int = 1) -> str:
        """``$A$2:$A$3``: ``count`` entries below a header (at least one row, so that a list
        with no entries still names a range), ``width`` columns wide."""
        last = f"{shifted(column, width - 1)}{self.first_row + max(count, 1) - 1}"
        return cell_range(absolute(f"{column}{self.first_row}"), absolute(last))

    def setting(self, key: str) -> str:
        """The defined name holding the current profile's value of a setting."""
        return _column(self.settings, key)

    @property
    def min_plan_names(self) -> tuple[str, ...]:
        """The defined names of the minimum plan per checkpoint, in checkpoint order."""
        return tuple(self.setting(f"min_plan_{i}") for i in range(1, len(CHECKPOINTS) + 1))

    def setting_column(self, key: str) -> str:
        """The settings table's column of a setting."""
        index = [k for k, _, _ in self.settings].index(key)
        return shifted(self.table_column, index + 1)

    def setting_index(self, key: str) -> int:
        """A setting's column in :meth:`table_range` as VLOOKUP counts (the name is 1)."""
        return column_number(self.setting_column(key)) - column_number(self.table_column) + 1

    def table_range(self, profiles: int) -> str:
        """The settings table for VLOOKUP (profile name first)."""
        return self.list_range(self.table_column, profiles, width=len(self.settings) + 1)

    def current_row(self, profiles: int) -> int:
        """The row holding the current profile's settings, one blank row below the table."""
        return self.first_row + profiles + 1

    @property
    def levels_first_column(self) -> str:
        """Where the profiles' level and alias lists start, right of the settings table."""
        return shifted(self.table_column, len(self.settings) + 1)

    def level1_name(self, profile_key: str) -> str:
        """Defined name of a profile's 一级 list."""
        return f"{self.level1_prefix}{profile_key}"

    def level2_name(self, profile_key: str, level1: str) -> str:
        """Defined name of the 二级 list under one 一级 (Chinese names are valid names)."""
        return f"{self.level2_prefix}{profile_key}_{level1}"

    def aliases_name(self, profile_key: str) -> str:
        """Defined name of a profile's alias table (alias, canonical name)."""
        return f"{self.aliases_prefix}{profile_key}"

    def variants_name(self, profile_key: str) -> str:
        """Defined name of a profile's 二级 variant table (一级, a word that makes any 二级
        under it containing the word a variant of a listed one)."""
        return f"{self.variants_prefix}{profile_key}"


@dataclass(frozen=True, slots=True)
class MetaSheet:
    """Hidden sheet telling the reader which template and layout made the workbook."""

    name: str = "_meta"
    key_column: str = "A"
    value_column: str = "B"
    first_row: int = 1
    keys: tuple[str, ...] = (
        "template_id",
        "version",
        "profile",
        "fingerprint",
        "projects",
        "generator",
    )

    def rows(self) -> range:
        """The rows holding one key and its value each."""
        return range(self.first_row, self.first_row + len(self.keys))

    def key_cell(self, row: int) -> str:
        """Where the key of a row stands."""
        return f"{self.key_column}{row}"

    def value_cell(self, row: int) -> str:
        """Where the value of a row stands."""
        return f"{self.value_column}{row}"


@dataclass(frozen=True, slots=True)
class Layout:
    """Every sheet of the template workbook."""

    unit: UnitSheet = field(default_factory=UnitSheet)
    summary: SummarySheet = field(default_factory=SummarySheet)
    department: DepartmentSheet = field(default_factory=DepartmentSheet)
    overall: OverallSheet = field(default_factory=OverallSheet)
    project: ProjectSheet = field(default_factory=ProjectSheet)
    lists: ListsSheet = field(default_factory=ListsSheet)
    meta: MetaSheet = field(default_factory=MetaSheet)


LAYOUT = Layout()

_FINDING_HEADING = dict(FINDING_COLUMNS)


@dataclass(frozen=True, slots=True)
class ResultSheet:
    """校验结果: what 一键校验 writes into the clerk's workbook: a title line, the header, then
    one row per finding, its 单元格 linked to the cell, which is marked.

    Not a sheet of the template, hence not in :class:`Layout` nor in the fingerprint:
    rearranging it never makes a filled workbook unreadable.  The finding columns take their
    headings from :data:`jixiao.findings.FINDING_COLUMNS`; 工作表 and 单元格 are what the marks
    are found by (清除标记 reads them back)."""

    name: str = "校验结果"
    title: str = "A1"
    summary: str = "C1"
    header_row: int = 2
    first_row: int = 3
    columns: tuple[tuple[str, str, float], ...] = (
        # (key, header, width): keys of FINDING_COLUMNS, plus number, sheet and cell
        ("number", "序号", 6.0),
        ("severity", _FINDING_HEADING["severity"], 6.0),
        ("code", _FINDING_HEADING["code"], 24.0),
        ("sheet", "工作表", 14.0),
        ("cell", "单元格", 8.0),
        ("project", _FINDING_HEADING["project"], 28.0),
        ("message", _FINDING_HEADING["message"], 70.0),
        ("hint", _FINDING_HEADING["hint"], 50.0),
    )

    @property
    def keys(self) -> tuple[str, ...]:
        """The column keys, in order."""
        return tuple(key for key, _, _ in self.columns)

    @property
    def headers(self) -> list[str]:
        """The header row."""
        return [header for _, header, _ in self.columns]

    @property
    def widths(self) -> list[float]:
        """Column widths, from column A."""
        return [width for _, _, width in self.columns]

    def index(self, key: str) -> int:
        """The 0-based position of a column in a row of values."""
        return self.keys.index(key)

    def printing(self, findings: int) -> PrintSetup:
        """Landscape (the message and hint columns are wide), the header repeated."""
        last = a1(self.first_row + max(findings, 1) - 1, len(self.columns))
        return PrintSetup(cell_range(self.title, last), (self.header_row,) * 2, landscape=True)

    def cell(self, key: str, row: int) -> str:
        """One cell of the sheet."""
        return a1(row, self.index(key) + 1)

    def top_line(self, title: str, summary: str) -> list[object]:
        """The first row's values, from column A: the title and the summary in their cells."""
        line: list[object] = [None] * parse_a1(self.summary)[1]
        line[parse_a1(self.title)[1] - 1] = title
        line[parse_a1(self.summary)[1] - 1] = summary
        return line


RESULT = ResultSheet()

COMPATIBLE_FINGERPRINTS: tuple[str, ...] = (
    "d4e096c5f35cb18e",  # before issue 9 put titles, widths, helpers and list names here
    "c9a3b9cdbaec0b91",  # before the 二级 variant lists (LV_) were added
)
"""Fingerprints of older layouts whose workbooks read exactly as today's: between them only
things the reader never reads changed (widths, titles, hidden helpers and lists); every input,
label and marker stayed put.  Workbooks already handed out and filled keep being read; a
layout that moves an input cell must not be added here (bump :data:`TEMPLATE_VERSION`)."""


def profile_key(profile_name: str) -> str:
    """``central-2021`` → ``central_2021`` (usable inside a defined name)."""
    return profile_name.replace("-", "_").replace(".", "_")


def fingerprint(layout: Layout = LAYOUT) -> str:
    """A short hash of every position and label: differs whenever the layout changes."""
    text = json.dumps(asdict(layout), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{TEMPLATE_ID}/{TEMPLATE_VERSION}/{text}".encode()).hexdigest()[:16]


def readable_fingerprint(value: object) -> bool:
    """True for the fingerprint of this layout or of a compatible older one."""
    return value == fingerprint() or value in COMPATIBLE_FINGERPRINTS


__all__ = [
    "COMPATIBLE_FINGERPRINTS",
    "DEFAULT_PROJECTS",
    "END_MARKER",
    "LAYOUT",
    "MAX_PROJECTS",
    "PASSWORD",
    "RESULT",
    "TEMPLATE_ID",
    "TEMPLATE_VERSION",
    "Layout",
    "PrintSetup",
    "ResultSheet",
    "a1",
    "fingerprint",
    "profile_key",
    "readable_fingerprint",
]
