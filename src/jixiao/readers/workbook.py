"""The opened workbook: its sheets as :class:`Grid` values (python-calamine, or openpyxl for the
benchmarks' comparison), and the :class:`Reader` that reads one workbook and collects its
findings instead of raising, with the checks every layout's reader makes of a sheet (fixed
labels, the end marker, :func:`checked_sheets`).

The base of the workbook readers: :mod:`jixiao.readers.xlsx` (opening, the template check, the
unit sheet), :mod:`jixiao.readers.inputs`, :mod:`jixiao.readers.xlsx_projects`,
:mod:`jixiao.readers.xlsx_department` and the 申报表's readers all import it; it imports none
of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from jixiao import cells
from jixiao.a1 import parse_a1
from jixiao.findings import Finding
from jixiao.model import Location
from jixiao.readers.cell_notes import CellNotes
from jixiao.rules.base import Rule
from jixiao.rules.files import FILE_UNREADABLE, TEMPLATE_TAMPERED, file_finding
from jixiao.template.layout import END_MARKER
from jixiao.textfiles import readable_path
from jixiao.values import normalize_text

Cell = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta
RowCells = tuple[tuple[int, tuple[int, ...]], ...]
"""Some cells of a sheet grouped by worksheet row, rows ascending: (row, 0-based column
indexes); made once per layout by :func:`by_row`."""


def by_row(refs: Iterable[str]) -> RowCells:
    """``refs`` (A1) grouped by row, for :meth:`Grid.all_blank`."""
    grouped: dict[int, list[int]] = {}
    for ref in refs:
        row, column = parse_a1(ref)
        grouped.setdefault(row, []).append(column - 1)
    return tuple((row, tuple(sorted(grouped[row]))) for row in sorted(grouped))


@dataclass(slots=True)
class Grid:
    """One sheet's values by (row, column), 1-based, as calamine read them."""

    name: str
    rows: list[list[Cell]]
    errors: Mapping[str, str] = field(default_factory=dict)
    """Cells holding an error value (``#REF!``), read as blank: an error is no content of the
    clerk's, and the worksheet functions see it so too (xlwings passes errors as None).  The
    reader reports each one on an input cell as ``cell-error``."""

    def raw(self, ref: str) -> Cell:
        """The raw value of a cell ('' when empty or outside the used area)."""
        row, column = parse_a1(ref)
        if row > len(self.rows) or column > len(self.rows[row - 1]):
            return ""
        return self.rows[row - 1][column - 1]

    def text(self, ref: str) -> str | None:
        """A cell as stripped text, None when blank; numbers without a spurious ``.0``."""
        return cells.text(self.raw(ref))

    def texts(self, row: int, columns: Sequence[int]) -> list[str | None] | None:
        """The texts of one row's cells at ``columns`` (0-based indexes), as :meth:`text`
        reads each; None when all are blank.  The row-wise path of the reader."""
        if row > len(self.rows):
            return None
        values = self.rows[row - 1]
        if values.count("") == len(values):
            return None  # an empty row (most of a template's table rows): no cell looked at
        if len(values) <= max(columns):
            values = [*values, *[""] * (max(columns) + 1 - len(values))]
        found = [None if (value := values[c]) == "" else cells.text(value) for c in columns]
        return found if any(found) else None

    def all_blank(self, at: RowCells) -> bool:
        """True when every cell of ``at`` is blank as :meth:`text` reads it (a sheet nothing
        was typed into); row by row, a row holding no value at all passed over whole."""
        for row, columns in at:
            if row > len(self.rows):
                break
            values = self.rows[row - 1]
            if values.count("") == len(values):
                continue
            for column in columns:
                if column < len(values) and cells.text(values[column]) is not None:
                    return False
        return True


class CalamineBook:
    """Sheets read with python-calamine (Rust): the fast path."""

    def __init__(self, path: Path) -> None:
        # Opened by Python, not by name: calamine cannot open every name (GBK bytes on Linux).
        with path.open("rb") as handle:
            self._book = python_calamine.CalamineWorkbook.from_filelike(handle)
        self.sheet_names: list[str] = list(self._book.sheet_names)

    def rows(self, name: str) -> list[list[Cell]]:
        """Every value of a sheet from A1, row by row."""
        rows: list[list[Cell]] = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        return rows


