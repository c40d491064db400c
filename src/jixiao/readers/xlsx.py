"""Read a filled template workbook into the model, fast (python-calamine), never crashing.

Every value keeps its file, sheet and cell.  A workbook that is not ours, is encrypted or corrupt
becomes ``file-unreadable``; one whose layout was changed (rows inserted, labels renamed, the
meta sheet deleted, another layout version) becomes ``template-tampered`` for the sheet or the
whole file.  Blank project sheets are skipped.

Speed (issue #15): the package is checked and its cell notes taken in one pass
(:func:`jixiao.readers.package.inspect`), each sheet is read once (:meth:`Reader.grid` keeps
it), and the tables are read row by row: a row's cells are picked by column indexes computed
once from the layout, a blank row is passed over whole, and only non-empty values go through
:mod:`jixiao.cells`.  A row's cells are not made into Locations while reading: its ``sources``
are a :class:`jixiao.model.CellSources` over the layout's addresses (shared by every sheet),
which makes a Location when a rule or a summary row asks for one.  A sheet left blank is found
by :meth:`Grid.all_blank` over its input cells grouped by row (:func:`by_row`, once a layout).
What each step costs: ``benchmarks/bench_read.py --breakdown``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import cast

import python_calamine

from jixiao import cells
from jixiao.a1 import a1, column_number, parse_a1
from jixiao.findings import Finding
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
    Project,
    Submission,
    Unit,
)
from jixiao.money import TABLE_UNITS, MoneyUnit, table_unit
from jixiao.profiles import DEFAULT_PROFILE, builtin_names
from jixiao.readers.cell_notes import LINK, CellNotes, link_address
from jixiao.readers.package import OLE_MAGIC, ZIP_MAGIC, inspect
from jixiao.rules.base import Rule
from jixiao.rules.files import (
    CELL_ERROR,
    FILE_UNREADABLE,
    FORMULA_OUTSIDE,
    LINK_OUTSIDE,
    MONEY_UNIT_INVALID,
    PROFILE_UNKNOWN,
    SHEET_RENAMED,
    TEMPLATE_TAMPERED,
    YEAR_INVALID,
    file_finding,
    link_target,
)
from jixiao.rules.money import AMOUNT_FIELDS, AMOUNT_INVALID
from jixiao.template.layout import (
    END_MARKER,
    LAYOUT,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    fingerprint,
    readable_fingerprint,
)
from jixiao.textfiles import read_error_reason, readable_path
from jixiao.values import normalize_text

_PROJECT_SHEET = re.compile(rf"^{re.escape(LAYOUT.project.prefix)}(\d+)$")
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


def read_workbook(path: Path, engine: str = "calamine") -> tuple[Submission | None, list[Finding]]:
    """Read a filled jixiao template; on unusable input return no submission and the findings.

    ``engine`` is ``calamine`` (fast, the default) or ``openpyxl`` (for comparison).
    """
    reader = Reader(Path(path), engine)
    submission = read_opened(reader) if open_workbook(reader) else None
    return submission, reader.findings


DAMAGED = "工作簿已损坏（内部结构无法解析）：请在 Excel/WPS 中打开后另存为 .xlsx 再报送"


def open_workbook(reader: Reader) -> bool:
    """Check the file (its first bytes, the package guard, the cell notes) and open it with the
    reader's engine; False (with a finding) when it cannot be read."""
    try:
        with reader.path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        reader.unreadable(read_error_reason(exc))
        return False
    if not head:
        reader.unreadable("文件是空的（0 字节）")
        return False
    if head.startswith(OLE_MAGIC):
        reader.unreadable(
            "文件设置了打开密码（已加密），或是旧版 .xls 格式：请去掉密码或另存为 .xlsx"
        )
        return False
    if not head.startswith(ZIP_MAGIC):
        reader.unreadable("不是 .xlsx 工作簿（文件内容不是 Office Open XML）")
        return False
    reason, notes = inspect(reader.path)
    if reason:
        reader.unreadable(reason)
        return False
    try:
        reader.workbook = reader.engine(reader.path)
        reader.notes = notes
    except BaseException as exc:  # calamine raises its own error types, and panics
        if not engine_failed(exc):
            raise
        reader.unreadable(DAMAGED)
        return False
    return True


