"""Write a submission into a fresh template (the inverse of :mod:`jixiao.readers.xlsx`).

Used to turn interchange JSON or imported documents into a workbook a clerk can continue in,
and by the tests' round trips.  Text is always written as text: a value that starts with ``=``
never becomes a formula.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.model import (
    CHECKPOINTS,
    Department,
    DutyBlock,
    PlanEntry,
    Project,
    Rollup,
    Submission,
)
from jixiao.profiles import DEFAULT_PROFILE
from jixiao.template.build import build_template
from jixiao.template.layout import LAYOUT
from jixiao.template.names import DEFAULT_PROJECTS, MAX_PROJECTS
from jixiao.template.printing import fit_sheet, footer


class FillError(ValueError):
    """The submission does not fit the template (too many projects or rows)."""


def put(ws: Worksheet, ref: str, value: object) -> None:
    """Write one value; strings stay strings even when they look like formulas."""
    cell = ws[ref]
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def fill_workbook(
    submission: Submission, profile_name: str | None = None, min_projects: int = DEFAULT_PROJECTS
) -> Workbook:
    """A template of the submission's profile, filled with all of its content.

    The workbook keeps at least ``min_projects`` project sheets so a clerk can add projects.
    """
    projects = len(submission.projects)
    if projects > MAX_PROJECTS:
        raise FillError(f"项目数 {projects} 超过模板上限 {MAX_PROJECTS}")
    profile = profile_name or submission.unit.profile or DEFAULT_PROFILE
    numbers = sheet_numbers(submission.projects)
    wb = build_template(profile, max(min_projects, *numbers, 0))
    fill_unit(wb[LAYOUT.unit.name], submission, profile)
    for number, project in zip(numbers, submission.projects, strict=True):
        _project(wb[LAYOUT.project.sheet_name(number)], project)
    if submission.department is not None:
        _blocks(wb[LAYOUT.department.name], submission.department.blocks)
        _department_rest(wb, submission)
    print_as_filled(wb, submission, numbers)
    return wb


def unit_line(submission: Submission) -> str:
    """``615001 某某法院本级``: the unit line of the printed tables (and their footers)."""
    unit = submission.unit
    return " ".join(x for x in (unit.code, unit.name) if x)


def print_as_filled(wb: Workbook, submission: Submission, numbers: Sequence[int]) -> None:
    """What a filled workbook prints: every filled row as high as its text, the unit in every
    footer; project sheets without a project and empty department sheets are hidden, so they
    do not print (the workbook structure is protected: a clerk unhides them with the password,
    or 新建项目表 adds a sheet).

    Each table's print area is its whole grid, as on the blank template, not the rows filled
    here: an imported workbook is one the clerk goes on filling, and a print area does not
    follow what is typed, so an indicator added below the last imported one was silently left
    off paper.  The price on a desk without the add-in is the empty grid rows on paper; in
    Excel the add-in cuts each area after its last filled row while printing
    (:class:`jixiao.template.print_setup.PrintSetup`)."""
    unit = unit_line(submission)
    money = f"单位：{submission.unit.money_unit.value}"
    p = LAYOUT.project
    used = dict(zip(numbers, submission.projects, strict=True))
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            footer(ws, unit)
    for number in range(1, _project_sheets(wb) + 1):
        ws = wb[p.sheet_name(number)]
        project = used.get(number)
        if project is None:
            hide(ws)
            continue
        title = f"{number}.{project.name or '项目支出'}绩效目标表"
        texts = {p.title: title, p.unit_line: unit, p.money_line: money}
        ws.print_area = p.printing.area
        filled = p.first_row + max(1, len(project.indicators)) - 1
        fit_sheet(ws, p.printing, texts, rows=range(1, filled + 1))
    s = LAYOUT.summary
    wb[s.name].print_area = s.printing(max(used, default=0)).area
    _print_department(wb, submission.department)


def hide(ws: Worksheet) -> None:
    """A sheet that must not print: hidden, and without a print area (LibreOffice prints a
    hidden sheet that has one).  Its header rows stay set for when it is shown again."""
    ws.sheet_state = "hidden"
    ws.print_area = None


def _project_sheets(wb: Workbook) -> int:
    p = LAYOUT.project
    return sum(
        1 for name in wb.sheetnames if name.startswith(p.prefix) and name[len(p.prefix) :].isdigit()
    )


def _print_department(wb: Workbook, department: Department | None) -> None:
    d, o = LAYOUT.department, LAYOUT.overall
    narrative = wb[d.name]
    has_narrative = department is not None and bool(
        (department.overall_goal or "").strip() or department.blocks or department.measures
    )
    if department is None or not has_narrative:
        hide(narrative)
    else:
        used = sum(max(1, len(b.indicators)) for b in department.blocks)
        for row in range(d.blocks_first_row + used, d.blocks_last_row + 1):
            narrative.row_dimensions[row].hidden = True  # a clerk may unhide them to add more
        narrative.print_area = d.printing.area
        measures = d.measures_first_row + max(1, len(department.measures))
        fit_sheet(narrative, d.printing, rows=range(1, d.blocks_first_row + used))
        fit_sheet(narrative, d.printing, rows=range(d.measures_label_row, measures))
    table = wb[o.name]
    rows = len(department.overall_table) if department is not None else 0
    if rows == 0:
        hide(table)
    else:
        table.print_area = o.printing.area
        fit_sheet(table, o.printing, rows=range(o.first_row, o.first_row + rows))


_PROJECT_EXTRAS = (
    ("supervisor", "主管部门"),
    ("implementer", "实施单位"),
    ("start", "开始日期"),
    ("end", "结束日期"),
    ("carryover", "上年结转"),
    ("total", "项目资金总额"),
    ("long_term_goal", "长期目标"),
    ("attributes", "其他信息（项目负责人、立项依据等）"),
)
_INDICATOR_EXTRAS = (
    ("weight", "指标权重"),
    ("direction", "指标方向"),
    ("nature", "定性/定量"),
    ("term", "长期/年度指标的区分"),
    ("remark", "指标备注"),
)


def left_out(submission: Submission) -> list[str]:
    """What of ``submission`` the 绩效目标表 has no cells for, in the clerk's words (the other
    provinces' fields and the 部门整体支出 table): :func:`fill_workbook` writes everything else,
    and an import says what this leaves out instead of dropping it silently."""
    projects, indicators = (
        submission.projects,
        [i for p in submission.projects for i in p.indicators],
    )
    what = [label for name, label in _PROJECT_EXTRAS if any(getattr(p, name) for p in projects)]
    what += [
        label for name, label in _INDICATOR_EXTRAS if any(getattr(i, name) for i in indicators)
    ]
    department = submission.department
    if department is not None:
        if any(
            x is not None
            for x in (department.total, department.project_spending, department.basic_spending)
        ):
            what.append("部门整体支出的资金总额、项目支出和基本支出")
        if any(b.amount is not None or b.project for b in department.blocks):
            what.append("履职目标的支出项目和金额")
        if department.indicators:
            what.append(f"部门整体的绩效指标（{len(department.indicators)} 条）")
    return what + rollups_left_out(submission)


def rollups_left_out(submission: Submission, carried: Collection[Rollup] = ()) -> list[str]:
    """Roll-up rows a document shows that the template has no cells for: all of them in the
    绩效目标表; in the 申报表 all but the ``carried`` ones (a 履职目标 row of its 部门整体支出
    sheet holds 106's, template.department_spending_fill.carried_rollups)."""
    rest = [r for r in submission.rollups if not any(r is c for c in carried)]
    return [f"汇总行（{len(rest)} 行）"] if rest else []


def sheet_numbers(projects: Sequence[Project]) -> list[int]:
    """Each project's sheet number: its published running number when those are usable
    (004 keeps 项目14 and 项目15 after withheld projects 6–13), else 1, 2, 3…"""
    numbers = [p.number for p in projects]
    usable = all(isinstance(n, int) and 1 <= n <= MAX_PROJECTS for n in numbers)
    if usable and len(set(numbers)) == len(numbers):
        return [int(n) for n in numbers]  # type: ignore[arg-type]
    return list(range(1, len(projects) + 1))


def fill_unit(ws: Worksheet, submission: Submission, profile: str) -> None:
    """单位信息 (shared by both layouts): code, name, year, money unit, profile."""
    u, unit = LAYOUT.unit, submission.unit
    values = {
        "code": unit.code,
        "name": unit.name,
        "year": unit.year,
        "money_unit": unit.money_unit.value,
        "profile": profile,
    }
    for name, value in values.items():
        put(ws, u.cell(name), value)


def _percent(entry: PlanEntry) -> object:
    if entry.percent is None:
        return entry.text
    return float(entry.percent / 100)


def _plan_cells(plan: Sequence[PlanEntry], cells: Sequence[str]) -> dict[str, object]:
    by_checkpoint = {entry.checkpoint: entry for entry in plan}
    return {
        ref: _percent(by_checkpoint[c])
        for c, ref in zip(CHECKPOINTS, cells, strict=True)
        if c in by_checkpoint
    }


def _project(ws: Worksheet, project: Project) -> None:
    p = LAYOUT.project
    if len(project.indicators) > p.rows:
        raise FillError(
            f"项目“{project.name}”有 {len(project.indicators)} 条指标，"
            f"模板每张项目表最多 {p.rows} 条"
        )
    values: dict[str, object] = {
        p.code: project.code,
        p.name: project.name,
        p.budget: project.budget,
        p.fiscal: project.fiscal,
        p.other: project.other,
        p.purpose: project.purpose,
        p.goal: project.goal,
        p.department: project.department,
    }
    values |= _plan_cells(project.plan, p.plan)
    for row, indicator in zip(p.indicator_rows(), project.indicators, strict=False):
        for field_name, _ in p.indicator_columns:
            values[p.row_cell(field_name, row)] = getattr(indicator, field_name)
    for ref, value in values.items():
        if value is not None:
            put(ws, ref, value)


def _blocks(ws: Worksheet, blocks: Sequence[DutyBlock]) -> None:
    d = LAYOUT.department
    row = d.blocks_first_row
    for block in blocks:
        rows_needed = max(1, len(block.indicators))
        if row + rows_needed - 1 > d.blocks_last_row:
            raise FillError(f"分项绩效目标超过模板的 {d.blocks_rows} 行")
        put(ws, d.block_cell("title", row), block.title or "（未命名分项）")
        if block.goal:
            put(ws, d.block_cell("goal", row), block.goal)
        plan_refs = [d.block_cell(f"plan_{i}", row) for i in range(len(CHECKPOINTS))]
        for ref, value in _plan_cells(block.plan, plan_refs).items():
            put(ws, ref, value)
        for offset, indicator in enumerate(block.indicators):
            for field_name in ("level1", "level2", "level3", "description", "value"):
                value = getattr(indicator, field_name)
                if value:
                    put(ws, d.block_cell(field_name, row + offset), value)
        row += rows_needed


def _department_rest(wb: Workbook, submission: Submission) -> None:
    department = submission.department
    assert department is not None
    d, o = LAYOUT.department, LAYOUT.overall
    ws = wb[d.name]
    if department.overall_goal:
        put(ws, d.overall_goal, department.overall_goal)
    if len(department.measures) > d.measures_rows:
        raise FillError(f"工作保障措施超过模板的 {d.measures_rows} 行")
    for row, measure in zip(
        range(d.measures_first_row, d.measures_last_row + 1), department.measures, strict=False
    ):
        for field_name, _, _ in d.measure_columns:
            value = getattr(measure, field_name)
            if value:
                put(ws, d.measure_cell(field_name, row), value)
    if len(department.overall_table) > o.rows:
        raise FillError(f"整体绩效目标表超过模板的 {o.rows} 行")
    sheet = wb[o.name]
    for row, overall_row in zip(
        range(o.first_row, o.last_row + 1), department.overall_table, strict=False
    ):
        for field_name, column, _ in o.columns:
            value = getattr(overall_row, field_name)
            if value is not None:
                put(sheet, f"{column}{row}", value)
