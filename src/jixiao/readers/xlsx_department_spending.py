"""Read the 部门整体支出 sheet of a 申报表 workbook (:mod:`jixiao.template.department_spending`)
into the submission's department part: the inverse of
:mod:`jixiao.template.department_spending_fill`.

:mod:`jixiao.readers.xlsx_application` calls it with the workbook it has opened; the sheet is
judged as the forms are (fixed labels, end marker, cell values through :mod:`jixiao.cells`,
amounts through the shared money reading, findings on the sheet's cells).  A version-1
workbook has no such sheet: no department part.

How the cells become the model, as the document reader (readers/documents/department_form.py)
reads the published table, so that a table and its workbook are one submission:

* 资金总额 / 项目支出 / 基本支出 are ``Department.total`` / ``project_spending`` /
  ``basic_spending``; 年度总体目标 is ``overall_goal``;
* each 年度履职目标 row with content is a :class:`~jixiao.model.DutyBlock` (部门职能 ``title``,
  年度目标任务 ``goal``, 支出项目名称 ``project``, 预算金额 ``amount``); the rows that are roll-ups
  are taken apart by :func:`jixiao.rules.layouts.split_rollups`, the one reading of them (106's
  ``基本支出 171.41`` keeps its duty; its amount becomes a :class:`~jixiao.model.Rollup`);
* the indicator rows are ``Department.indicators``: 一级 / 二级 (a blank one continues the row
  above, as merged), 三级, 指标解释 (``remark``), 目标值 a whole value, normalised with the
  written form kept when it differs (as the forms' 指标值 alone, ``compose_value``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.model import Department, DutyBlock, Indicator, Rollup
from jixiao.money import MoneyUnit
from jixiao.readers.inputs import Columns, read_amount, report_notes
from jixiao.readers.workbook import Grid, Reader, by_row
from jixiao.rules.layouts import DEPARTMENT_PARTS, split_rollups
from jixiao.template.department_spending import DEPARTMENT_SPENDING as D

_INPUTS = frozenset(D.input_cells)
_INPUT_ROWS = by_row(_INPUTS)
_AMOUNT_LABEL = {f: h for f, _, h in D.duty_columns}["amount"]


def read_department_spending(
    reader: Reader, names: list[str], money: MoneyUnit
) -> tuple[Department | None, tuple[Rollup, ...]]:
    """The department part and the roll-up rows of its 履职目标; (None, ()) when the workbook
    has no such sheet (version 1), the sheet is blank, or its layout was changed (reported)."""
    if D.name not in names:
        return None, ()
    grid = reader.grid(D.name)
    if grid is None or not reader.labels_match(grid, D.labels):
        return None, ()
    if not reader.marker_in_place(grid, D.end_marker):
        return None, ()
    if grid.all_blank(_INPUT_ROWS):
        return None, ()
    report_notes(reader, grid, _INPUTS)
    amounts = {
        name: read_amount(reader, grid, ref, label, money) for name, ref, label in D.split_cells
    }
    split = dict(zip(DEPARTMENT_PARTS, ("project_spending", "basic_spending"), strict=True))
    stated = [part for part, name in split.items() if amounts[name] is not None]
    duties, rollups = split_rollups(list(_duties(reader, grid, money)), amounts["total"], stated)
    where = {name: reader.where(D.name, ref) for name, ref, _ in D.split_cells}
    where["overall_goal"] = reader.where(D.name, D.overall_goal)
    department = Department(
        overall_goal=grid.text(D.overall_goal),
        blocks=tuple(duties),
        source=reader.where(D.name, D.title),
        sources=where,
        total=amounts["total"],
        project_spending=amounts["project_spending"],
        basic_spending=amounts["basic_spending"],
        indicators=tuple(_indicators(reader, grid)),
    )
    return department, tuple(rollups)


def _duties(reader: Reader, grid: Grid, money: MoneyUnit) -> Iterator[DutyBlock]:
    for row in D.duty_rows_range():
        texts = _DUTY_COLUMNS.read(grid, row)
        if texts is None:
            continue
        cell = D.duty_cell("amount", row)
        amount: Decimal | None = read_amount(reader, grid, cell, _AMOUNT_LABEL, money)
        yield DutyBlock(
            title=texts["title"],
            goal=texts["goal"],
            source=reader.where(D.name, D.duty_cell("title", row)),
            sources=_DUTY_COLUMNS.sources(reader, D.name, row),
            project=texts["project"],
            amount=amount,
        )


def _indicators(reader: Reader, grid: Grid) -> Iterator[Indicator]:
    from jixiao.readers.xlsx_application import (  # that module imports this one
        compose_value,
        levels_in_effect,
    )

    level1: str | None = None
    level2: str | None = None
    for row in D.indicator_rows():
        texts = _INDICATOR_COLUMNS.read(grid, row)
        if texts is None:
            continue
        level1, level2 = levels_in_effect(texts, level1, level2)
        value, written, _ = compose_value(None, texts["value"], None)
        yield Indicator(
            level1=level1,
            level2=level2,
            level3=texts["level3"],
            value=value,
            source=reader.where(D.name, D.row_cell("level1", row)),
            sources=_INDICATOR_COLUMNS.sources(reader, D.name, row),
            written=written,
            remark=texts["remark"],
        )


_DUTY_COLUMNS = Columns.of([(f, c) for f, c, _ in D.duty_columns], D.duty_rows_range())
_INDICATOR_COLUMNS = Columns.of([(f, c) for f, c, _ in D.indicator_columns], D.indicator_rows())
"""The sheet's two tables: a row read in one pass, its cells' addresses computed once."""


__all__ = ["read_department_spending"]
