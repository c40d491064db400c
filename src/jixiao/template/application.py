"""The second template layout: the 项目支出绩效目标申报表 (issue 14), every position and name.

The national 申报表 (财预〔2015〕88号 and the provinces' forms in OTHER-FORMATS.md: 101, 103,
104, 105) differs from the Hebei/Tianjin 绩效目标表 in what a project carries, not in how a
workbook is made, so this module is a second *sheet spec* beside :mod:`template.layout`, and
the same machinery builds, checks, fills and prints it:

* the 单位信息, 列表 and _meta sheets are the first layout's (:data:`layout.LAYOUT`): the same
  defined names (``JX_YEAR``, ``JX_MONEY_UNIT``, the profile's level lists), so the status
  formulas of :mod:`template.native_checks` work unchanged on this sheet;
* each project is one sheet ``申报表N`` (:class:`ApplicationSheet`): 项目名称 / 项目编码,
  主管部门 / 实施单位, 实施期 (开始日期, 结束日期), 资金情况 (年度资金总额, 其中：财政拨款,
  其他资金, 上年结转, 实施期资金总额), 总体目标 (实施期目标, 年度目标), eight 其他信息 rows
  (label and content: 项目负责人及电话, 立项依据, 项目概况… whatever a form adds), and 30 indicator
  rows with 一级/二级/三级, 指标性质 (the comparison symbol, as the unified budget system keeps
  it), 指标值 (the number, or a whole value such as ``≥95%`` when 指标性质 is left blank),
  度量单位, 权重（分值）, 指标方向 (正向/反向), 定性/定量 and 备注;
* decisions: the header 指标性质 means the *symbol* here (as in 104; 105 uses it for the
  direction, which has its own column); there is no 资金支出计划, 资金用途, 绩效指标描述 or
  指标值确定依据 (the national form has none: a submission carrying them is refused by the
  filler rather than silently cut); the template is made for the built-in ``national``
  profile (the 财预〔2015〕88号 framework: 产出·效益·满意度 with 成本 under 产出; no 项目编码,
  资金支出计划 or 依据 required), and its 单位信息 offers every profile;
* the workbook has its own template id (:data:`TEMPLATE_ID`) and fingerprint: the reader knows
  from _meta which layout it reads, and a changed 申报表 layout never passes as the other;
* version 2 added the 部门整体支出 sheet (:mod:`template.department_spending`, seed 106) and
  moved nothing on the forms: a version-1 workbook (:data:`COMPATIBLE_VERSIONS`) reads as
  before, without a department part.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from jixiao.a1 import a1, column_number
from jixiao.template.book_sheets import ListsSheet, MetaSheet, UnitSheet
from jixiao.template.department_spending import DepartmentSpendingSheet
from jixiao.template.layout import LAYOUT
from jixiao.template.names import APPLICATION_LAYOUT, TEMPLATE_LAYOUTS
from jixiao.template.positions import Widths, cell_range, column_of, row_of, shifted
from jixiao.template.print_setup import PrintSetup
from jixiao.template.project_sheet import TEXT_COLUMNS, IndicatorGrid

TEMPLATE_ID = "jixiao-sbb"
"""The 申报表 template (the first layout's is ``jixiao-ysjx``)."""
TEMPLATE_VERSION = 2
COMPATIBLE_VERSIONS: dict[str, str] = {"1": "0def08ed32e4f027"}
"""Older versions (their _meta version → fingerprint) whose workbooks read unchanged: version 1
is today's forms without the 部门整体支出 sheet (a workbook of it has no department part, and
is reported as this version: template-version-mixed does not fire for it)."""
LAYOUT_NAME = APPLICATION_LAYOUT
"""How the command line and the messages name this layout."""
DEFAULT_PROFILE = "national"
"""The built-in profile the 申报表 template is made for unless another is chosen: no 项目编码,
no 资金支出计划, no 依据 required (what the national form has)."""

APPLICATION_INDICATOR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (model field, column, header)
    ("level1", "A", "一级指标"),
    ("level2", "B", "二级指标"),
    ("level3", "C", "三级指标"),
    ("symbol", "D", "指标性质"),
    ("number", "E", "指标值"),
    ("unit", "F", "度量单位"),
    ("weight", "G", "权重（分值）"),
    ("direction", "H", "指标方向"),
    ("nature", "I", "定性/定量"),
    ("remark", "J", "备注"),
)