class OpenpyxlBook:
    """Sheets read with openpyxl (pure Python): for comparison in the benchmarks."""

    def __init__(self, path: Path) -> None:
        import openpyxl  # only the benchmarks read with openpyxl

        self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        self.sheet_names: list[str] = list(self._book.sheetnames)

    def rows(self, name: str) -> list[list[Cell]]:
        """Every value of a sheet from A1, row by row (None read as '')."""
        sheet = self._book[name]
        return [[_plain(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _plain(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, int | float | str | dt.time | dt.date | dt.timedelta):
        return value
    return str(value)


Book = CalamineBook | OpenpyxlBook
ENGINES: dict[str, type[CalamineBook] | type[OpenpyxlBook]] = {
    "calamine": CalamineBook,
    "openpyxl": OpenpyxlBook,
}


class Reader:
    """Reads one workbook; collects findings instead of raising."""

    def __init__(self, path: Path, engine: str = "calamine") -> None:
        self.path = path
        self.file = readable_path(path)
        self.engine = ENGINES[engine]
        self.findings: list[Finding] = []
        self.workbook: Book | None = None
        self.notes = CellNotes()
        """Error values and outward-reaching formulas, which calamine does not report."""
        self.noted: set[tuple[str, str]] = set()
        """(sheet, cell) of the outward-reaching formulas reported at an input."""
        self._grids: dict[str, Grid | None] = {}

    def where(self, sheet: str, ref: str) -> Location:
        """A location in this workbook."""
        return Location(self.file, sheet, ref)

    def unreadable(self, reason: str) -> None:
        """Record that the file cannot be read at all."""
        self.findings.append(file_finding(FILE_UNREADABLE, self.file, reason=reason))

    def add(self, rule: Rule, at_sheet: str, at_cell: str | None, **params: object) -> None:
        """Record a reading finding of ``rule`` at a cell."""
        where = Location(file=self.file, sheet=at_sheet, cell=at_cell)
        self.findings.append(file_finding(rule, self.file, where, **params))

    def tampered(self, reason: str, sheet: str | None = None, ref: str | None = None) -> None:
        """Record a changed layout (for the file, a sheet, or one cell)."""
        where = Location(file=self.file, sheet=sheet, cell=ref)
        self.findings.append(file_finding(TEMPLATE_TAMPERED, self.file, where, reason=reason))

    def grid(self, name: str) -> Grid | None:
        """All values of a sheet; None (with a finding) when the sheet cannot be read.  Each
        sheet is read once: asking again returns the same grid (and no second finding)."""
        if name not in self._grids:
            self._grids[name] = self._read_grid(name)
        return self._grids[name]

    def _read_grid(self, name: str) -> Grid | None:
        assert self.workbook is not None
        try:
            rows = self.workbook.rows(name)
        except BaseException as exc:  # calamine raises its own error types, and panics
            if not engine_failed(exc):
                raise
            self.tampered(f"工作表“{name}”的内容已损坏，无法读取", sheet=name)
            return None
        return Grid(name, rows, self.notes.errors.get(name, {}))

    def labels_match(self, grid: Grid, labels: tuple[tuple[str, str], ...]) -> bool:
        """Check fixed labels; a mismatch means rows/columns were inserted or labels renamed."""
        mismatch = label_mismatch(grid, labels)
        if mismatch is None:
            return True
        ref, expected, found = mismatch
        shown = f"“{found}”" if found else "空白"
        self.tampered(
            f"{ref} 应为“{expected}”，实际为{shown}（可能插入/删除了行列）", grid.name, ref
        )
        return False

    def marker_in_place(self, grid: Grid, ref: str) -> bool:
        """The end marker below a grid: moved means rows were inserted or deleted."""
        if grid.text(ref) == END_MARKER:
            return True
        self.tampered(f"表尾标记不在 {ref}（可能插入或删除了行）", grid.name, ref)
        return False


def engine_failed(exc: BaseException) -> bool:
    """Whether ``exc`` is the spreadsheet engine failing on a file: any error, and a panic in
    python-calamine's Rust code (pyo3 raises it as a BaseException, e.g. when an allocation
    fails: it must become this file's finding, not end the run); never Ctrl+C or an exit."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def label_mismatch(
    grid: Grid, labels: tuple[tuple[str, str], ...]
) -> tuple[str, str, str | None] | None:
    """The first fixed label that is not where the layout puts it: (cell, expected, found)."""
    for ref, expected in labels:
        found = grid.text(ref)
        if found != expected and normalize_text(found or "") != normalize_text(expected):
            return ref, expected, found
    return None


def checked_sheets(
    reader: Reader,
    numbered: Iterable[tuple[int, str]],
    labels: tuple[tuple[str, str], ...],
    end_marker: str,
) -> Iterator[tuple[int, Grid]]:
    """The project sheets of a layout that pass its checks (labels where the layout puts them,
    the end marker in place; each failure is reported by the reader), with their numbers."""
    for number, name in numbered:
        grid = reader.grid(name)
        if grid is None or not reader.labels_match(grid, labels):
            continue
        if reader.marker_in_place(grid, end_marker):
            yield number, grid
