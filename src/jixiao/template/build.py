"""Build the locked template workbook of a profile from the layout (openpyxl): the workbook
as a whole (:func:`build_template`, :func:`save_workbook`) and the 绩效目标表's own sheets,
部门整体绩效目标, 整体绩效目标表 and the 项目N sheets (:func:`add_project_sheet`, also what
新建项目表 does).  The sheets around them are :mod:`jixiao.template.book_sheets_build`'s, the
cells' look and protection :mod:`jixiao.template.cell_styles`'.

Only input cells are unlocked; every sheet is protected and so is the workbook structure
(password :data:`jixiao.template.layout.PASSWORD`: protection prevents accidents, it is not
security).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.a1 import absolute
from jixiao.atomic import atomic_write
from jixiao.profiles import load_profile
from jixiao.template import native_checks as checks
from jixiao.template.book_sheets_build import lists_sheet, meta_sheet, summary_sheet, unit_sheet
from jixiao.template.cell_styles import (
    AMOUNT_FORMAT,
    BOLD,
    CENTER,
    DENSE,
    INPUT_FILL,
    NOTE,
    PERCENT_FORMAT,
    PROBLEM_FILL,
    STATUS,
    TEXT_FORMAT,
    TITLE,
    box_cells,
    decimal_validation,
    list_validation,
    protect_sheet,
    set_widths,
    style_input,
    write_formulas,
    write_label,
)
from jixiao.template.layout import DEFAULT_PROJECTS, END_MARKER, LAYOUT, MAX_PROJECTS, PASSWORD
from jixiao.template.positions import row_of
from jixiao.template.printing import fit_sheet, page_setup
from jixiao.template.project_sheet import IndicatorGrid

TEMPLATE_DATE = dt.datetime(2024, 1, 1)


def build_template(profile_name: str = "hebei", projects: int = DEFAULT_PROJECTS) -> Workbook:
    """The template workbook for a profile, with ``projects`` empty project sheets."""
    if not 1 <= projects <= MAX_PROJECTS:
        raise ValueError(f"项目表数量应在 1～{MAX_PROJECTS} 之间：{projects}")
    profile = load_profile(profile_name)
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    unit_sheet(first, profile)
    summary_sheet(wb.create_sheet(LAYOUT.summary.name), projects)
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


def _department_sheet(ws: Worksheet) -> None:
    d = LAYOUT.department
    ws[d.title] = "部门整体绩效目标"
    ws[d.title].font = TITLE
    ws[d.overall_label] = "一、总体绩效目标"
    ws[d.overall_label].font = BOLD
    ws.merge_cells(d.overall_goal_merge)
    style_input(ws, d.overall_goal)
    ws[d.blocks_label] = (
        "二、分项绩效目标（每行一个指标；分项名称、绩效目标和支出进度只在该分项第一行填写）"
    )
    ws[d.blocks_label].font = BOLD
    for field_name, _, header in d.block_columns:
        write_label(ws, d.block_cell(field_name, d.blocks_header_row), header)
        for row in range(d.blocks_first_row, d.blocks_last_row + 1):
            plan = field_name.startswith("plan_")
            number_format = PERCENT_FORMAT if plan else TEXT_FORMAT
            style_input(ws, d.block_cell(field_name, row), number_format, DENSE)
    decimal_validation(ws, d.plan_range, "0", "1", "请输入 0%～100% 的累计百分比")
    ws[d.measures_label] = "三、工作保障措施"
    ws[d.measures_label].font = BOLD
    for field_name, _, header in d.measure_columns:
        write_label(ws, d.measure_cell(field_name, d.measures_header_row), header)
    ws.merge_cells(d.measure_text_merge(d.measures_header_row))
    for row in range(d.measures_first_row, d.measures_last_row + 1):
        for field_name, _, _ in d.measure_columns:
            style_input(ws, d.measure_cell(field_name, row), TEXT_FORMAT, DENSE)
        ws.merge_cells(d.measure_text_merge(row))
    list_validation(ws, '"业务保障措施,财务保障措施,工作保障措施"', d.measure_groups, "类别")
    ws[d.end_marker] = END_MARKER
    ws[d.end_marker].font = NOTE
    set_widths(ws, d.widths)
    ws.freeze_panes = d.freeze
    room = {row_of(d.overall_goal): OVERALL_GOAL_ROOM}
    fit_sheet(ws, d.printing, minimum=room, rows=range(1, d.blocks_header_row + 1))
    fit_sheet(ws, d.printing, rows=range(d.measures_label_row, d.measures_header_row + 1))
    page_setup(ws, d.printing)
    protect_sheet(ws)


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
        write_label(ws, first, text)
    for row in range(o.first_row, o.last_row + 1):
        for _, column, _ in o.columns:
            style_input(ws, f"{column}{row}", TEXT_FORMAT, DENSE)
    box_cells(ws, o.header_range)
    list_validation(ws, '"≥,≤,=,>,<"', o.column_range("symbol"), "符号")
    ws[o.end_marker] = END_MARKER
    ws[o.end_marker].font = NOTE
    ws.freeze_panes = o.freeze
    set_widths(ws, o.widths)
    sample = {o.title: "2024年度整体绩效目标表"}  # the title is a formula of the year
    fit_sheet(ws, o.printing, sample, rows=range(1, o.header_rows[1] + 1))
    page_setup(ws, o.printing)
    protect_sheet(ws)


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
        write_label(ws, ref, text, fill=ref != p.department_label)
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
    decimal_validation(
        ws,
        f"{p.budget} {p.fiscal} {p.other}",
        "0",
        "1000000000000",
        "金额应为不小于 0 的数字（单位见表头）",
    )
    decimal_validation(ws, " ".join(p.plan), "0", "1", "请输入 0%～100% 的累计百分比，如 25%")
    level1s = f'INDIRECT("{lists.level1_prefix}"&{key})'
    list_validation(ws, level1s, p.indicator_range("level1"), "一级指标")
    # relative to the range's first row: each row's 二级 list follows that row's 一级 in effect
    level1 = f"${p.helper(p.first_row)}"
    level2s = f'INDIRECT("{lists.level2_prefix}"&{key}&"_"&{level1})'
    list_validation(ws, level2s, p.indicator_range("level2"), "二级指标")
    for column in p.helper_columns:
        ws.column_dimensions[column].hidden = True
    _project_highlights(ws)
    _project_print_setup(ws)
    protect_sheet(ws)


def _project_inputs(ws: Worksheet) -> None:
    p = LAYOUT.project
    for ref in (p.code, p.name, p.purpose, p.goal, p.department):
        style_input(ws, ref, TEXT_FORMAT)
    for ref in (p.budget, p.fiscal, p.other):
        style_input(ws, ref, AMOUNT_FORMAT)
    for ref in p.plan:
        style_input(ws, ref, PERCENT_FORMAT)
    box_cells(ws, p.table_range)
    for row in p.indicator_rows():
        ws.merge_cells(p.description_merge(row))
        for field_name, _ in p.indicator_columns:
            style_input(ws, p.row_cell(field_name, row), TEXT_FORMAT)
        write_formulas(ws, checks.row_helpers(row, p.row_cell("value", row)))
    for ref, helper in zip(p.money_cells, p.money_helpers, strict=True):
        write_formulas(ws, checks.money_helpers(ref, helper))
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


PROJECT_ROOM: dict[str, float] = {"title": 30.0, "purpose": 48.0, "goal": 64.0}
"""Heights of a blank project sheet's rows that hold long text: room to type in (a filled
sheet's rows fit their text instead)."""


def _project_print_setup(ws: Worksheet) -> None:
    p = LAYOUT.project
    set_widths(ws, p.widths)
    room = {row_of(getattr(p, name)): height for name, height in PROJECT_ROOM.items()}
    fit_sheet(ws, p.printing, minimum=room, rows=range(1, p.header_row + 1))
    page_setup(ws, p.printing)
    ws.page_setup.blackAndWhite = True  # shading is for the screen; print as the official table
    ws.freeze_panes = p.freeze