@dataclass(frozen=True, slots=True)
class ApplicationSheet(IndicatorGrid):
    """One 项目支出绩效目标申报表 (columns A–J print, landscape)."""

    prefix: str = "申报表"
    last_column: str = "J"
    title: str = "A1"
    year_line: str = "A2"
    unit_line: str = "A3"
    money_line: str = "H3"
    name: str = "B4"
    code: str = "H4"
    supervisor: str = "B5"
    implementer: str = "H5"
    start: str = "C6"
    end: str = "H6"
    budget: str = "C7"
    fiscal: str = "E7"
    other: str = "G7"
    carryover: str = "I7"
    total: str = "C8"
    total_note: str = "D8"
    long_term_goal: str = "C9"
    goal: str = "C10"
    extra_first_row: int = 11
    extra_rows: int = 8
    extra_label_column: str = "B"
    extra_text_column: str = "C"
    header_row: int = 19
    first_row: int = 20
    rows: int = 30
    indicator_columns: tuple[tuple[str, str, str], ...] = APPLICATION_INDICATOR_COLUMNS
    department_label: str = "K1"
    department: str = "K2"
    status_column: str = "L"
    count_label: str = "L1"
    count: str = "L2"
    helper_column: str = "M"
    """Hidden helpers (never printed): each indicator row's canonical 一级 in effect and 二级,
    and beside the money row the three amounts as read (as in the first layout)."""
    merges: tuple[str, ...] = (
        "A1:J1",
        "A2:J2",
        "A3:G3",
        "H3:J3",
        "B4:F4",
        "H4:J4",
        "B5:F5",
        "H5:J5",
        "C6:F6",
        "H6:J6",
        "A7:A8",
        "I7:J7",
        "D8:J8",
        "A9:A10",
        "C9:J9",
        "C10:J10",
        "A11:A18",
    )
    labels: tuple[tuple[str, str], ...] = (
        ("A4", "项目名称"),
        ("G4", "项目编码"),
        ("A5", "主管部门"),
        ("G5", "实施单位"),
        ("A6", "实施期"),
        ("B6", "开始日期"),
        ("G6", "结束日期"),
        ("A7", "资金情况"),
        ("B7", "年度资金总额"),
        ("D7", "其中：财政拨款"),
        ("F7", "其他资金"),
        ("H7", "上年结转"),
        ("B8", "实施期资金总额"),
        ("A9", "总体目标"),
        ("B9", "实施期目标"),
        ("B10", "年度目标"),
        ("A11", "其他信息"),
        *((f"{c}19", h) for _, c, h in APPLICATION_INDICATOR_COLUMNS),
        ("K1", "填报部门"),
    )
    """Fixed labels: the reader checks them (a moved one means rows or columns were inserted)."""
    widths: Widths = (11, 13, 26, 9, 11, 10, 10, 10, 9, 20, 14, 60)

    # ------------------------------------------------------------ positions

    @property
    def extra_last_row(self) -> int:
        """The last 其他信息 row."""
        return self.extra_first_row + self.extra_rows - 1

    def extra_rows_range(self) -> range:
        """The 其他信息 rows."""
        return range(self.extra_first_row, self.extra_last_row + 1)

    def extra_label(self, row: int) -> str:
        """The label input of a 其他信息 row (项目负责人及电话, 立项依据…)."""
        return f"{self.extra_label_column}{row}"

    def extra_text(self, row: int) -> str:
        """The content input of a 其他信息 row."""
        return f"{self.extra_text_column}{row}"

    def extra_merge(self, row: int) -> str:
        """The content of a 其他信息 row spans the rest of the width."""
        return cell_range(self.extra_text(row), f"{self.last_column}{row}")

    @property
    def end_marker(self) -> str:
        """Just below the grid in the status column (outside the print area)."""
        return f"{self.status_column}{self.last_row + 1}"

    @property
    def printing(self) -> PrintSetup:
        """Landscape (ten columns), the indicator header repeated on later pages."""
        header = (self.header_row,) * 2
        return PrintSetup(self.print_area, header, landscape=True, grid=self.grid_rows)

    @property
    def table_range(self) -> str:
        """The boxed form below the title lines."""
        return cell_range(a1(row_of(self.name), 1), f"{self.last_column}{self.last_row}")

    def column(self, field_name: str) -> str:
        """The column of one indicator field."""
        for name, column, _ in self.indicator_columns:
            if name == field_name:
                return column
        raise KeyError(field_name)

    def row_span(self, row: int) -> str:
        """Every input cell of one indicator row (``A20:J20``)."""
        first, last = self.indicator_columns[0][1], self.indicator_columns[-1][1]
        return cell_range(f"{first}{row}", f"{last}{row}")

    @property
    def weight_status(self) -> str:
        """Beside the indicator header: the weight total (weight-sum)."""
        return self.row_status(self.header_row)

    @property
    def status_range(self) -> str:
        """Every status cell, from the 项目名称 row to the last indicator row."""
        return cell_range(self.status(self.name), self.row_status(self.last_row))

    @property
    def amount_cells(self) -> tuple[tuple[str, str, str], ...]:
        """(model field, cell, label) of every amount the form holds."""
        fields = ("budget", "fiscal", "other", "carryover", "total")
        labels = dict(self.labels)
        return tuple(
            (name, getattr(self, name), labels[_label_of(getattr(self, name))]) for name in fields
        )

    @property
    def blank_split_is_zero(self) -> bool:
        """No: a 申报表 whose 财政拨款 and 其他资金 are both blank states no split, as the
        other provinces' forms it is filled from often do (批复表 102, 104's form: review17
        found their imports refused by budget-sum-mismatch, 3000000 ≠ 0 + 0)."""
        return False

    @property
    def money_helpers(self) -> tuple[str, ...]:
        """Hidden cells beside the money row: each of :attr:`money_cells` read as an amount."""
        row = row_of(self.budget)
        return tuple(f"{shifted(self.helper_column, i)}{row}" for i in range(len(self.money_cells)))

    def weight_helper(self, row: int) -> str:
        """The hidden cell holding an indicator row's 权重（分值） as read (a number typed as
        text, ``10分``): the third reading column, free on indicator rows."""
        return f"{shifted(self.helper_column, 2)}{row}"

    def weight_text(self, row: int) -> str:
        """The hidden cell holding an indicator row's 权重（分值） text made plain once (blanks,
        full-width forms and one trailing 分/% gone: template.native_checks.weight_text), which
        :meth:`weight_helper` reads: right of the row's plain texts."""
        return f"{shifted(self.helper_column, self.text_offset + TEXT_COLUMNS)}{row}"

    @property
    def helper_columns(self) -> tuple[str, ...]:
        """Every hidden helper column: the first layout's, and the weights' plain texts."""
        width = self.text_offset + TEXT_COLUMNS + 1
        return tuple(shifted(self.helper_column, i) for i in range(width))

    @property
    def weight_helpers(self) -> str:
        """Every indicator row's :meth:`weight_helper` (one range)."""
        return cell_range(self.weight_helper(self.first_row), self.weight_helper(self.last_row))

    @property
    def text_offset(self) -> int:
        """Three reading helper columns (the money row's three amounts)."""
        return len(self.money_cells)

    @property
    def text_fields(self) -> tuple[tuple[str, str], ...]:
        """(model field, cell) of the project's text inputs."""
        names: tuple[str, ...] = ("name", "code", "supervisor", "implementer", "start", "end")
        names += ("long_term_goal", "goal", "department")
        return tuple((name, getattr(self, name)) for name in names)


