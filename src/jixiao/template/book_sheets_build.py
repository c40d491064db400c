"""The sheets around the forms (:mod:`jixiao.template.book_sheets`), as the builders write
them: 单位信息 (the title, the 填报说明, the unit fields) and the hidden 列表 and _meta, which
the 申报表 workbook shares, and the 绩效目标表's 总览 with :func:`summary_row`, which
新建项目表 writes too.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jixiao import __version__
from jixiao.a1 import absolute, quote_sheet
from jixiao.model import CHECKPOINTS
from jixiao.profiles import Profile, builtin_names, load_profile
from jixiao.template.cell_styles import (
    AMOUNT_FORMAT,
    BOLD,
    NOTE,
    TEXT_FORMAT,
    TITLE,
    book_of,
    box_cells,
    define_name,
    list_validation,
    protect_sheet,
    set_widths,
    style_input,
    write_label,
)
from jixiao.template.layout import (
    LAYOUT,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    fingerprint,
    profile_key,
)
from jixiao.template.positions import column_of, shifted
from jixiao.template.printing import fit_rows, fit_sheet, page_setup

Entry = str | int | float | None
"""What the hidden lists hold."""


INSTRUCTIONS = (
    "填报说明",
    "1. 先在下方填写单位编码、单位名称、预算年度和金额单位（万元或元，整套表统一）。",
    "2. 每个项目填一张“项目N”表：浅黄色单元格可填写，其余单元格已锁定。",
    "3. 一级、二级指标从下拉列表选择；同一一级指标下的后续行可留空一级（视为与上一行相同）。",
    "4. 指标值写成“符号+数值+单位”，如 ≥90%、≤500万元、=100%；定性指标写明完成标准。",
    "5. 资金支出计划填累计百分比，12月底应为 100%。",
    "6. 表格右侧红字为实时校验结果（不打印）；“总览”表汇总各项目的问题数。",
    "7. 安装 jixiao 加载项后可用“一键校验”做完整校验；未安装时本表的公式校验同样有效。",
)


UNIT_TITLE = "预算绩效目标填报模板（jixiao）"


def unit_sheet(
    ws: Worksheet,
    profile: Profile,
    title: str = UNIT_TITLE,
    instructions: Sequence[str] = INSTRUCTIONS,
) -> None:
    """单位信息: the title, the 填报说明 and the unit fields (both layouts share the sheet)."""
    u = LAYOUT.unit
    ws.title = u.name
    ws[u.title] = title
    ws[u.title].font = TITLE
    for offset, line in enumerate(instructions):
        ws.merge_cells(u.instruction_merge(offset))
        cell = ws[u.instruction_cell(offset)]
        cell.value = line
        cell.font = BOLD if offset == 0 else NOTE
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    wb = book_of(ws)
    for name, label, defined in u.fields:
        ref = u.cell(name)
        write_label(ws, u.label_cell(name), label)
        style_input(ws, ref, TEXT_FORMAT if name in ("code", "name") else None)
        define_name(wb, defined, u.name, absolute(ref))
    ws[u.cell("money_unit")] = LAYOUT.lists.money_units[0]
    ws[u.cell("profile")] = profile.name
    list_validation(ws, LAYOUT.lists.money_units_name, u.cell("money_unit"), "金额单位")
    list_validation(ws, LAYOUT.lists.profiles_name, u.cell("profile"), "规则配置")
    year = DataValidation(
        type="whole",
        operator="between",
        formula1="2000",
        formula2="2100",
        allow_blank=True,
        error="预算年度应为 2000～2100 之间的整数",
        errorTitle="输入无效",
        showErrorMessage=True,
    )
    ws.add_data_validation(year)
    year.add(u.cell("year"))
    key = ws[u.profile_key_cell]
    key.value = f'=SUBSTITUTE({u.defined_name("profile")},"-","_")'
    key.font = NOTE
    define_name(wb, u.profile_key_name, u.name, absolute(u.profile_key_cell))
    ws.column_dimensions[column_of(u.profile_key_cell)].hidden = True
    set_widths(ws, u.widths)
    fit_rows(ws, u.shown_rows, column_of(u.cell("name")))
    page_setup(ws, u.printing)
    protect_sheet(ws)


def summary_row(number: int) -> dict[str, str | int]:
    """The 总览 cells of one project sheet, by address (the template and 新建项目表 both
    write these)."""
    p, s = LAYOUT.project, LAYOUT.summary
    name = p.sheet_name(number)
    sheet = quote_sheet(name)
    values: dict[str, str | int] = {
        "number": number,
        "sheet": f'=HYPERLINK("#{sheet}!{p.title}","{name}")',
        "department": f'=IF({sheet}!{p.department}="","",{sheet}!{p.department})',
        "project": f'=IF({sheet}!{p.name}="","",{sheet}!{p.name})',
        "budget": f'=IF(COUNT({sheet}!{p.budget})=0,"",{sheet}!{p.budget})',
        "problems": f"={sheet}!{p.count}",
    }
    return {s.cell(key, number): value for key, value in values.items()}


def summary_sheet(ws: Worksheet, projects: int) -> None:
    s = LAYOUT.summary
    ws[s.title] = "项目总览"
    ws[s.title].font = TITLE
    ws[s.note] = "各项目表的名称、预算数和实时问题数（公式自动更新）。点击工作表名可跳转。"
    ws[s.note].font = NOTE
    first_key = s.columns[0][0]
    ws[s.total_cell(first_key)] = "合计"
    ws[s.total_cell(first_key)].font = BOLD
    for key in s.totals:  # over every row 新建项目表 may add later
        ws[s.total_cell(key)] = f"=SUM({s.total_range(key)})"
    ws[s.total_cell("budget")].number_format = AMOUNT_FORMAT
    for key, _, header in s.columns:
        write_label(ws, s.header_cell(key), header)
    for number in range(1, projects + 1):
        for ref, value in summary_row(number).items():
            ws[ref] = value
        ws[s.cell("budget", number)].number_format = AMOUNT_FORMAT
    box_cells(ws, s.box(projects))
    ws.freeze_panes = s.freeze
    set_widths(ws, s.widths)
    fit_sheet(ws, s.printing(projects), rows=range(1, s.header_row + 1))
    page_setup(ws, s.printing(projects))
    protect_sheet(ws)


def lists_sheet(ws: Worksheet) -> None:
    """列表 (hidden): money units, profiles, the settings table and each profile's level and
    alias lists, every one a defined name (both layouts share the sheet)."""
    lists = LAYOUT.lists
    wb = book_of(ws)
    ws.sheet_state = "hidden"
    names = builtin_names()
    named_lists = (
        (lists.money_units_column, lists.money_units_header, lists.money_units_name),
        (lists.profiles_column, lists.profiles_header, lists.profiles_name),
    )
    for (column, header, name), entries in zip(
        named_lists, (lists.money_units, names), strict=True
    ):
        _list_column(ws, column, header, entries)
        define_name(wb, name, lists.name, lists.list_range(column, len(entries)))
    _profile_table(ws, names)
    column = lists.levels_first_column
    for name in names:
        column = _level_lists(ws, load_profile(name), column)
    protect_sheet(ws)


def _list_column(ws: Worksheet, column: str, header: str, entries: Sequence[Entry]) -> None:
    """A header and the entries below it."""
    lists = LAYOUT.lists
    ws[lists.header_cell(column)] = header
    for row, entry in enumerate(entries, start=lists.first_row):
        ws[f"{column}{row}"] = entry


def _settings(profile: Profile) -> dict[str, Entry]:
    """A profile's row of the settings table: its flags (the settings named like the
    profile's ``requires_…`` fields) as 1/0, its minimum plan per checkpoint as fractions."""
    lists = LAYOUT.lists
    values: dict[str, Entry] = {
        key: int(getattr(profile, key)) for key, _, _ in lists.settings if _is_flag(key)
    }
    for checkpoint, name in zip(CHECKPOINTS, lists.min_plan_names, strict=True):
        minimum = (profile.min_plan or {}).get(checkpoint)
        key = next(k for k, defined, _ in lists.settings if defined == name)
        values[key] = None if minimum is None else float(minimum) / 100
    return values


