"""The template layout: the single source of truth for every sheet, cell, range and name.

The template builder, the workbook reader, the native status formulas (and later the UDF ranges
and consolidation) all take positions from here; nothing else hard-codes a cell address.
Changing anything here changes :func:`fingerprint`, so workbooks made from an older layout are
recognised as such instead of being misread.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from jixiao.a1 import a1, column_letter, parse_a1
from jixiao.model import CHECKPOINTS, OVERALL_COLUMNS

TEMPLATE_ID = "jixiao-ysjx"
TEMPLATE_VERSION = 1
PASSWORD = "jixiao"
"""Sheet and structure protection password. Protection prevents accidents; it is not security."""

DEFAULT_PROJECTS = 30
MAX_PROJECTS = 200
END_MARKER = "▲表尾"
"""Written below each input grid (outside the print area): a moved marker means inserted rows."""


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

    def cell(self, field_name: str) -> str:
        """The input cell of a unit field (``code``, ``name``, ``year``, ``money_unit``…)."""
        for offset, (name, _, _) in enumerate(self.fields):
            if name == field_name:
                return f"{self.inputs_column}{self.first_field_row + offset}"
        raise KeyError(field_name)

    def label_cell(self, field_name: str) -> str:
        """Where the label of a unit field stands."""
        return self.labels_column + self.cell(field_name)[len(self.inputs_column) :]


INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("level1", "A"),
    ("level2", "B"),
    ("level3", "C"),
    ("description", "D"),
    ("value", "F"),
    ("basis", "G"),
)
_INDICATOR_COLUMN = dict(INDICATOR_COLUMNS)


@dataclass(frozen=True, slots=True)
class ProjectSheet:
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
    """Hidden: the effective 一级 of each indicator row (blank 一级 continues the row above)."""
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

    @property
    def last_row(self) -> int:
        """The last indicator row."""
        return self.first_row + self.rows - 1

    @property
    def end_marker(self) -> str:
        """Cell of the end marker, just below the grid in the department column."""
        return f"H{self.last_row + 1}"

    @property
    def print_area(self) -> str:
        """What prints as the official table."""
        return f"A1:{self.last_column}{self.last_row}"

    def sheet_name(self, number: int) -> str:
        """``项目1``, ``项目2``…"""
        return f"{self.prefix}{number}"

    def row_cell(self, field_name: str, row: int) -> str:
        """The cell of one indicator field on one row."""
        return _INDICATOR_COLUMN[field_name] + str(row)

    def indicator_rows(self) -> range:
        """Worksheet rows of the indicator grid."""
        return range(self.first_row, self.last_row + 1)

    def status(self, anchor: str) -> str:
        """The status cell (outside the print area) beside a field or row."""
        return f"{self.status_column}{parse_a1(anchor)[0]}"


@dataclass(frozen=True, slots=True)
class DepartmentSheet:
    """部门整体绩效目标: 总体绩效目标, 分项绩效目标 (one row per indicator), 工作保障措施."""

    name: str = "部门整体绩效目标"
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

    @property
    def blocks_last_row(self) -> int:
        """Last row of the 分项绩效目标 grid."""
        return self.blocks_first_row + self.blocks_rows - 1

    @property
    def measures_label_row(self) -> int:
        """Row of the 三、工作保障措施 heading."""
        return self.blocks_last_row + self.measures_gap

    @property
    def measures_header_row(self) -> int:
        """Header row of the measures grid."""
        return self.measures_label_row + 1

    measures_rows: int = 15
    measure_columns: tuple[tuple[str, str, str], ...] = (
        ("group", "A", "类别"),
        ("title", "B", "保障措施"),
        ("text", "C", "具体内容"),
    )

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
        """Below the measures grid."""
        return f"L{self.measures_last_row + 1}"


@dataclass(frozen=True, slots=True)
class OverallSheet:
    """整体绩效目标表: the 18-column layout of seed 002 (one row per indicator)."""

    name: str = "整体绩效目标表"
    title: str = "A1"
    header_rows: tuple[int, int] = (2, 5)
    first_row: int = 6
    rows: int = 80
    status_column: str = "T"
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

    @property
    def columns(self) -> tuple[tuple[str, str, str], ...]:
        """(model field, column letter, header) for the 18 leaf columns."""
        return tuple(
            (name, column_letter(i + 1), header) for i, (name, header) in enumerate(OVERALL_COLUMNS)
        )

    @property
    def last_row(self) -> int:
        """Last data row."""
        return self.first_row + self.rows - 1

    @property
    def end_marker(self) -> str:
        """Below the grid, beside the status column."""
        return f"{self.status_column}{self.last_row + 1}"


@dataclass(frozen=True, slots=True)
class SummarySheet:
    """总览: every project sheet with its name, budget and live problem count."""

    name: str = "总览"
    total_row: int = 3
    header_row: int = 4
    first_row: int = 5
    headers: tuple[str, ...] = ("序号", "工作表", "填报部门", "项目名称", "预算数", "问题数")


@dataclass(frozen=True, slots=True)
class ListsSheet:
    """Hidden lists for the dropdowns (named ranges; 二级 cascades from 一级 via INDIRECT)."""

    name: str = "列表"
    money_units: tuple[str, ...] = ("万元", "元")
    money_units_name: str = "JX_MONEY_UNITS"
    profiles_name: str = "JX_PROFILES"

    @staticmethod
    def level1_name(profile_key: str) -> str:
        """Defined name of a profile's 一级 list."""
        return f"L1_{profile_key}"

    @staticmethod
    def level2_name(profile_key: str, level1: str) -> str:
        """Defined name of the 二级 list under one 一级 (Chinese names are valid names)."""
        return f"L2_{profile_key}_{level1}"


@dataclass(frozen=True, slots=True)
class MetaSheet:
    """Hidden sheet telling the reader which template and layout made the workbook."""

    name: str = "_meta"
    keys: tuple[str, ...] = (
        "template_id",
        "version",
        "profile",
        "fingerprint",
        "projects",
        "generator",
    )


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


def profile_key(profile_name: str) -> str:
    """``central-2021`` → ``central_2021`` (usable inside a defined name)."""
    return profile_name.replace("-", "_").replace(".", "_")


def fingerprint(layout: Layout = LAYOUT) -> str:
    """A short hash of every position and label: differs whenever the layout changes."""
    text = json.dumps(asdict(layout), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{TEMPLATE_ID}/{TEMPLATE_VERSION}/{text}".encode()).hexdigest()[:16]


def column_range(column: str, first: int, last: int) -> str:
    """``F11:F35``."""
    return f"{column}{first}:{column}{last}"


def cell_range(first: str, last: str) -> str:
    """``A1:G35`` from two cells."""
    return f"{first}:{last}"


__all__ = [
    "DEFAULT_PROJECTS",
    "END_MARKER",
    "LAYOUT",
    "MAX_PROJECTS",
    "PASSWORD",
    "TEMPLATE_ID",
    "TEMPLATE_VERSION",
    "Layout",
    "a1",
    "fingerprint",
    "profile_key",
]
