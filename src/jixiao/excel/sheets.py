"""The project sheets of each template layout, as the ribbon's 新建项目表 needs them.

A jixiao workbook is either the 绩效目标表 (``项目N`` sheets, :mod:`jixiao.template.layout`) or the
申报表 (``申报表N`` sheets, :mod:`jixiao.template.application`); _meta's template id says which.
Everything the handlers and both Book backends need to add, show or recognise a project sheet is
asked of the layout's own spec here, once, so that neither backend knows an address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jixiao.a1 import column_number
from jixiao.template import application as app
from jixiao.template.layout import LAYOUT, TEMPLATE_ID
from jixiao.template.print_setup import PrintSetup

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


@dataclass(frozen=True, slots=True)
class ProjectSheets:
    """One layout's project sheets."""

    template_id: str
    noun: str
    """How the clerk calls one sheet (项目表, 申报表)."""
    prefix: str
    printing: PrintSetup
    """How a project sheet prints (its whole form; :meth:`PrintSetup.cut` while printing)."""
    typed: tuple[str, ...]
    """Cells that hold something once the sheet is in use (name, code, budget, first indicator)."""
    input_cells: Callable[[], list[str]]
    """Every cell a clerk types into (cleared on a copied sheet)."""
    title_cell: str
    title: Callable[[int], str]
    """The title formula of sheet ``number``."""
    add: Callable[[Workbook, int], Worksheet]
    """Append sheet ``number`` to an openpyxl workbook (the file backend)."""
    other_grids: tuple[tuple[str, PrintSetup], ...] = ()
    """The layout's other sheets that end with a grid of rows typed one after another, by
    name, with how each prints (部门整体绩效目标, 整体绩效目标表, 部门整体支出)."""

    @property
    def print_area(self) -> str:
        """What a blank project sheet prints: the whole form."""
        return self.printing.area

    def printing_of(self, sheet_name: str) -> PrintSetup | None:
        """How a sheet of this layout that ends with a grid prints; None for any other."""
        if self.number(sheet_name) is not None:
            return self.printing
        return dict(self.other_grids).get(sheet_name)

    def sheet_name(self, number: int) -> str:
        """``项目3``, ``申报表3``."""
        return f"{self.prefix}{number}"

    def number(self, sheet_name: str) -> int | None:
        """The number of one of this layout's project sheets, or None for any other sheet."""
        found = re.fullmatch(rf"{re.escape(self.prefix)}(\d+)", sheet_name)
        return int(found.group(1)) if found else None


def _first_layout() -> ProjectSheets:
    from jixiao.template import build

    p = LAYOUT.project
    first_row = tuple(p.row_cell(field, p.first_row) for field, _ in p.indicator_columns)
    return ProjectSheets(
        TEMPLATE_ID,
        "项目表",
        p.prefix,
        p.printing,
        (p.code, p.name, p.budget, p.goal, *first_row),
        build.project_input_cells,
        p.title,
        build.project_title,
        build.add_project_sheet,
        tuple((s.name, s.printing) for s in (LAYOUT.department, LAYOUT.overall)),
    )


def _application() -> ProjectSheets:
    from jixiao.template import application_build as build

    p = app.APPLICATION.project
    first_row = tuple(p.row_cell(field, p.first_row) for field, _, _ in p.indicator_columns)
    return ProjectSheets(
        app.TEMPLATE_ID,
        app.LAYOUT_NAME,
        p.prefix,
        p.printing,
        (p.code, p.name, p.budget, p.goal, *first_row),
        build.application_input_cells,
        p.title,
        build.application_title,
        build.add_application_sheet,
        ((app.APPLICATION.department.name, app.APPLICATION.department.printing),),
    )


def layouts() -> tuple[ProjectSheets, ...]:
    """Every layout's project sheets, the first layout first."""
    return (_first_layout(), _application())


def of_meta(rows: list[list[object]]) -> ProjectSheets:
    """The layout a workbook's _meta (its values from A1) names; the first layout when _meta
    names none it knows (the guard has already refused a workbook without _meta)."""
    meta = LAYOUT.meta
    key_column = column_number(meta.key_column) - 1
    value_column = column_number(meta.value_column) - 1
    for row in rows:
        key = row[key_column] if key_column < len(row) else None
        if key == "template_id":
            value = row[value_column] if value_column < len(row) else None
            for sheets in layouts():
                if value == sheets.template_id:
                    return sheets
    return _first_layout()
