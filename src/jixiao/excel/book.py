"""The small workbook interface the ribbon handlers are written against, with a file backend.

Two backends implement it: :class:`FileBook` (openpyxl, a workbook on disk: every handler is
tested on Linux through it) and ``XlwingsBook`` in :mod:`jixiao.excel.live` (the workbook open in
Excel, a deliberately thin layer).  Handlers never touch openpyxl or xlwings themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.a1 import a1, quote_sheet
from jixiao.excel.sheets import ProjectSheets
from jixiao.template.build import save_workbook
from jixiao.template.cell_styles import INPUT_COLOR
from jixiao.template.layout import LAYOUT, PASSWORD


class Book(Protocol):
    """What a handler may do with a workbook."""

    def snapshot(self) -> Path:
        """A file with the workbook's current content, for the engine's reader."""

    def sheet_names(self) -> list[str]:
        """Sheet names in order."""

    def values(self, name: str) -> list[list[object]]:
        """A sheet's values, row by row from A1."""

    def replace_sheet(
        self, name: str, rows: list[list[object]], widths: list[float], heading_rows: int = 1
    ) -> None:
        """Create ``name`` (deleting an older one first) at the end, filled with ``rows`` from
        A1; text is always text, never a formula; the first ``heading_rows`` rows are bold and
        stay in view."""

    def delete_sheet(self, name: str) -> None:
        """Delete a sheet if it exists."""

    def link(self, sheet: str, ref: str, target_sheet: str, target_ref: str) -> None:
        """Make a cell a hyperlink to another cell of this workbook."""

    def mark(self, sheet: str, ref: str, color: str | None) -> None:
        """Fill a cell (``FFC7CE``) or restore its template fill (None), through protection."""

    def is_hidden(self, name: str) -> bool:
        """Whether the sheet is hidden (it does not print)."""

    def show_sheet(self, name: str, print_area: str) -> None:
        """Unhide a sheet (through the workbook's structure protection) and set what it prints."""

    def print_area(self, name: str) -> str | None:
        """What the sheet prints (``A1:G35``, several ranges joined by commas), None for
        everything it holds (no print area set)."""

    def set_print_area(self, name: str, area: str) -> None:
        """Set what the sheet prints (``A1:G35``), through the sheet's protection."""

    def hidden_rows(self, name: str, rows: list[int]) -> list[int]:
        """Those of ``rows`` that are hidden (a hidden row does not print)."""

    def show_rows(self, name: str, rows: list[int]) -> None:
        """Unhide ``rows``, through the sheet's protection."""

    def add_project_sheet(self, sheets: ProjectSheets, number: int) -> None:
        """Append an empty, protected project sheet ``项目<number>``."""

    def write_cell(self, sheet: str, ref: str, value: str | int | float | None) -> None:
        """Write one cell (a formula when the text starts with ``=``), through protection."""

    def pick_folder(self) -> Path | None:
        """Ask the clerk for a folder (None when cancelled)."""

    def pick_file(self) -> Path | None:
        """Ask the clerk for a document to import (None when cancelled)."""

    def notify(self, text: str) -> None:
        """Tell the clerk (a message box in Excel, stdout for files)."""

    def status(self, text: str | None) -> None:
        """Show how long work is getting on (Excel's status bar); None gives the bar back."""

    def confirm(self, text: str) -> bool:
        """Ask the clerk a yes/no question (是/否); True for 是."""

    def location(self) -> Path | None:
        """Where the workbook lives on this computer: None for a workbook never saved, or one
        opened from a web address (OneDrive/SharePoint without a local copy)."""

    def save(self) -> None:
        """Persist the changes."""


INPUT_FILL = INPUT_COLOR