def engine_failed(exc: BaseException) -> bool:
    """Whether ``exc`` is the spreadsheet engine failing on a file: any error, and a panic in
    python-calamine's Rust code (pyo3 raises it as a BaseException, e.g. when an allocation
    fails: it must become this file's finding, not end the run); never Ctrl+C or an exit."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def read_opened(reader: Reader) -> Submission | None:
    """The submission of a workbook :func:`open_workbook` opened: the model built from its
    cells (each sheet read when first asked for, once); None when the layout is not usable."""
    submission = _read_layout(reader)
    if submission is not None:
        _report_elsewhere(reader)
    return submission


def _report_elsewhere(reader: Reader) -> None:
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


def _read_layout(reader: Reader) -> Submission | None:
    assert reader.workbook is not None
    names = reader.workbook.sheet_names
    if not _meta_names_this_layout(reader, names):
        from jixiao.readers import xlsx_application  # the 申报表 layout (it imports this module)

        if xlsx_application.is_application(reader, names):
            return xlsx_application.read_application(reader, names)
    template = _template_info(reader, names)
    if template is None:
        return None
    unit = _unit(reader, template)
    if unit is None:
        return None
    projects = tuple(_projects(reader, names, unit.money_unit))
    department = _department(reader, names)
    return Submission(unit, projects, department, template, Location(file=reader.file))


def _meta_names_this_layout(reader: Reader, names: list[str]) -> bool:
    """_meta carries this layout's template id: no other layout's reader is asked (the 申报表
    reader brings the document importers with it, a tenth of a second of every start-up)."""
    meta = LAYOUT.meta
    grid = reader.grid(meta.name) if meta.name in names else None
    if grid is None:
        return False
    for row in meta.rows():
        if grid.text(meta.key_cell(row)) == "template_id":
            return grid.text(meta.value_cell(row)) == TEMPLATE_ID
    return False


def _template_info(reader: Reader, names: list[str]) -> dict[str, str | int | None] | None:
    meta = LAYOUT.meta
    ours = LAYOUT.unit.name in names or any(_PROJECT_SHEET.match(n) for n in names)
    if meta.name not in names:
        if ours:
            reader.tampered("缺少模板信息表（_meta），无法确认模板版本")
        else:
            reader.unreadable("不是 jixiao 模板生成的工作簿（没有模板信息表）")
        return None
    grid = reader.grid(meta.name)
    if grid is None:
        return None
    info = {grid.text(meta.key_cell(r)) or "": grid.text(meta.value_cell(r)) for r in meta.rows()}
    if info.get("template_id") != TEMPLATE_ID:
        reader.unreadable(f"不是 jixiao 模板（模板标识为“{info.get('template_id')}”）")
        return None
    written = info.get("fingerprint")
    if info.get("version") != str(TEMPLATE_VERSION) or not _readable_fingerprint(written):
        reader.tampered(
            f"模板版本 {info.get('version')}（{info.get('fingerprint')}）与本程序的 "
            f"{TEMPLATE_VERSION}（{fingerprint()}）不一致：请用新模板重新填报"
        )
        return None
    return {
        "id": TEMPLATE_ID,
        "version": TEMPLATE_VERSION,
        "profile": info.get("profile"),
        "fingerprint": info.get("fingerprint"),
    }


@cache
def _this_fingerprint() -> str:
    """This layout's fingerprint, computed once (hashing the whole layout costs more than
    reading a sheet)."""
    return fingerprint()


def _readable_fingerprint(written: str | None) -> bool:
    return written == _this_fingerprint() or readable_fingerprint(written)


def _unit(reader: Reader, template: dict[str, str | int | None]) -> Unit | None:
    u = LAYOUT.unit
    assert reader.workbook is not None
    if u.name not in reader.workbook.sheet_names:
        reader.tampered(f"缺少工作表“{u.name}”")
        return None
    grid = reader.grid(u.name)
    if grid is None:
        return None
    labels = tuple((u.label_cell(name), label) for name, label, _ in u.fields)
    if not reader.labels_match(grid, labels):
        return None
    sources = {name: reader.where(u.name, u.cell(name)) for name, _, _ in u.fields}
    _report_notes(reader, grid, {u.cell(name) for name, _, _ in u.fields})
    if reader.notes.external_links:
        what = "本工作簿的外部链接（数据 → 编辑链接）"
        reader.add(FORMULA_OUTSIDE, u.name, None, what=what, kind="外部工作簿或 DDE 数据源")
    template_profile = template.get("profile")
    fallback = str(template_profile) if template_profile in builtin_names() else None
    return Unit(
        name=grid.text(u.cell("name")) or "",
        code=grid.text(u.cell("code")),
        year=_year(reader, grid, u.cell("year")),
        money_unit=_money_unit(reader, grid, u.cell("money_unit")),
        profile=_profile(reader, grid, u.cell("profile"), fallback),
        source=reader.where(u.name, u.cell("name")),
        sources=sources,
    )


def _year(reader: Reader, grid: Grid, ref: str) -> int | None:
    """预算年度: a plausible four-digit year; anything else written is reported."""
    year = cells.year(grid.raw(ref))
    written = grid.text(ref)
    if year is None and written:
        reader.add(YEAR_INVALID, grid.name, ref, text=written)
    return year


def _money_unit(reader: Reader, grid: Grid, ref: str) -> MoneyUnit:
    """金额单位: 万元 or 元 (``元（人民币）`` is 元); anything else is reported, read as 万元."""
    written = grid.text(ref)
    unit = table_unit(written)
    if unit is None and written:
        allowed = "、".join(TABLE_UNITS)
        reader.add(MONEY_UNIT_INVALID, grid.name, ref, text=written, allowed=allowed, used="万元")
    return unit or MoneyUnit.WAN


def _profile(reader: Reader, grid: Grid, ref: str, fallback: str | None) -> str | None:
    """规则配置: a built-in profile; an unknown name is reported and the template's used."""
    written = grid.text(ref)
    if written is None or written in builtin_names():
        return written or fallback
    used = fallback or DEFAULT_PROFILE
    allowed = "、".join(builtin_names())
    reader.add(PROFILE_UNKNOWN, grid.name, ref, text=written, allowed=allowed, used=used)
    return fallback


