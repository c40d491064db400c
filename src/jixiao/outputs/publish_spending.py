"""The publication of a 部门整体支出绩效目标表 (seed 106, the 申报表 workbook's 部门整体支出
sheet) as Fujian publishes it: the title and the year, one table of the unit, 年度预算安排,
年度总体目标 and the 年度履职目标 rows (each block label merged down over its rows), then the
indicator table.  :mod:`jixiao.outputs.publish` calls it; the labelled rows are laid out as the
申报表 head table is (:func:`jixiao.outputs.publish_application.pieces_table`)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from jixiao.model import Indicator, Submission
from jixiao.outputs.publish_application import Piece, block, pair, pieces_table, put, shown
from jixiao.outputs.publish_docx import narrow_margins, repeat_header, set_cell
from jixiao.outputs.publish_texts import amount_text

if TYPE_CHECKING:
    from jixiao.outputs.publish import Writer

SPENDING_WIDTHS_MM = (22.0, 34.0, 44.0, 40.0, 30.0)
"""Its five columns, 170 mm: the block labels, then 部门职能 | 年度目标任务 | 支出项目名称 |
预算金额 (the head rows span them as the Fujian table does)."""
SPENDING_INDICATOR_WIDTHS_MM = (22.0, 22.0, 58.0, 40.0, 28.0)


def write_department_spending(writer: Writer, submission: Submission) -> None:
    """A 部门整体支出绩效目标表 (seed 106) as Fujian publishes it: the title, ``（2019年度）``,
    one table of 部门(单位)名称 / 部门预算编码, 年度预算安排 (its rows), 年度总体目标 and the
    年度履职目标 rows, then the indicator table (一级/二级 merged over their rows).

    Decisions, for the document reader (readers/documents/department_form.py) to read it back
    as the same submission: each block label is the first cell of its rows, merged down (the
    reader takes a label written whole, as well as one split a word a line); only the stated
    amounts of 年度预算安排 have a row; a roll-up 履职目标 row shows its amount on its row, as the
    table does (106's ``基本支出 171.41``), and is read as the roll-up again.  The money unit is
    in the labels (``年度预算安排（万元）``, ``预算金额（万元）``)."""
    from jixiao.template.department_spending import TITLE

    department = submission.department
    assert department is not None
    styles = writer.styles
    writer.result.department = True
    writer.paragraph(TITLE, styles.table_title)
    if submission.unit.year:
        writer.paragraph(f"（{submission.unit.year}年度）", styles.year)
    rows = _spending_rows(writer, submission)
    table = pieces_table(writer, rows, SPENDING_WIDTHS_MM)
    _merge_spending_labels(writer, table, rows)
    if department.indicators:
        writer.paragraph("", styles.spacer)  # two tables, or Word runs them into one
        _spending_indicators(writer, department.indicators)


def _spending_rows(writer: Writer, submission: Submission) -> list[list[Piece]]:
    from jixiao.template.department_spending_fill import carried_rollups

    department = submission.department
    assert department is not None
    text = partial(shown, writer)
    money = submission.unit.money_unit.value
    rows: list[list[Piece]] = [
        pair("部门(单位)名称", text(submission.unit.name), 0, 2)
        + pair("部门预算编码", text(submission.unit.code), 3, 4)
    ]
    budget = f"年度预算安排（{money}）"
    split = (
        ("资金总额", department.total),
        ("项目支出", department.project_spending),
        ("基本支出", department.basic_spending),
    )
    for label, amount in split:
        if amount is not None:
            rows.append([block(budget), *pair(label, amount_text(amount), 1, 4)])
    rows.append([block("年度总体目标"), ((1, 4), text(department.overall_goal), False)])
    heads = ("部门职能", "年度目标任务", "支出项目名称", f"预算金额（{money}）")
    rows.append([block("年度履职目标"), *(((c, c), h, True) for c, h in enumerate(heads, 1))])
    carried = carried_rollups(submission)
    for index, duty in enumerate(department.blocks):
        rollup = carried.get(index)
        amount = rollup.amount if rollup is not None else duty.amount
        cells = (duty.title, duty.goal, duty.project)
        row = [((c, c), text(t), False) for c, t in enumerate(cells, 1)]
        rows.append([block("年度履职目标"), *row, ((4, 4), amount_text(amount), False)])
    return rows


def _merge_spending_labels(writer: Writer, table: Any, rows: list[list[Piece]]) -> None:
    """Each block label written once over its rows (merged down the first column)."""
    start = 0
    for r in range(1, len(rows) + 1):
        label = rows[start][0][1] if rows[start][0][0] == (0, 0) else None
        if r < len(rows) and label is not None and rows[r][0] == ((0, 0), label, True):
            continue
        if r - start > 1 and label is not None:
            cell = table.cell(start, 0).merge(table.cell(r - 1, 0))
            put(writer, cell, label, True)
        start = r


def _spending_indicators(writer: Writer, indicators: Sequence[Indicator]) -> None:
    widths = SPENDING_INDICATOR_WIDTHS_MM
    table = writer.table(1 + len(indicators), len(widths), widths)
    narrow_margins(table)
    label, cell = writer.styles.form_label, writer.styles.form
    for c, head in enumerate(("一级指标", "二级指标", "三级指标", "指标解释", "目标值")):
        set_cell(table.cell(0, c), head, label)
    repeat_header(table.rows[0])
    for r, indicator in enumerate(indicators, start=1):
        set_cell(table.cell(r, 2), shown(writer, indicator.level3), cell)
        set_cell(table.cell(r, 3), shown(writer, indicator.remark), cell)
        set_cell(table.cell(r, 4), shown(writer, indicator.written or indicator.value), cell)
    writer.merge_levels(table, indicators, first_row=1, style=cell)