def _label_of(ref: str) -> str:
    """The label left of an input cell on the same row."""
    row, column = row_of(ref), column_number(column_of(ref))
    return a1(row, column - 1)


@dataclass(frozen=True, slots=True)
class ApplicationLayout:
    """Every sheet of the 申报表 workbook (the shared ones are the first layout's)."""

    unit: UnitSheet = field(default_factory=lambda: LAYOUT.unit)
    project: ApplicationSheet = field(default_factory=ApplicationSheet)
    department: DepartmentSpendingSheet = field(default_factory=DepartmentSpendingSheet)
    lists: ListsSheet = field(default_factory=lambda: LAYOUT.lists)
    meta: MetaSheet = field(default_factory=lambda: LAYOUT.meta)


APPLICATION = ApplicationLayout()


def application_fingerprint(layout: ApplicationLayout = APPLICATION) -> str:
    """A short hash of every position and label of the 申报表 workbook."""
    text = json.dumps(asdict(layout), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{TEMPLATE_ID}/{TEMPLATE_VERSION}/{text}".encode()).hexdigest()[:16]


def readable_version(version: str | None, fingerprint: str | None) -> bool:
    """A workbook of this version and fingerprint, or of a compatible older one."""
    if version == str(TEMPLATE_VERSION):
        return fingerprint == application_fingerprint()
    return version is not None and COMPATIBLE_VERSIONS.get(version) == fingerprint


__all__ = [
    "APPLICATION",
    "COMPATIBLE_VERSIONS",
    "DEFAULT_PROFILE",
    "LAYOUT_NAME",
    "TEMPLATE_ID",
    "TEMPLATE_LAYOUTS",
    "TEMPLATE_VERSION",
    "ApplicationLayout",
    "ApplicationSheet",
    "application_fingerprint",
    "readable_version",
]