def label_mismatch(
    grid: Grid, labels: tuple[tuple[str, str], ...]
) -> tuple[str, str, str | None] | None:
    """The first fixed label that is not where the layout puts it: (cell, expected, found)."""
    for ref, expected in labels:
        found = grid.text(ref)
        if found != expected and normalize_text(found or "") != normalize_text(expected):
            return ref, expected, found
    return None


_OWN_SHEETS = frozenset(
    getattr(LAYOUT, sheet).name
    for sheet in ("unit", "summary", "department", "overall", "lists", "meta")
)


def _project_sheets(reader: Reader, names: list[str]) -> list[tuple[int, str]]:
    """Project sheets in project order: ``项目N`` by N, then sheets a clerk renamed (found by
    their labels, reported, numbered after the others in workbook order), never dropped."""
    numbered = sorted((int(m.group(1)), n) for n in names if (m := _PROJECT_SHEET.match(n)))
    last = max((number for number, _ in numbered), default=0)
    for name in names:
        if _PROJECT_SHEET.match(name) or name in _OWN_SHEETS:
            continue
        grid = reader.grid(name)
        if grid is None or label_mismatch(grid, LAYOUT.project.labels) is not None:
            continue
        last += 1
        numbered.append((last, name))
        prefix = LAYOUT.project.prefix
        reader.add(SHEET_RENAMED, name, None, sheet=name, prefix=prefix, number=last)
    return numbered


def _projects(reader: Reader, names: list[str], money: MoneyUnit) -> Iterator[Project]:
    p = LAYOUT.project
    sheets = _project_sheets(reader, names)
    for number, grid in checked_sheets(reader, sheets, p.labels, p.end_marker):
        project = _project(reader, grid, number, money)
        if project is not None:
            yield project


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


def _report_notes(reader: Reader, grid: Grid, inputs: frozenset[str] | set[str]) -> None:
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
    _report_notes(reader, grid, _INPUTS)
    amounts = {
        field: _amount(reader, grid, getattr(p, field), label, money)
        for field, label in AMOUNT_FIELDS
    }
    return Project(
        name=grid.text(p.name),
        code=_code(grid.text(p.code)),
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


def _amount(reader: Reader, grid: Grid, ref: str, field: str, money: MoneyUnit) -> Decimal | None:
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


def project_from_values(
    rows: Sequence[Sequence[object]], money: MoneyUnit = MoneyUnit.WAN
) -> Project | None:
    """A project from a project sheet's values, row by row from A1 (what a worksheet function
    receives), read exactly as a workbook file's sheet is; None for a blank sheet."""
    name = LAYOUT.project.sheet_name(1)
    values = cast(list[list[Cell]], [list(row) for row in rows])  # xlwings: None, Decimal too
    grid = Grid(name, values)
    return _project(Reader(Path(name)), grid, 1, money)


def _code(text: str | None) -> str | None:
    return "".join(text.split()) if text else None


def _plan(reader: Reader, grid: Grid) -> tuple[PlanEntry, ...]:
    entries = []
    for checkpoint, ref in zip(CHECKPOINTS, LAYOUT.project.plan, strict=True):
        raw = grid.raw(ref)
        if raw == "" or raw is None:
            continue
        entries.append(_plan_entry(checkpoint, raw, reader.where(grid.name, ref)))
    return tuple(entries)


def _plan_entry(checkpoint: str, raw: Cell, where: Location) -> PlanEntry:
    return PlanEntry(checkpoint, *cells.plan_percent(raw), where)


@dataclass(frozen=True, slots=True)
class _Columns:
    """A table's fields, their 0-based column indexes and, per row, their cells' A1 names:
    computed once from the layout, so reading a row does no address arithmetic."""

    fields: tuple[str, ...]
    indexes: tuple[int, ...]
    refs: Mapping[int, Mapping[str, str]]
    """Per worksheet row: field → its cell (shared by every sheet of the layout)."""

    @classmethod
    def of(cls, columns: Sequence[tuple[str, str]], rows: range) -> _Columns:
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


_INDICATOR_COLUMNS = _Columns.of(LAYOUT.project.indicator_columns, LAYOUT.project.indicator_rows())
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


def _department(reader: Reader, names: list[str]) -> Department | None:
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


_BLOCK_COLUMNS = _Columns.of(
    [(f, c) for f, c, _ in LAYOUT.department.block_columns],
    range(LAYOUT.department.blocks_first_row, LAYOUT.department.blocks_last_row + 1),
)
_MEASURE_COLUMNS = _Columns.of(
    [(f, c) for f, c, _ in LAYOUT.department.measure_columns],
    range(LAYOUT.department.measures_first_row, LAYOUT.department.measures_last_row + 1),
)
_OVERALL_COLUMNS = _Columns.of(
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
                    draft.plan.append(_plan_entry(checkpoint, raw, reader.where(grid.name, ref)))
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
