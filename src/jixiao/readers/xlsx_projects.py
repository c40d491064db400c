"""The project sheets of the 绩效目标表 (``项目N``,
:class:`jixiao.template.project_sheet.ProjectSheet`) into :class:`jixiao.model.Project`
values: which sheets are project sheets (renamed ones
found by their labels), a blank sheet skipped, the money, plan and indicator cells read row by
row; and :func:`project_from_values`, the same reading of a sheet's values for the worksheet
functions.  Called by :mod:`jixiao.readers.xlsx` once the template is checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import cast

from jixiao.a1 import a1, column_number, parse_a1
from jixiao.model import CHECKPOINTS, CellSources, Indicator, PlanEntry, Project
from jixiao.money import MoneyUnit
from jixiao.readers.inputs import Columns, plan_entry, project_code, read_amount, report_notes
from jixiao.readers.workbook import Cell, Grid, Reader, checked_sheets, label_mismatch
from jixiao.rules.files import SHEET_RENAMED
from jixiao.rules.money import AMOUNT_FIELDS
from jixiao.template.layout import LAYOUT

PROJECT_SHEET = re.compile(rf"^{re.escape(LAYOUT.project.prefix)}(\d+)$")
_OWN_SHEETS = frozenset(
    getattr(LAYOUT, sheet).name
    for sheet in ("unit", "summary", "department", "overall", "lists", "meta")
)


def _project_sheets(reader: Reader, names: list[str]) -> list[tuple[int, str]]:
    """Project sheets in project order: ``项目N`` by N, then sheets a clerk renamed (found by
    their labels, reported, numbered after the others in workbook order), never dropped."""
    numbered = sorted((int(m.group(1)), n) for n in names if (m := PROJECT_SHEET.match(n)))
    last = max((number for number, _ in numbered), default=0)
    for name in names:
        if PROJECT_SHEET.match(name) or name in _OWN_SHEETS:
            continue
        grid = reader.grid(name)
        if grid is None or label_mismatch(grid, LAYOUT.project.labels) is not None:
            continue
        last += 1
        numbered.append((last, name))
        prefix = LAYOUT.project.prefix
        reader.add(SHEET_RENAMED, name, None, sheet=name, prefix=prefix, number=last)
    return numbered


def read_projects(reader: Reader, names: list[str], money: MoneyUnit) -> Iterator[Project]:
    p = LAYOUT.project
    sheets = _project_sheets(reader, names)
    for number, grid in checked_sheets(reader, sheets, p.labels, p.end_marker):
        project = _project(reader, grid, number, money)
        if project is not None:
            yield project


_TEXT_INPUTS = frozenset(
    [
        *(getattr(LAYOUT.project, field) for field in ("code", "name", "purpose", "goal")),
        LAYOUT.project.department,
        *(
            LAYOUT.project.row_cell(field, row)
            for field, _ in LAYOUT.project.indicator_columns
            for row in LAYOUT.project.indicator_rows()
        ),
    ]
)
"""The project sheet's input cells that hold text (not money, not plan percentages)."""


_INPUTS = (
    _TEXT_INPUTS
    | {getattr(LAYOUT.project, field) for field, _ in AMOUNT_FIELDS}
    | set(LAYOUT.project.plan)
)
"""Every input cell of a project sheet."""


def _blank_grid(grid: Grid) -> bool:
    """No input anywhere in the printed table area (labels excepted): a sheet never filled in.
    A plain scan of the values; much cheaper than reading every field of 30 empty sheets."""
    p = LAYOUT.project
    labels = {text for _, text in p.labels}
    width = column_number(p.last_column)
    for row in grid.rows[parse_a1(p.code)[0] - 1 : p.last_row]:
        for value in row[:width]:
            if value not in ("", None) and value not in labels:
                return False
    return True


def _project(reader: Reader, grid: Grid, number: int, money: MoneyUnit) -> Project | None:
    p = LAYOUT.project
    if _blank_grid(grid):
        return None
    inputs = (p.code, p.name, p.budget, p.fiscal, p.other, p.purpose, p.goal, *p.plan)
    indicators = tuple(_indicators(reader, grid))
    if not indicators and all(grid.text(ref) is None for ref in inputs):
        return None  # a blank project sheet
    report_notes(reader, grid, _INPUTS)
    amounts = {
        field: read_amount(reader, grid, getattr(p, field), label, money)
        for field, label in AMOUNT_FIELDS
    }
    return Project(
        name=grid.text(p.name),
        code=project_code(grid.text(p.code)),
        number=number,
        department=grid.text(p.department),
        budget=amounts["budget"],
        fiscal=amounts["fiscal"],
        other=amounts["other"],
        purpose=grid.text(p.purpose),
        plan=_plan(reader, grid),
        goal=grid.text(p.goal),
        indicators=indicators,
        source=reader.where(grid.name, p.title),
        sources=CellSources(reader.file, grid.name, _PROJECT_FIELDS),
    )


_PROJECT_FIELDS: Mapping[str, str] = {
    "code": LAYOUT.project.code,
    "name": LAYOUT.project.name,
    "budget": LAYOUT.project.budget,
    "fiscal": LAYOUT.project.fiscal,
    "other": LAYOUT.project.other,
    "purpose": LAYOUT.project.purpose,
    "goal": LAYOUT.project.goal,
    "plan": LAYOUT.project.plan[0],
    "department": LAYOUT.project.department,
    "indicators": a1(LAYOUT.project.first_row, 1),
}
"""Where a project's fields are on its sheet (the same cells on every project sheet)."""


def project_from_values(
    rows: Sequence[Sequence[object]], money: MoneyUnit = MoneyUnit.WAN
) -> Project | None:
    """A project from a project sheet's values, row by row from A1 (what a worksheet function
    receives), read exactly as a workbook file's sheet is; None for a blank sheet."""
    name = LAYOUT.project.sheet_name(1)
    values = cast(list[list[Cell]], [list(row) for row in rows])  # xlwings: None, Decimal too
    grid = Grid(name, values)
    return _project(Reader(Path(name)), grid, 1, money)


def _plan(reader: Reader, grid: Grid) -> tuple[PlanEntry, ...]:
    entries = []
    for checkpoint, ref in zip(CHECKPOINTS, LAYOUT.project.plan, strict=True):
        raw = grid.raw(ref)
        if raw == "" or raw is None:
            continue
        entries.append(plan_entry(checkpoint, raw, reader.where(grid.name, ref)))
    return tuple(entries)


_INDICATOR_COLUMNS = Columns.of(LAYOUT.project.indicator_columns, LAYOUT.project.indicator_rows())
_LEVEL1_FIRST = column_number(dict(LAYOUT.project.indicator_columns)["level1"]) == 1
"""An indicator's source is its row's first cell: the 一级 cell's Location when the layout puts
一级 there (one Location less a row)."""


def _indicators(reader: Reader, grid: Grid) -> Iterator[Indicator]:
    level1: str | None = None
    level2: str | None = None
    for row in LAYOUT.project.indicator_rows():
        cells = _INDICATOR_COLUMNS.read(grid, row)
        if cells is None:
            continue
        if cells["level1"]:
            level1, level2 = cells["level1"], None
        level2 = cells["level2"] or level2  # a blank 二级 continues the one above, as merged
        sources = _INDICATOR_COLUMNS.sources(reader, grid.name, row)
        yield Indicator(
            level1=level1,
            level2=level2,
            level3=cells["level3"],
            description=cells["description"],
            value=cells["value"],
            basis=cells["basis"],
            source=sources["level1"] if _LEVEL1_FIRST else reader.where(grid.name, a1(row, 1)),
            sources=sources,
        )
