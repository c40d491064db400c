"""The department sheets of the 绩效目标表 into :class:`jixiao.model.Department`: 部门整体绩效目标
(总体绩效目标, the 分项绩效目标 blocks with their plan and indicators, 工作保障措施) and
整体绩效目标表 (one row per indicator, seed 002's 18 columns).  Called by
:mod:`jixiao.readers.xlsx` once the template is checked.  (The 申报表's 部门整体支出 sheet is
:mod:`jixiao.readers.xlsx_department_spending`'s.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from jixiao.a1 import a1
from jixiao.model import (
    CHECKPOINTS,
    CellSources,
    Department,
    DutyBlock,
    Indicator,
    Location,
    Measure,
    OverallRow,
    PlanEntry,
)
from jixiao.readers.inputs import Columns, plan_entry
from jixiao.readers.workbook import Grid, Reader
from jixiao.template.layout import LAYOUT


def read_department(reader: Reader, names: list[str]) -> Department | None:
    d, o = LAYOUT.department, LAYOUT.overall
    blocks: tuple[DutyBlock, ...] = ()
    measures: tuple[Measure, ...] = ()
    overall_goal = None
    rows: tuple[OverallRow, ...] = ()
    if d.name in names and (grid := reader.grid(d.name)) is not None:
        labels = tuple((f"{c}{d.blocks_header_row}", h) for _, c, h in d.block_columns)
        if reader.labels_match(grid, labels) and reader.marker_in_place(grid, d.end_marker):
            overall_goal = grid.text(d.overall_goal)
            blocks = tuple(_blocks(reader, grid))
            measures = tuple(_measures(reader, grid))
    if o.name in names and (grid := reader.grid(o.name)) is not None:
        labels = tuple((ref.split(":")[0], text) for ref, text in o.header)
        if reader.labels_match(grid, labels) and reader.marker_in_place(grid, o.end_marker):
            rows = tuple(_overall_rows(reader, grid))
    if not (overall_goal or blocks or measures or rows):
        return None
    return Department(
        overall_goal,
        blocks,
        measures,
        rows,
        source=reader.where(d.name, d.overall_goal),
        sources={
            "overall_goal": reader.where(d.name, d.overall_goal),
            "blocks": reader.where(d.name, d.block_cell("title", d.blocks_first_row)),
            "measures": reader.where(d.name, d.measure_cell("group", d.measures_first_row)),
        },
    )


@dataclass(slots=True)
class _BlockDraft:
    """A 分项绩效目标 block while its rows are being read."""

    title: str | None
    goal: str | None
    source: Location
    plan: list[PlanEntry] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    def done(self) -> DutyBlock:
        return DutyBlock(
            self.title, self.goal, tuple(self.plan), tuple(self.indicators), self.source
        )


_BLOCK_COLUMNS = Columns.of(
    [(f, c) for f, c, _ in LAYOUT.department.block_columns],
    range(LAYOUT.department.blocks_first_row, LAYOUT.department.blocks_last_row + 1),
)
_MEASURE_COLUMNS = Columns.of(
    [(f, c) for f, c, _ in LAYOUT.department.measure_columns],
    range(LAYOUT.department.measures_first_row, LAYOUT.department.measures_last_row + 1),
)
_OVERALL_COLUMNS = Columns.of(
    [(f, c) for f, c, _ in LAYOUT.overall.columns],
    range(LAYOUT.overall.first_row, LAYOUT.overall.last_row + 1),
)


_BLOCK_INDICATOR_FIELDS = ("level1", "level2", "level3", "description", "value")


def _blocks(reader: Reader, grid: Grid) -> Iterator[DutyBlock]:
    """One block per row that names a 分项; the rows below it add its indicators."""
    d = LAYOUT.department
    columns = {f: c for f, c, _ in d.block_columns}
    draft: _BlockDraft | None = None
    for row in _BLOCK_COLUMNS.refs:
        cells = _BLOCK_COLUMNS.read(grid, row)
        if cells is None:
            continue
        if cells["title"] or draft is None:
            if draft is not None:
                yield draft.done()
            where = reader.where(grid.name, d.block_cell("title", row))
            draft = _BlockDraft(cells["title"], cells["goal"], where)
            for i, checkpoint in enumerate(CHECKPOINTS):
                ref = f"{columns[f'plan_{i}']}{row}"
                raw = grid.raw(ref)
                if raw not in ("", None):
                    draft.plan.append(plan_entry(checkpoint, raw, reader.where(grid.name, ref)))
        if cells["level3"] or cells["description"] or cells["value"]:
            refs = {f: f"{columns[f]}{row}" for f in _BLOCK_INDICATOR_FIELDS}
            draft.indicators.append(
                Indicator(
                    level1=cells["level1"],
                    level2=cells["level2"],
                    level3=cells["level3"],
                    description=cells["description"],
                    value=cells["value"],
                    source=reader.where(grid.name, f"{columns['level3']}{row}"),
                    sources=CellSources(reader.file, grid.name, refs),
                )
            )
    if draft is not None:
        yield draft.done()


def _measures(reader: Reader, grid: Grid) -> Iterator[Measure]:
    d = LAYOUT.department
    for row in _MEASURE_COLUMNS.refs:
        cells = _MEASURE_COLUMNS.read(grid, row)
        if cells is not None:
            yield Measure(
                cells["title"],
                cells["text"],
                cells["group"],
                reader.where(grid.name, d.measure_cell("group", row)),
            )


def _overall_rows(reader: Reader, grid: Grid) -> Iterator[OverallRow]:
    for row in _OVERALL_COLUMNS.refs:
        cells = _OVERALL_COLUMNS.read(grid, row)
        if cells is not None:
            yield OverallRow(
                **cells,
                source=reader.where(grid.name, a1(row, 1)),
                sources=_OVERALL_COLUMNS.sources(reader, grid.name, row),
            )