def _is_flag(setting: str) -> bool:
    return setting.startswith("requires_")


def _profile_table(ws: Worksheet, names: list[str]) -> None:
    """Per-profile flags and minimum plan, and the current profile's row looked up by name."""
    lists = LAYOUT.lists
    ws[lists.header_cell(lists.table_column)] = lists.table_header
    for key, _, header in lists.settings:
        ws[lists.header_cell(lists.setting_column(key))] = header
    for row, name in enumerate(names, start=lists.first_row):
        ws[f"{lists.table_column}{row}"] = name
        for key, value in _settings(load_profile(name)).items():
            ws[f"{lists.setting_column(key)}{row}"] = value
    table = lists.table_range(len(names))
    current = lists.current_row(len(names))
    ws[f"{lists.current_label_column}{current}"] = lists.current_label
    profile = LAYOUT.unit.defined_name("profile")
    for key, defined, _ in lists.settings:
        lookup = f"VLOOKUP({profile},{table},{lists.setting_index(key)},FALSE)"
        # Unknown profile: every flag required.  A blank minimum must stay blank (not 0), so
        # ISNUMBER() in the checks can tell.
        default = "1" if _is_flag(key) else '""'
        ref = f"{lists.setting_column(key)}{current}"
        ws[ref] = f'=IFERROR(IF({lookup}="",{default},{lookup}),{default})'
        define_name(book_of(ws), defined, lists.name, absolute(ref))


