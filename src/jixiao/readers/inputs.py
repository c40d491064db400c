"""A sheet's input cells as every workbook reader reads them: a table's rows by field
(:class:`Columns`), a money cell in the table's unit (:func:`read_amount`), a plan percentage
(:func:`plan_entry`), a 项目编码 (:func:`project_code`), and what the package guard noted on
them: error values and formulas or links reaching outside the workbook (:func:`report_notes`),
then once for the workbook the outward formulas at no input (:func:`report_elsewhere`).

Shared by the first layout's readers (:mod:`jixiao.readers.xlsx`,
:mod:`jixiao.readers.xlsx_projects`, :mod:`jixiao.readers.xlsx_department`) and the 申报表's
(:mod:`jixiao.readers.xlsx_application`, :mod:`jixiao.readers.xlsx_department_spending`), so a
cell reads the same in every layout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao import cells
from jixiao.a1 import column_number
from jixiao.model import CellSources, Location, PlanEntry
from jixiao.money import MoneyUnit
from jixiao.readers.cell_notes import LINK, link_address
from jixiao.readers.workbook import Cell, Grid, Reader
from jixiao.rules.files import (
    CELL_ERROR,
    FORMULA_OUTSIDE,
    LINK_OUTSIDE,
    file_finding,
    link_target,
)
from jixiao.rules.money import AMOUNT_INVALID


@dataclass(frozen=True, slots=True)
class Columns:
    """A table's fields, their 0-based column indexes and, per row, their cells' A1 names:
    computed once from the layout, so reading a row does no address arithmetic."""

    fields: tuple[str, ...]
    indexes: tuple[int, ...]
    refs: Mapping[int, Mapping[str, str]]
    """Per worksheet row: field → its cell (shared by every sheet of the layout)."""

    @classmethod
    def of(cls, columns: Sequence[tuple[str, str]], rows: range) -> Columns:
        """``columns`` as (field, column letter) pairs over worksheet ``rows``."""
        fields = tuple(f for f, _ in columns)
        letters = tuple(c for _, c in columns)
        refs = {row: {f: f"{c}{row}" for f, c in columns} for row in rows}
        return cls(fields, tuple(column_number(c) - 1 for c in letters), refs)

    def read(self, grid: Grid, row: int) -> dict[str, str | None] | None:
        """The row's texts by field; None when the row is blank."""
        found = grid.texts(row, self.indexes)
        return None if found is None else dict(zip(self.fields, found, strict=True))

    def sources(self, reader: Reader, sheet: str, row: int) -> CellSources:
        """Where each field of the row is (each Location made when asked: 1,800 a workbook)."""
        return CellSources(reader.file, sheet, self.refs[row])


def report_notes(reader: Reader, grid: Grid, inputs: frozenset[str] | set[str]) -> None:
    """Input cells holding an error value, or a formula reaching outside the workbook (its
    value is a stale cache), or a link going outside it (its value is the display text, read
    right: a hint, ``link-outside``)."""
    for ref, text in grid.errors.items():
        if ref in inputs:
            reader.add(CELL_ERROR, grid.name, ref, text=text)
    for ref, (formula, kind) in reader.notes.outside.get(grid.name, {}).items():
        if ref not in inputs:
            continue
        if kind == LINK:
            target = link_target(link_address(formula), formula)
            reader.add(LINK_OUTSIDE, grid.name, ref, target=target)
        else:
            what = f"公式“{formula[:60]}”"
            reader.add(FORMULA_OUTSIDE, grid.name, ref, what=what, kind=kind)
        reader.noted.add((grid.name, ref))


def report_elsewhere(reader: Reader) -> None:
    """Formulas reaching outside the workbook in cells that are no input (a review: an input
    taking ``=Z99`` where Z99 holds WEBSERVICE; INDIRECT defeats following references): one
    finding for the workbook, at the first of them.  Links (:data:`LINK`) are none of them: an
    input taking a link's cell reads its display text, computed inside the workbook (the link
    itself does not come along), so nothing read is stale, and a link outside the inputs is
    not what is consolidated; a link whose text is fetched from outside has that other kind."""
    elsewhere = [
        (sheet, ref, kind)
        for sheet, cells in reader.notes.outside.items()
        for ref, (_, kind) in cells.items()
        if kind != LINK and (sheet, ref) not in reader.noted
    ]
    if elsewhere:
        sheet, ref, kind = elsewhere[0]
        what = f"工作簿中另有 {len(elsewhere)} 处公式（如 {sheet}!{ref}）"
        reader.add(FORMULA_OUTSIDE, sheet, ref, what=what, kind=kind)


def read_amount(
    reader: Reader, grid: Grid, ref: str, field: str, money: MoneyUnit
) -> Decimal | None:
    """A money cell in the table's unit: text such as ``11110000元`` is converted (never taken as
    if it were in 万元); anything that is no amount is reported on its cell, not read as blank."""
    raw = grid.raw(ref)
    reading = cells.money(raw, money)
    if reading.problem:
        where = reader.where(grid.name, ref)
        reader.findings.append(
            file_finding(
                AMOUNT_INVALID,
                reader.file,
                where,
                field=field,
                text=cells.text(raw) or "",
                problem=reading.problem,
            )
        )
    return reading.amount


def plan_entry(checkpoint: str, raw: Cell, where: Location) -> PlanEntry:
    """One checkpoint's 支出计划 cell as a plan percentage (:func:`jixiao.cells.plan_percent`)."""
    return PlanEntry(checkpoint, *cells.plan_percent(raw), where)


def project_code(text: str | None) -> str | None:
    """A 项目编码 as written, without its spaces (None when blank)."""
    return "".join(text.split()) if text else None
