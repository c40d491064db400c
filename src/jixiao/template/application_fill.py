"""Write a submission into a fresh 申报表 template (the inverse of
:mod:`jixiao.readers.xlsx_application`).

What the form has no cell for is refused (:class:`~jixiao.template.fill.FillError`), never
dropped: a spending plan, 绩效指标描述 or 指标值确定依据, a 长期/年度 term on an indicator, the
Hebei department parts.  Those submissions belong in the first layout.  A 部门整体支出绩效目标表
(seed 106) goes into the 部门整体支出 sheet (:mod:`template.department_spending_fill`).
An indicator whose symbol, number and unit were given apart is written into 指标性质 / 指标值 /
度量单位; one given as a whole value is written, as written, into 指标值.  ``Project.cut_off``,
``layout`` and the submission's roll-up rows (but those a 履职目标 row carries) are facts about
an imported document, not about the form a clerk continues in, and are not written.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.model import Indicator, Project, Submission
from jixiao.template.application import APPLICATION, DEFAULT_PROFILE
from jixiao.template.application_build import DEFAULT_SHEETS, build_application
from jixiao.template.department_spending import DEPARTMENT_SPENDING, is_department_spending
from jixiao.template.department_spending_fill import (
    carried_rollups,
    fill_department_spending,
    print_department_spending,
    refusal,
)
from jixiao.template.fill import (
    FillError,
    fill_unit,
    hide,
    put,
    rollups_left_out,
    sheet_numbers,
    unit_line,
)
from jixiao.template.layout import LAYOUT
from jixiao.template.names import MAX_PROJECTS
from jixiao.template.printing import fit_sheet, footer

PURPOSE_LABEL = "资金用途"
"""The 其他信息 label that carries ``Project.purpose`` (the reader maps it back)."""


def fill_application(
    submission: Submission, profile_name: str | None = None, min_projects: int = DEFAULT_SHEETS
) -> Workbook:
    """A 申报表 template of the submission's profile (else the layout's default), filled."""
    _refuse_what_does_not_fit(submission)
    profile = profile_name or submission.unit.profile or DEFAULT_PROFILE
    numbers = sheet_numbers(submission.projects)
    wb = build_application(profile, max(min_projects, *numbers, 0))
    fill_unit(wb[LAYOUT.unit.name], submission, profile)
    p = APPLICATION.project
    for number, project in zip(numbers, submission.projects, strict=True):
        _project(wb[p.sheet_name(number)], project)
    if is_department_spending(submission.department):
        fill_department_spending(wb[DEPARTMENT_SPENDING.name], submission)
    _print_as_filled(wb, submission, numbers)
    return wb


def fits_application(submission: Submission) -> bool:
    """The 申报表 has a cell for everything the submission carries."""
    return application_misfit(submission) is None


def application_misfit(submission: Submission) -> str | None:
    """Why the 申报表 cannot hold the submission (the filler's refusal), None when it can."""
    try:
        _refuse_what_does_not_fit(submission)
    except FillError as exc:
        return str(exc)
    return None


def _refuse_what_does_not_fit(submission: Submission) -> None:
    p = APPLICATION.project
    if len(submission.projects) > MAX_PROJECTS:
        raise FillError(f"项目数 {len(submission.projects)} 超过模板上限 {MAX_PROJECTS}")
    for project in submission.projects:
        label = project.label
        if project.plan:
            raise FillError(f"项目“{label}”有资金支出计划，申报表没有这一栏：请用绩效目标表模板")
        if len(project.indicators) > p.rows:
            raise FillError(
                f"项目“{label}”有 {len(project.indicators)} 条指标，每张申报表最多 {p.rows} 条"
            )
        if len(_extra(project)) > p.extra_rows:
            raise FillError(f"项目“{label}”的其他信息超过申报表的 {p.extra_rows} 行")
        for indicator in project.indicators:
            lost = [
                what
                for what, text in (
                    ("绩效指标描述", indicator.description),
                    ("指标值确定依据", indicator.basis),
                    ("指标期限", indicator.term),
                )
                if text
            ]
            if lost:
                raise FillError(
                    f"项目“{label}”的指标“{indicator.name}”有{'、'.join(lost)}，"
                    "申报表没有这一栏：请用绩效目标表模板"
                )
    department = submission.department
    if department is not None and not department.is_empty:
        if not is_department_spending(department):
            raise FillError("申报表模板没有部门整体绩效目标：请用绩效目标表模板")
        if (why := refusal(department)) is not None:
            raise FillError(f"{why}：请用绩效目标表模板")


def application_left_out(submission: Submission) -> list[str]:
    """What of a submission that fits the 申报表 it still has no cells for: the roll-up rows
    other than those a 履职目标 row carries (104's department subtotal)."""
    return rollups_left_out(submission, list(carried_rollups(submission).values()))


def _extra(project: Project) -> list[tuple[str, str]]:
    rows = list(project.attributes.items())
    if project.purpose:
        rows.insert(0, (PURPOSE_LABEL, project.purpose))
    return rows


def _project(ws: Worksheet, project: Project) -> None:
    p = APPLICATION.project
    values: dict[str, object] = {ref: getattr(project, name) for name, ref in p.text_fields}
    values |= {ref: getattr(project, name) for name, ref, _ in p.amount_cells}
    for row, (label, text) in zip(p.extra_rows_range(), _extra(project), strict=False):
        values[p.extra_label(row)] = label
        values[p.extra_text(row)] = text
    for row, indicator in zip(p.indicator_rows(), project.indicators, strict=False):
        values |= {p.row_cell(f, row): v for f, v in _indicator_cells(indicator).items()}
    for ref, value in values.items():
        if value is not None:
            put(ws, ref, value)


def _indicator_cells(indicator: Indicator) -> dict[str, object]:
    cells: dict[str, object] = {
        "level1": indicator.level1,
        "level2": indicator.level2,
        "level3": indicator.level3,
        "weight": indicator.weight,
        "direction": indicator.direction,
        "nature": indicator.nature,
        "remark": indicator.remark,
    }
    if indicator.symbol is None and indicator.number is None and indicator.unit is None:
        cells["number"] = indicator.written or indicator.value
    else:
        cells |= {"symbol": indicator.symbol, "number": indicator.number, "unit": indicator.unit}
    return cells


def _print_as_filled(wb: Workbook, submission: Submission, numbers: Sequence[int]) -> None:
    """Every filled row as high as its text, each form printing whole (its empty rows too: see
    :func:`jixiao.template.fill.print_as_filled`), the unit in every footer, unused 其他信息
    rows hidden; sheets without a project are hidden (they do not print)."""
    unit = unit_line(submission)
    money = f"单位：{submission.unit.money_unit.value}"
    year = f"（{submission.unit.year or '    '}年度）"
    p = APPLICATION.project
    used = dict(zip(numbers, submission.projects, strict=True))
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            footer(ws, unit)
    sheets = [n for n in wb.sheetnames if n.startswith(p.prefix) and n[len(p.prefix) :].isdigit()]
    for name in sheets:
        number = int(name[len(p.prefix) :])
        ws = wb[name]
        project = used.get(number)
        if project is None:
            hide(ws)
            continue
        shown = max(1, len(_extra(project)))
        for row in list(p.extra_rows_range())[shown:]:
            ws.row_dimensions[row].hidden = True  # unused 其他信息 rows: a clerk may unhide them
        title = f"{number}.{project.name or ''}项目支出绩效目标申报表"
        texts = {p.title: title, p.year_line: year, p.unit_line: unit, p.money_line: money}
        ws.print_area = p.printing.area  # the whole form: see fill.print_as_filled
        filled = p.first_row + max(1, len(project.indicators)) - 1
        fit_sheet(ws, p.printing, texts, rows=range(1, filled + 1))
    print_department_spending(wb, submission.department)


__all__ = ["application_left_out", "fill_application", "fits_application"]