def _level_lists(ws: Worksheet, profile: Profile, column: str) -> str:
    """Write a profile's 一级 list, one 二级 list per 一级 and its alias table (alias,
    canonical name); return the next free column."""
    key = profile_key(profile.name)
    lists = LAYOUT.lists
    _named_list(ws, column, lists.level1_name(key), list(profile.framework))
    for offset, (level1, level2s) in enumerate(profile.framework.items(), start=1):
        _named_list(ws, shifted(column, offset), lists.level2_name(key, level1), level2s)
    aliases = shifted(column, len(profile.framework) + 1)
    _pairs(ws, aliases, lists.aliases_name(key), "规范名称", list(profile.aliases.items()))
    variants = [(v.level1, word) for v in profile.level2_variants for word in v.contains]
    _pairs(ws, shifted(aliases, 3), lists.variants_name(key), "含", variants)
    return shifted(aliases, 6)


def _pairs(ws: Worksheet, column: str, name: str, second: str, rows: list[tuple[str, str]]) -> None:
    """A two-column table named ``name`` (headed by its name and ``second``), a blank column
    right of it; a table without rows still names one blank row."""
    lists = LAYOUT.lists
    _list_column(ws, column, name, [first for first, _ in rows])
    _list_column(ws, shifted(column, 1), second, [other for _, other in rows])
    define_name(book_of(ws), name, lists.name, lists.list_range(column, len(rows), width=2))


def _named_list(ws: Worksheet, column: str, name: str, entries: Sequence[Entry]) -> None:
    """A list headed by its own defined name."""
    _list_column(ws, column, name, entries)
    define_name(book_of(ws), name, LAYOUT.lists.name, LAYOUT.lists.list_range(column, len(entries)))


def meta_sheet(
    ws: Worksheet,
    profile: Profile,
    projects: int,
    identity: tuple[str, int, str] | None = None,
) -> None:
    """_meta: which template (id, version, layout fingerprint) made the workbook, for which
    profile and how many project sheets; ``identity`` is the first layout's unless given."""
    meta = LAYOUT.meta
    ws.sheet_state = "veryHidden"
    template_id, version, printed = identity or (TEMPLATE_ID, TEMPLATE_VERSION, fingerprint())
    values: tuple[str | int, ...] = (
        template_id,
        version,
        profile.name,
        printed,
        projects,
        f"jixiao {__version__}",
    )
    for row, key, value in zip(meta.rows(), meta.keys, values, strict=True):
        ws[meta.key_cell(row)] = key
        ws[meta.value_cell(row)] = value
    protect_sheet(ws)