class FileBook:
    """A workbook file, edited with openpyxl and saved atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.wb = openpyxl.load_workbook(self.path)
        self.messages: list[str] = []
        self.statuses: list[str | None] = []
        """Every status line shown, in order (None: the bar given back)."""
        self.folder: Path | None = None
        """What pick_folder answers (tests set it; a file has no dialog)."""
        self.document: Path | None = None
        """What pick_file answers."""
        self.answer = False
        """What confirm answers (tests set it; a file has no dialog)."""
        self.questions: list[str] = []

    def snapshot(self) -> Path:
        """The file itself (saved first, so that it holds what the handlers wrote)."""
        self.save()
        return self.path

    def sheet_names(self) -> list[str]:
        """Sheet names in order."""
        return list(self.wb.sheetnames)

    def _sheet(self, name: str) -> Worksheet:
        sheet = self.wb[name]
        assert isinstance(sheet, Worksheet)
        return sheet

    def values(self, name: str) -> list[list[object]]:
        """A sheet's values, row by row from A1."""
        return [list(row) for row in self._sheet(name).iter_rows(values_only=True)]

    def replace_sheet(
        self, name: str, rows: list[list[object]], widths: list[float], heading_rows: int = 1
    ) -> None:
        """Delete and recreate a result sheet at the end; texts stay texts."""
        self.delete_sheet(name)
        sheet = self.wb.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # '=…' typed by a clerk must not become a formula
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        for row in sheet.iter_rows(max_row=heading_rows):
            for cell in row:
                cell.font = Font(bold=True)
        sheet.freeze_panes = a1(heading_rows + 1, 1)
        from jixiao.template.printing import print_list  # openpyxl, like this backend

        print_list(sheet, heading_rows)

    def delete_sheet(self, name: str) -> None:
        """Delete a sheet if it exists."""
        if name in self.wb.sheetnames:
            del self.wb[name]

    def link(self, sheet: str, ref: str, target_sheet: str, target_ref: str) -> None:
        """An internal hyperlink (``#'项目1'!F12``)."""
        cell = self._sheet(sheet)[ref]
        # An in-workbook "location" link, not an external target: Excel and LibreOffice both
        # jump to the cell without asking about external content.
        cell.hyperlink = Hyperlink(ref=ref, location=f"{quote_sheet(target_sheet)}!{target_ref}")
        cell.font = Font(color="0563C1", underline="single")

    def mark(self, sheet: str, ref: str, color: str | None) -> None:
        """Fill a cell; None restores the template's shading (input cells are light yellow)."""
        cell = self._sheet(sheet)[ref]
        if color is None:
            unlocked = cell.protection.locked is False
            color = INPUT_FILL if unlocked else None
        cell.fill = PatternFill("solid", fgColor=color) if color else PatternFill()

    def is_hidden(self, name: str) -> bool:
        """Hidden or very hidden."""
        return self._sheet(name).sheet_state != "visible"

    def show_sheet(self, name: str, print_area: str) -> None:
        """Visible again, printing ``print_area`` (openpyxl ignores the structure protection)."""
        sheet = self._sheet(name)
        sheet.sheet_state = "visible"
        sheet.print_area = print_area

    def print_area(self, name: str) -> str | None:
        """openpyxl's ``'项目1'!$A$1:$G$35`` as ``A1:G35``."""
        area = self._sheet(name).print_area
        if not area:
            return None
        return ",".join(part.split("!")[-1].replace("$", "") for part in area.split(","))

    def set_print_area(self, name: str, area: str) -> None:
        """openpyxl writes the defined name whatever the protection."""
        self._sheet(name).print_area = area

    def hidden_rows(self, name: str, rows: list[int]) -> list[int]:
        """Rows whose dimension says hidden."""
        dimensions = self._sheet(name).row_dimensions
        return [row for row in rows if row in dimensions and dimensions[row].hidden]

    def show_rows(self, name: str, rows: list[int]) -> None:
        """Clear the rows' hidden flag (openpyxl ignores the protection)."""
        for row in rows:
            self._sheet(name).row_dimensions[row].hidden = False

    def add_project_sheet(self, sheets: ProjectSheets, number: int) -> None:
        """Append a project sheet built from its layout; the workbook stays protected."""
        sheet = sheets.add(self.wb, number)
        names = self.wb.sheetnames
        if LAYOUT.lists.name in names:  # keep the hidden sheets last, as in the template
            self.wb.move_sheet(
                sheet, offset=names.index(LAYOUT.lists.name) - names.index(sheet.title)
            )

    def write_cell(self, sheet: str, ref: str, value: str | int | float | None) -> None:
        """Write a cell (openpyxl ignores sheet protection, like Excel's API after Unprotect)."""
        self._sheet(sheet)[ref] = value

    def pick_folder(self) -> Path | None:
        """The preset folder, standing in for the dialog."""
        return self.folder

    def pick_file(self) -> Path | None:
        """The preset document, standing in for the dialog."""
        return self.document

    def notify(self, text: str) -> None:
        """Collect the message (the tests read them)."""
        self.messages.append(text)

    def status(self, text: str | None) -> None:
        """Collect the status line (the tests read them)."""
        self.statuses.append(text)

    def confirm(self, text: str) -> bool:
        """Collect the question and give the preset answer."""
        self.questions.append(text)
        return self.answer

    def location(self) -> Path | None:
        """The file's own path."""
        return self.path

    def save(self) -> None:
        """Save atomically over the original file."""
        save_workbook(self.wb, self.path)


__all__ = ["PASSWORD", "Book", "FileBook"]
