"""Write a 部门整体支出绩效目标表 (a submission's department part, seed 106) into the 部门整体支出
sheet of a 申报表 workbook (:mod:`template.department_spending`); the inverse of
:mod:`jixiao.readers.xlsx_department_spending`.

Which department parts are this table's: ``department_spending.is_department_spending``
(资金总额 / 项目支出 / 基本支出, a 履职目标 row with its 支出项目名称 or 预算金额, or a department
indicator table).
What the sheet has no cell for is refused (:func:`refusal`), never dropped: the Hebei parts
(工作保障措施, the 整体绩效目标表, a duty's 资金支出计划 or indicators), an indicator's 描述,
依据, weight, direction or parts (符号 / 数值 / 单位 given apart) — those submissions belong in
the 绩效目标表.

A roll-up row the reader took off a 履职目标 row (106's ``基本支出 171.41``: the row keeps its
duty, the amount became a :class:`~jixiao.model.Rollup`, :func:`jixiao.rules.layouts.split_rollups`)
is written back on that row, as the table shows it; reading the sheet takes it off again, so the
round trip gives the same submission (:func:`carried_rollups`).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.model import Department, DutyBlock, Indicator, Rollup, Submission
from jixiao.rules.layouts import row_name
from jixiao.template.department_spending import DEPARTMENT_SPENDING as D
from jixiao.template.department_spending import is_department_spending
from jixiao.template.fill import hide, put
from jixiao.template.printing import fit_sheet


def refusal(department: Department) -> str | None:
    """Why the 部门整体支出 sheet cannot hold ``department`` (Chinese), None when it can."""
    if department.measures or department.overall_table:
        return "部门整体绩效目标有工作保障措施或整体绩效目标表，部门整体支出表没有这些栏目"
    if any(b.plan or b.indicators for b in department.blocks):
        return "部门整体绩效目标的分项有支出计划或分项指标，部门整体支出表没有这些栏目"
    if len(department.blocks) > D.duty_rows:
        return f"年度履职目标有 {len(department.blocks)} 行，部门整体支出表最多 {D.duty_rows} 行"
    if len(department.indicators) > D.rows:
        return f"部门整体的绩效指标有 {len(department.indicators)} 条，最多 {D.rows} 条"
    for indicator in department.indicators:
        lost = [what for what, given in _not_held(indicator) if given]
        if lost:
            return f"部门整体的指标“{indicator.name}”有{'、'.join(lost)}，部门整体支出表没有这一栏"
    return None


def _not_held(indicator: Indicator) -> tuple[tuple[str, object], ...]:
    return (
        ("绩效指标描述", indicator.description),
        ("指标值确定依据", indicator.basis),
        ("指标期限", indicator.term),
        ("权重", indicator.weight is not None),
        ("指标方向", indicator.direction),
        ("定性/定量", indicator.nature),
        ("分列的符号、数值和单位", indicator.symbol or indicator.number or indicator.unit),
    )


def carried_rollups(submission: Submission) -> dict[int, Rollup]:
    """The roll-ups the sheet holds, by the index of the 履职目标 row they were taken off: a
    row without an amount whose 支出项目名称 (else 部门职能) is the roll-up's name
    (:func:`jixiao.rules.layouts.row_name`, or as written)."""
    department = submission.department
    if department is None:
        return {}
    carried: dict[int, Rollup] = {}
    for rollup in submission.rollups:
        for index, block in enumerate(department.blocks):
            names = (row_name(block), block.project or block.title or "")
            if index not in carried and block.amount is None and rollup.name in names:
                carried[index] = rollup
                break
    return carried


def fill_department_spending(ws: Worksheet, submission: Submission) -> None:
    """The department part into the sheet (checked by :func:`refusal` before)."""
    department = submission.department
    assert department is not None
    values: dict[str, object] = {ref: getattr(department, f) for f, ref, _ in D.split_cells}
    values[D.overall_goal] = department.overall_goal
    carried = carried_rollups(submission)
    for index, (row, block) in enumerate(zip(D.duty_rows_range(), department.blocks, strict=False)):
        values |= _duty_cells(block, row, carried.get(index))
    for row, indicator in zip(D.indicator_rows(), department.indicators, strict=False):
        for field_name, _, _ in D.indicator_columns:
            values[D.row_cell(field_name, row)] = _indicator_value(indicator, field_name)
    for ref, value in values.items():
        if value is not None:
            put(ws, ref, value)


def _duty_cells(block: DutyBlock, row: int, rollup: Rollup | None) -> dict[str, object]:
    cells: dict[str, object] = {
        D.duty_cell(f, row): getattr(block, f) for f, _, _ in D.duty_columns
    }
    if rollup is not None:
        cells[D.duty_cell("amount", row)] = rollup.amount
    return cells


def _indicator_value(indicator: Indicator, field_name: str) -> object:
    if field_name == "value":
        return indicator.written or indicator.value
    return getattr(indicator, field_name)


def print_department_spending(wb: Workbook, department: Department | None) -> None:
    """Hidden when the workbook has no such table; else the whole table is printed, unused
    履职目标 rows hidden (a clerk may unhide them), every filled row as high as its text.

    Decision (issue #14 review): the print area is the whole table, as on the blank template,
    not the rows the import filled.  A print area cannot follow the content (Excel and
    LibreOffice keep it fixed), and an imported table is often one the clerk completes (106
    is cut off: the import asks for its 成本指标): an indicator typed below the last imported
    row was not printed.  The price is the empty indicator grid printed after a short table
    (106: a second page of empty rows under the repeated header)."""
    ws = wb[D.name]
    if not is_department_spending(department) or department is None:
        hide(ws)
        return
    duties, grid = used_rows(department)
    for row in range(duties.stop, D.duty_last_row + 1):
        ws.row_dimensions[row].hidden = True
    ws.print_area = D.print_area
    fit_sheet(ws, D.printing, rows=range(1, grid.stop))


def used_rows(department: Department) -> tuple[range, range]:
    """The 履职目标 and indicator rows the department fills (at least one of each)."""
    return D.used_rows(len(department.blocks), len(department.indicators))


__all__ = [
    "carried_rollups",
    "fill_department_spending",
    "print_department_spending",
    "refusal",
    "used_rows",
]
