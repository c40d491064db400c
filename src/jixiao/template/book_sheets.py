"""The sheets around the forms of a 绩效目标表 workbook: 单位信息 (the unit and the 填报说明,
:class:`UnitSheet`), 总览 (every project sheet with its budget and problem count,
:class:`SummarySheet`), the hidden 列表 (dropdown lists, the settings of each profile,
:class:`ListsSheet`) and the hidden _meta (which template made the workbook,
:class:`MetaSheet`).  单位信息, 列表 and _meta are the 申报表 workbook's too.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.a1 import a1, absolute, column_number
from jixiao.model import CHECKPOINTS
from jixiao.template.names import MAX_PROJECTS
from jixiao.template.positions import (
    Widths,
    cell_range,
    column_for,
    column_range,
    row_of,
    shifted,
)
from jixiao.template.print_setup import PrintSetup


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
        return column_for(self.columns, key)

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
        return column_for(self.settings, key)

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
