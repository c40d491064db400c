"""Build the locked template workbook of a profile from the layout (openpyxl).

Only input cells are unlocked; every sheet is protected and so is the workbook structure
(password :data:`jixiao.template.layout.PASSWORD`: protection prevents accidents, it is not
security).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jixiao import __version__
from jixiao.a1 import absolute, column_letter, quote_sheet
from jixiao.atomic import atomic_write
from jixiao.model import CHECKPOINTS
from jixiao.profiles import Profile, builtin_names, load_profile
from jixiao.template import native_checks as checks
from jixiao.template.layout import (
    DEFAULT_PROJECTS,
    END_MARKER,
    LAYOUT,
    MAX_PROJECTS,
    PASSWORD,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    fingerprint,
    profile_key,
)
from jixiao.template.positions import Widths, column_of, row_of, shifted
from jixiao.template.print_setup import PrintSetup
from jixiao.template.printing import fit_rows, page_setup
from jixiao.template.project_sheet import IndicatorGrid

FONT = "宋体"
TITLE = Font(name="黑体", size=16, bold=True)
BOLD = Font(name=FONT, size=11, bold=True)
NORMAL = Font(name=FONT, size=11)
DENSE = Font(name=FONT, size=10)
"""The wide department grids (eleven and eighteen columns) print scaled down: a smaller font
keeps their rows low."""
STATUS = Font(name=FONT, size=10, color="C00000")
NOTE = Font(name=FONT, size=10, color="595959")
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_COLOR = "FFF9E5"
"""The light yellow of every cell a clerk may type into (一键校验's marks restore it)."""
PROBLEM_COLOR = "FFC7CE"
"""The red of a cell with a problem (the template's highlights and 一键校验's marks)."""
INPUT_FILL = PatternFill("solid", fgColor=INPUT_COLOR)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
PROBLEM_FILL = PatternFill("solid", fgColor=PROBLEM_COLOR)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
TEMPLATE_DATE = dt.datetime(2024, 1, 1)
AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0%"
TEXT_FORMAT = "@"
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


def build_template(profile_name: str = "hebei", projects: int = DEFAULT_PROJECTS) -> Workbook:
    """The template workbook for a profile, with ``projects`` empty project sheets."""
    if not 1 <= projects <= MAX_PROJECTS:
        raise ValueError(f"项目表数量应在 1～{MAX_PROJECTS} 之间：{projects}")
    profile = load_profile(profile_name)
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    unit_sheet(first, profile)
    _summary_sheet(wb.create_sheet(LAYOUT.summary.name), projects)
    _department_sheet(wb.create_sheet(LAYOUT.department.name))
    _overall_sheet(wb.create_sheet(LAYOUT.overall.name))
    for number in range(1, projects + 1):
        add_project_sheet(wb, number)
    lists_sheet(wb.create_sheet(LAYOUT.lists.name))
    meta_sheet(wb.create_sheet(LAYOUT.meta.name), profile, projects)
    wb.security = WorkbookProtection(workbookPassword=PASSWORD, lockStructure=True)
    wb.properties.creator = "jixiao"
    wb.properties.created = TEMPLATE_DATE  # fixed, so that one layout gives one template
    wb.active = 0
    return wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Write a workbook atomically (never a half-written file)."""
    atomic_write(Path(path), lambda temporary: wb.save(temporary))


# ---------------------------------------------------------------- helpers


def _name(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheet(sheet)}!{ref}")


def _formulas(ws: Worksheet, formulas: dict[str, str]) -> None:
    """Write formulas into their cells (hidden helpers: no style of their own)."""
    for ref, formula in formulas.items():
        ws[ref] = formula


def _book(ws: Worksheet) -> Workbook:
    book = ws.parent
    assert isinstance(book, Workbook)
    return book


def _input(ws: Worksheet, ref: str, number_format: str | None = None, font: Font = NORMAL) -> None:
    cell = ws[ref]
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL
    cell.border = BOX
    cell.font = font
    cell.alignment = WRAP
    if number_format:
        cell.number_format = number_format


def _label(ws: Worksheet, ref: str, text: str, fill: bool = True) -> None:
    cell = ws[ref]
    cell.value = text
    cell.font = BOLD
    cell.alignment = CENTER
    cell.border = BOX
    if fill:
        cell.fill = HEADER_FILL


def _box(ws: Worksheet, ref: str) -> None:
    for row in ws[ref]:
        for cell in row:
            cell.border = BOX


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.password = PASSWORD
    ws.protection.formatColumns = False  # clerks may widen columns and rows to read long text
    ws.protection.formatRows = False


def _list_validation(ws: Worksheet, formula: str, ref: str, prompt: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = f"请从下拉列表中选择{prompt}"
    validation.errorTitle = "输入无效"
    validation.prompt = f"从下拉列表选择{prompt}"
    validation.showErrorMessage = True
    validation.showInputMessage = True
    ws.add_data_validation(validation)
    validation.add(ref)


def _decimal_validation(ws: Worksheet, refs: str, low: str, high: str, message: str) -> None:
    validation = DataValidation(
        type="decimal", operator="between", formula1=low, formula2=high, allow_blank=True
    )
    validation.error = message
    validation.errorTitle = "输入无效"
    validation.showErrorMessage = True
    ws.add_data_validation(validation)
    for ref in refs.split():
        validation.add(ref)


def _widths(ws: Worksheet, widths: Widths) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[column_letter(column)].width = width


# ---------------------------------------------------------------- sheets


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
    wb = _book(ws)
    for name, label, defined in u.fields:
        ref = u.cell(name)
        _label(ws, u.label_cell(name), label)
        _input(ws, ref, TEXT_FORMAT if name in ("code", "name") else None)
        _name(wb, defined, u.name, absolute(ref))
    ws[u.cell("money_unit")] = LAYOUT.lists.money_units[0]
    ws[u.cell("profile")] = profile.name
    _list_validation(ws, LAYOUT.lists.money_units_name, u.cell("money_unit"), "金额单位")
    _list_validation(ws, LAYOUT.lists.profiles_name, u.cell("profile"), "规则配置")
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
    _name(wb, u.profile_key_name, u.name, absolute(u.profile_key_cell))
    ws.column_dimensions[column_of(u.profile_key_cell)].hidden = True
    _widths(ws, u.widths)
    fit_rows(ws, u.shown_rows, column_of(u.cell("name")))
    page_setup(ws, u.printing)
    _protect(ws)


def fit_sheet(
    ws: Worksheet,
    printing: PrintSetup,
    texts: dict[str, str] | None = None,
    minimum: dict[int, float] | None = None,
    rows: range | None = None,
) -> None:
    """Row heights for the wrapped text of the printed range (or of ``rows`` in it)."""
    first, last = printing.area.split(":")
    if rows is None:
        rows = range(row_of(first), row_of(last) + 1)
    fit_rows(ws, rows, column_of(last), texts, minimum)


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


def _summary_sheet(ws: Worksheet, projects: int) -> None:
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
        _label(ws, s.header_cell(key), header)
    for number in range(1, projects + 1):
        for ref, value in summary_row(number).items():
            ws[ref] = value
        ws[s.cell("budget", number)].number_format = AMOUNT_FORMAT
    _box(ws, s.box(projects))
    ws.freeze_panes = s.freeze
    _widths(ws, s.widths)
    fit_sheet(ws, s.printing(projects), rows=range(1, s.header_row + 1))
    page_setup(ws, s.printing(projects))
    _protect(ws)


def _department_sheet(ws: Worksheet) -> None:
    d = LAYOUT.department
    ws[d.title] = "部门整体绩效目标"
    ws[d.title].font = TITLE
    ws[d.overall_label] = "一、总体绩效目标"
    ws[d.overall_label].font = BOLD
    ws.merge_cells(d.overall_goal_merge)
    _input(ws, d.overall_goal)
    ws[d.blocks_label] = (
        "二、分项绩效目标（每行一个指标；分项名称、绩效目标和支出进度只在该分项第一行填写）"
    )
    ws[d.blocks_label].font = BOLD
    for field_name, _, header in d.block_columns:
        _label(ws, d.block_cell(field_name, d.blocks_header_row), header)
        for row in range(d.blocks_first_row, d.blocks_last_row + 1):
            plan = field_name.startswith("plan_")
            number_format = PERCENT_FORMAT if plan else TEXT_FORMAT
            _input(ws, d.block_cell(field_name, row), number_format, DENSE)
    _decimal_validation(ws, d.plan_range, "0", "1", "请输入 0%～100% 的累计百分比")
    ws[d.measures_label] = "三、工作保障措施"
    ws[d.measures_label].font = BOLD
    for field_name, _, header in d.measure_columns:
        _label(ws, d.measure_cell(field_name, d.measures_header_row), header)
    ws.merge_cells(d.measure_text_merge(d.measures_header_row))
    for row in range(d.measures_first_row, d.measures_last_row + 1):
        for field_name, _, _ in d.measure_columns:
            _input(ws, d.measure_cell(field_name, row), TEXT_FORMAT, DENSE)
        ws.merge_cells(d.measure_text_merge(row))
    _list_validation(ws, '"业务保障措施,财务保障措施,工作保障措施"', d.measure_groups, "类别")
    ws[d.end_marker] = END_MARKER
    ws[d.end_marker].font = NOTE
    _widths(ws, d.widths)
    ws.freeze_panes = d.freeze
    room = {row_of(d.overall_goal): OVERALL_GOAL_ROOM}
    fit_sheet(ws, d.printing, minimum=room, rows=range(1, d.blocks_header_row + 1))
    fit_sheet(ws, d.printing, rows=range(d.measures_label_row, d.measures_header_row + 1))
    page_setup(ws, d.printing)
    _protect(ws)


OVERALL_GOAL_ROOM = 90.0
"""Height of the blank 总体绩效目标 cell: room to type (a filled one fits its text)."""


def _overall_sheet(ws: Worksheet) -> None:
    o = LAYOUT.overall
    year = LAYOUT.unit.defined_name("year")
    ws[o.title] = f'=IF({year}="","整体绩效目标表",{year}&"年度整体绩效目标表")'
    ws[o.title].font = TITLE
    ws.merge_cells(o.title_range)
    for ref, text in o.header:
        first, last = ref.split(":")
        if first != last:
            ws.merge_cells(ref)
        _label(ws, first, text)
    for row in range(o.first_row, o.last_row + 1):
        for _, column, _ in o.columns:
            _input(ws, f"{column}{row}", TEXT_FORMAT, DENSE)
    _box(ws, o.header_range)
    _list_validation(ws, '"≥,≤,=,>,<"', o.column_range("symbol"), "符号")
    ws[o.end_marker] = END_MARKER
    ws[o.end_marker].font = NOTE
    ws.freeze_panes = o.freeze
    _widths(ws, o.widths)
    sample = {o.title: "2024年度整体绩效目标表"}  # the title is a formula of the year
    fit_sheet(ws, o.printing, sample, rows=range(1, o.header_rows[1] + 1))
    page_setup(ws, o.printing)
    _protect(ws)


def add_project_sheet(wb: Workbook, number: int) -> Worksheet:
    """Append one empty, protected 项目支出绩效目标表 (also what 新建项目表 does).

    The cells of the first project sheet are copied when it exists (styles by reference: ten
    times faster than styling every cell again); sheet features are then set per sheet.
    """
    p = LAYOUT.project
    ws = copy_of_first(wb, p, number, project_input_cells())
    if ws is None:
        ws = wb.create_sheet(p.sheet_name(number))
        _project_cells(ws)
    _project_features(ws, number)
    return ws


def copy_of_first(
    wb: Workbook, sheet: IndicatorGrid, number: int, inputs: Iterable[str]
) -> Worksheet | None:
    """Sheet ``number`` of a layout as a copy of its first sheet (both layouts' 新建项目表):
    the inputs emptied and shaded as inputs again (a copy may carry 一键校验's red marks), the
    indicator rows no longer fitted to a filled prototype's text.  None when there is no first
    sheet to copy (or ``number`` is 1): the caller builds the sheet's cells itself."""
    prototype = sheet.sheet_name(1)
    if number == 1 or prototype not in wb.sheetnames:
        return None
    ws: Worksheet = wb.copy_worksheet(wb[prototype])
    ws.title = sheet.sheet_name(number)
    for ref in inputs:
        ws[ref].value = None
        ws[ref].fill = INPUT_FILL
    for row in sheet.indicator_rows():
        if row in ws.row_dimensions and ws.row_dimensions[row].height is not None:
            ws.row_dimensions[row].height = None
    return ws


def project_input_cells() -> list[str]:
    """Every cell a clerk may type into on a project sheet."""
    p = LAYOUT.project
    cells = [p.code, p.name, p.budget, p.fiscal, p.other, p.purpose, p.goal, p.department, *p.plan]
    cells += [p.row_cell(f, r) for r in p.indicator_rows() for f, _ in p.indicator_columns]
    return cells


def _project_cells(ws: Worksheet) -> None:
    p = LAYOUT.project
    for ref in p.merges:
        ws.merge_cells(ref)
    ws[p.title].font = TITLE
    ws[p.title].alignment = CENTER
    u = LAYOUT.unit
    ws[p.unit_line] = f'={u.defined_name("code")}&" "&{u.defined_name("name")}'
    ws[p.money_line] = f'="单位："&{u.defined_name("money_unit")}'
    ws[p.money_line].alignment = Alignment(horizontal="right")
    for ref, text in p.labels:
        _label(ws, ref, text, fill=ref != p.department_label)
    _project_inputs(ws)
    _project_checks(ws)
    ws[p.end_marker] = END_MARKER
    ws[p.end_marker].font = NOTE


def project_title(number: int) -> str:
    """The title formula of project sheet ``number`` (also what the live 新建项目表 writes)."""
    name = LAYOUT.project.name
    return f'=IF({name}="","{number}.项目支出绩效目标表","{number}."&{name}&"绩效目标表")'


def _project_features(ws: Worksheet, number: int) -> None:
    """What copy_worksheet does not carry: title, validations, highlights, print set-up."""
    p, lists = LAYOUT.project, LAYOUT.lists
    key = LAYOUT.unit.profile_key_name
    ws[p.title] = project_title(number)
    _decimal_validation(
        ws,
        f"{p.budget} {p.fiscal} {p.other}",
        "0",
        "1000000000000",
        "金额应为不小于 0 的数字（单位见表头）",
    )
    _decimal_validation(ws, " ".join(p.plan), "0", "1", "请输入 0%～100% 的累计百分比，如 25%")
    level1s = f'INDIRECT("{lists.level1_prefix}"&{key})'
    _list_validation(ws, level1s, p.indicator_range("level1"), "一级指标")
    # relative to the range's first row: each row's 二级 list follows that row's 一级 in effect
    level1 = f"${p.helper(p.first_row)}"
    level2s = f'INDIRECT("{lists.level2_prefix}"&{key}&"_"&{level1})'
    _list_validation(ws, level2s, p.indicator_range("level2"), "二级指标")
    for column in p.helper_columns:
        ws.column_dimensions[column].hidden = True
    _project_highlights(ws)
    _project_print_setup(ws)
    _protect(ws)


def _project_inputs(ws: Worksheet) -> None:
    p = LAYOUT.project
    for ref in (p.code, p.name, p.purpose, p.goal, p.department):
        _input(ws, ref, TEXT_FORMAT)
    for ref in (p.budget, p.fiscal, p.other):
        _input(ws, ref, AMOUNT_FORMAT)
    for ref in p.plan:
        _input(ws, ref, PERCENT_FORMAT)
    _box(ws, p.table_range)
    for row in p.indicator_rows():
        ws.merge_cells(p.description_merge(row))
        for field_name, _ in p.indicator_columns:
            _input(ws, p.row_cell(field_name, row), TEXT_FORMAT)
        _formulas(ws, checks.row_helpers(row, p.row_cell("value", row)))
    for ref, helper in zip(p.money_cells, p.money_helpers, strict=True):
        _formulas(ws, checks.money_helpers(ref, helper))
    for ref, helper in zip(p.plan, p.plan_helpers, strict=True):
        ws[helper] = checks.plan_reading(ref)


def _project_checks(ws: Worksheet) -> None:
    p = LAYOUT.project
    ws[p.count_label] = "本表问题数（不打印）"
    ws[p.count_label].font = BOLD
    ws[p.count] = checks.problem_count()
    ws[p.count].font = BOLD
    status = {
        p.status(p.code): checks.code_status(),
        p.status(p.budget): checks.money_status(),
        p.status(p.plan[0]): checks.plan_status(),
    }
    status |= {p.row_status(row): checks.indicator_status(row) for row in p.indicator_rows()}
    for ref, formula in status.items():
        ws[ref] = formula
        ws[ref].font = STATUS
        ws[ref].alignment = Alignment(vertical="center", wrap_text=False)


def _project_highlights(ws: Worksheet) -> None:
    p = LAYOUT.project
    highlights = (
        (p.merged(p.code), p.status(p.code)),
        (f"{p.budget}:{p.other}", p.status(p.budget)),
        (f"{p.plan[0]}:{p.plan[-1]}", p.status(p.plan[0])),
    )
    for ref, status_cell in highlights:
        ws.conditional_formatting.add(
            ref, FormulaRule(formula=[f"LEN({absolute(status_cell)})>0"], fill=PROBLEM_FILL)
        )
    ws.conditional_formatting.add(
        p.grid_range,
        FormulaRule(formula=[f"LEN(${p.row_status(p.first_row)})>0"], fill=PROBLEM_FILL),
    )


def highlight(ws: Worksheet, ref: str, condition: str) -> None:
    """Paint ``ref`` red while ``condition`` (a formula relative to its first cell) holds."""
    ws.conditional_formatting.add(ref, FormulaRule(formula=[condition], fill=PROBLEM_FILL))


PROJECT_ROOM: dict[str, float] = {"title": 30.0, "purpose": 48.0, "goal": 64.0}
"""Heights of a blank project sheet's rows that hold long text: room to type in (a filled
sheet's rows fit their text instead)."""


def _project_print_setup(ws: Worksheet) -> None:
    p = LAYOUT.project
    _widths(ws, p.widths)
    room = {row_of(getattr(p, name)): height for name, height in PROJECT_ROOM.items()}
    fit_sheet(ws, p.printing, minimum=room, rows=range(1, p.header_row + 1))
    page_setup(ws, p.printing)
    ws.page_setup.blackAndWhite = True  # shading is for the screen; print as the official table
    ws.freeze_panes = p.freeze


def lists_sheet(ws: Worksheet) -> None:
    """列表 (hidden): money units, profiles, the settings table and each profile's level and
    alias lists, every one a defined name (both layouts share the sheet)."""
    lists = LAYOUT.lists
    wb = _book(ws)
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
        _name(wb, name, lists.name, lists.list_range(column, len(entries)))
    _profile_table(ws, names)
    column = lists.levels_first_column
    for name in names:
        column = _level_lists(ws, load_profile(name), column)
    _protect(ws)


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
        _name(_book(ws), defined, lists.name, absolute(ref))


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
    _name(_book(ws), name, lists.name, lists.list_range(column, len(rows), width=2))


def _named_list(ws: Worksheet, column: str, name: str, entries: Sequence[Entry]) -> None:
    """A list headed by its own defined name."""
    _list_column(ws, column, name, entries)
    _name(_book(ws), name, LAYOUT.lists.name, LAYOUT.lists.list_range(column, len(entries)))


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
    _protect(ws)
