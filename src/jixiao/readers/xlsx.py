"""Read a filled template workbook into the model, fast (python-calamine), never crashing.

Every value keeps its file, sheet and cell.  A workbook that is not ours, is encrypted or corrupt
becomes ``file-unreadable``; one whose layout was changed (rows inserted, labels renamed, the
meta sheet deleted, another layout version) becomes ``template-tampered`` for the sheet or the
whole file.  Blank project sheets are skipped.

This module opens the workbook (:func:`open_workbook`: first bytes, the package guard, the
engine), checks the template (_meta: id, version, fingerprint; a 申报表 workbook is handed to
:mod:`jixiao.readers.xlsx_application`) and reads 单位信息; the rest lives beside it, one job a
module: :mod:`jixiao.readers.workbook` (:class:`~jixiao.readers.workbook.Grid`, the engines,
:class:`~jixiao.readers.workbook.Reader`), :mod:`jixiao.readers.inputs` (input cells as every
layout reads them, and their notes), :mod:`jixiao.readers.xlsx_projects` (the project sheets)
and :mod:`jixiao.readers.xlsx_department` (the department sheets).

Speed (issue #15): the package is checked and its cell notes taken in one pass
(:func:`jixiao.readers.package.inspect`), each sheet is read once (:meth:`Reader.grid` keeps
it), and the tables are read row by row: a row's cells are picked by column indexes computed
once from the layout (:class:`jixiao.readers.inputs.Columns`), a blank row is passed over
whole, and only non-empty values go through :mod:`jixiao.cells`.  A row's cells are not made
into Locations while reading: its ``sources`` are a :class:`jixiao.model.CellSources` over the
layout's addresses (shared by every sheet), which makes a Location when a rule or a summary row
asks for one.  A sheet left blank is found by :meth:`Grid.all_blank` over its input cells
grouped by row (:func:`jixiao.readers.workbook.by_row`, once a layout).  What each step costs:
``benchmarks/bench_read.py --breakdown``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jixiao import cells
from jixiao.findings import Finding
from jixiao.model import Location, Submission, Unit
from jixiao.money import TABLE_UNITS, MoneyUnit, table_unit
from jixiao.profiles import DEFAULT_PROFILE, builtin_names
from jixiao.readers.inputs import report_elsewhere, report_notes
from jixiao.readers.package import OLE_MAGIC, ZIP_MAGIC, inspect
from jixiao.readers.workbook import Grid, Reader, engine_failed
from jixiao.readers.xlsx_department import read_department
from jixiao.readers.xlsx_projects import PROJECT_SHEET, read_projects
from jixiao.rules.files import (
    FORMULA_OUTSIDE,
    MONEY_UNIT_INVALID,
    PROFILE_UNKNOWN,
    YEAR_INVALID,
    YEAR_MISSING,
)
from jixiao.template.layout import (
    LAYOUT,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    fingerprint,
    readable_fingerprint,
)
from jixiao.textfiles import read_error_reason


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


def read_opened(reader: Reader) -> Submission | None:
    """The submission of a workbook :func:`open_workbook` opened: the model built from its
    cells (each sheet read when first asked for, once); None when the layout is not usable."""
    submission = _read_layout(reader)
    if submission is not None:
        report_elsewhere(reader)
    return submission


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
    unit = read_unit(reader, template)
    if unit is None:
        return None
    projects = tuple(read_projects(reader, names, unit.money_unit))
    department = read_department(reader, names)
    submission = Submission(unit, projects, department, template, Location(file=reader.file))
    report_blank_year(reader, submission)
    return submission


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
    ours = LAYOUT.unit.name in names or any(PROJECT_SHEET.match(n) for n in names)
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


def read_unit(reader: Reader, template: dict[str, str | int | None]) -> Unit | None:
    """单位信息: the unit, as every layout's reader takes it (the 申报表's too); None when the
    sheet is missing or its labels were changed (reported)."""
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
    report_notes(reader, grid, {u.cell(name) for name, _, _ in u.fields})
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


def report_blank_year(reader: Reader, submission: Submission) -> None:
    """A filled workbook with 预算年度 left blank says so (review14: the deadline checks fell
    silent, and nothing said why).  Not a blank template (it is submission-empty), nor a year
    written but unreadable (year-invalid, or the cell's error value, says that already)."""
    department = submission.department
    filled = submission.projects or (department is not None and not department.is_empty)
    if submission.unit.year is not None or not filled:
        return
    u, ref = LAYOUT.unit, LAYOUT.unit.cell("year")
    grid = reader.grid(u.name)
    erred = ref in reader.notes.errors.get(u.name, {})  # (calamine reads an error as blank)
    if grid is not None and not grid.text(ref) and not erred:
        reader.add(YEAR_MISSING, u.name, ref)


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
