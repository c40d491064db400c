"""What the 绩效目标 ribbon's buttons do, written against the small Book interface.

Every handler is tested on Linux through :class:`jixiao.excel.book.FileBook`; in Excel the same
functions run on the live workbook through ``jixiao.excel.live.XlwingsBook``.  The flows are the
service layer's (:mod:`jixiao.service.actions`, :mod:`jixiao.service.import_export`): a refused
request raises ``ActionError`` (:mod:`jixiao.service.refusals`), which
:func:`jixiao.excel.ribbon.press` shows as a message box.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jixiao.a1 import parse_a1
from jixiao.consolidation.table import Table, Value
from jixiao.consolidation.unit import Consolidation, consolidate
from jixiao.excel.book import Book
from jixiao.excel.buttons import BY_KEY, TEMPLATE_MARK, not_template
from jixiao.excel.sheets import ProjectSheets, of_meta
from jixiao.findings import FINDING_COLUMNS, FileReport, Finding, Tally
from jixiao.readers.xlsx import read_workbook
from jixiao.service.actions import consolidate_submissions, validate_paths
from jixiao.service.collect import collect, split_by_department
from jixiao.service.import_export import forms_output, import_to_template
from jixiao.template.book_sheets_build import summary_row
from jixiao.template.cell_styles import PROBLEM_COLOR
from jixiao.template.layout import LAYOUT, RESULT, TEMPLATE_ID

MARK_COLOR = PROBLEM_COLOR


def result_rows(report: FileReport) -> list[list[object]]:
    """The 校验结果 sheet from A1: a summary line, the header, one row per finding (the finding
    columns as every findings table has them, :data:`jixiao.findings.FINDING_COLUMNS`)."""
    summary = (
        f"共 {len(report.findings)} 个问题：{report.tally().text()}（{report.projects} 个项目）"
    )
    rows: list[list[object]] = [RESULT.top_line("一键校验结果", summary), [*RESULT.headers]]
    keys = [key for key, _ in FINDING_COLUMNS]
    for number, finding in enumerate(report.findings, start=1):
        values: dict[str, object] = dict(zip(keys, finding.cell_values(), strict=True))
        values |= {"number": number, "sheet": finding.sheet, "cell": finding.cell}
        rows.append([values[key] for key in RESULT.keys])
    return rows


def _marked_cells(book: Book) -> list[tuple[str, str]]:
    if RESULT.name not in book.sheet_names():
        return []
    rows = book.values(RESULT.name)[RESULT.first_row - 1 :]
    sheet, cell = RESULT.index("sheet"), RESULT.index("cell")
    return [(str(r[sheet]), str(r[cell])) for r in rows if len(r) > cell and r[sheet] and r[cell]]


def _unmark(book: Book) -> int:
    cells = set(_marked_cells(book))
    names = set(book.sheet_names())
    for sheet, ref in cells:
        if sheet in names:
            book.mark(sheet, ref, None)
    return len(cells)


def validate_book(book: Book, profile_name: str | None = None) -> FileReport:
    """一键校验: check with the full engine, list every finding with a link, mark the cells."""
    _unmark(book)
    book.delete_sheet(RESULT.name)
    (entry,) = validate_paths([book.snapshot()], profile_name)
    report = entry.file_report()
    book.replace_sheet(RESULT.name, result_rows(report), RESULT.widths, RESULT.header_row)
    names = set(book.sheet_names())
    for row, finding in enumerate(report.findings, start=RESULT.first_row):
        if finding.sheet in names and finding.cell:
            book.link(RESULT.name, RESULT.cell("cell", row), finding.sheet, finding.cell)
            book.mark(finding.sheet, finding.cell, MARK_COLOR)
    book.notify(_summary(report.findings) + _print_notes(book))
    return report


def _print_notes(book: Book) -> str:
    """Make every filled row of the grid sheets print, and say what was changed."""
    fixes = print_filled_rows(book)
    notes = ""
    if fixes.widened:
        names = "”“".join(fixes.widened)
        notes += f"\n已把“{names}”的打印区域恢复为整张表（原先有填写的行不在其中）。"
    for name, rows in fixes.shown.items():
        shown = "、".join(str(row) for row in rows)
        notes += f"\n已取消隐藏“{name}”第 {shown} 行：这些行有内容，隐藏的行不会打印。"
    return notes


@dataclass(frozen=True, slots=True)
class PrintFixes:
    """What :func:`print_filled_rows` changed."""

    widened: list[str] = field(default_factory=list)
    """Sheets whose print area was set back to the whole grid."""
    shown: dict[str, list[int]] = field(default_factory=dict)
    """Hidden rows that hold something, shown again, by sheet."""


def print_filled_rows(book: Book) -> PrintFixes:
    """Every shown sheet that ends with a grid prints each of its filled rows (一键校验):

    * a print area that stops above the last filled grid row (a workbook imported before
      print areas were kept whole, or cut by hand) is set back to the layout's whole area;
    * a hidden row inside the area that holds something is shown (an import hides the unused
      分项, 其他信息 and 履职目标 rows; rows pasted into them would be on paper never);
    * 总览 prints down to the row of the last shown project sheet.

    An area is never cut here: cut at 一键校验, a row typed afterwards would be left off
    paper again (only the add-in's BeforePrint cuts, at the moment of printing)."""
    sheets = layout_of(book)
    fixes = PrintFixes()
    for name in book.sheet_names():
        how = sheets.printing_of(name)
        if how is None or book.is_hidden(name):
            continue
        values = book.values(name)
        filled = how.last_filled(values)
        area = book.print_area(name)
        if filled is not None and area is not None and _last_row(area) < filled:
            book.set_print_area(name, how.area)
            fixes.widened.append(name)
        hidden = book.hidden_rows(name, how.filled_rows(values))
        if hidden:
            book.show_rows(name, hidden)
            fixes.shown[name] = hidden
    shown = [
        number
        for name in book.sheet_names()
        if (number := sheets.number(name)) is not None and not book.is_hidden(name)
    ]  # a sheet shown by hand (with the password) is listed in 总览: its row must print
    if shown and _list_in_summary(book, sheets, max(shown), write=False):
        fixes.widened.append(LAYOUT.summary.name)
    return fixes


def _last_row(area: str) -> int:
    """The bottom row of an area (``A1:G16`` → 16; the lowest of several ranges)."""
    return max(parse_a1(part.split(":")[-1])[0] for part in area.split(","))


def _summary(findings: list[Finding]) -> str:
    if not findings:
        return "校验完成：未发现问题。"
    errors = Tally.of(findings).errors
    return (
        f"校验完成：发现 {len(findings)} 个问题，其中错误 {errors} 个。"
        f"详见“{RESULT.name}”表，点击单元格地址可跳转。"
    )


def clear_marks(book: Book) -> int:
    """清除标记: restore the marked cells and remove the 校验结果 sheet; return how many."""
    count = _unmark(book)
    book.delete_sheet(RESULT.name)
    book.notify(f"已清除 {count} 处标记。")
    return count


def new_project_sheet(book: Book) -> str:
    """新建项目表: the next project sheet of the workbook's layout (项目N, or 申报表N in a
    申报表 workbook).  A filled workbook keeps its unused project sheets hidden (they must not
    print): the first of those after the last shown one is shown again when it is still empty;
    otherwise one more empty, protected sheet is added (and listed in 总览 where there is one).
    Hidden sheets in the middle keep their numbers (withheld projects)."""
    sheets = layout_of(book)
    numbered = sorted(
        (number, name) for name in book.sheet_names() if (number := sheets.number(name)) is not None
    )
    shown = [number for number, name in numbered if not book.is_hidden(name)]
    last_shown = max(shown, default=0)
    for number, name in numbered:
        if number > last_shown and book.is_hidden(name) and _empty(book, name, sheets):
            book.show_sheet(name, sheets.print_area)
            _list_in_summary(book, sheets, number, write=False)
            book.notify(f"已启用{sheets.noun}“{name}”（原先未使用、隐藏的空白表）。")
            return name
    number = max((n for n, _ in numbered), default=0) + 1
    book.add_project_sheet(sheets, number)
    _list_in_summary(book, sheets, number, write=True)
    name = sheets.sheet_name(number)
    book.notify(f"已新建{sheets.noun}“{name}”。")
    return name


def _list_in_summary(book: Book, sheets: ProjectSheets, number: int, write: bool) -> bool:
    """总览 lists project sheet ``number`` (``write``: its row is written; a hidden sheet
    shown again has one) and prints that row (a filled workbook's 总览 printed only as far as
    the projects it was filled with).  True when its print area had to grow."""
    summary = LAYOUT.summary
    if sheets.template_id != TEMPLATE_ID or summary.name not in book.sheet_names():
        return False
    if write:
        for ref, value in summary_row(number).items():
            book.write_cell(summary.name, ref, value)
    area = book.print_area(summary.name)
    if area is not None and _last_row(area) < summary.row(number):
        book.set_print_area(summary.name, summary.printing(number).area)
        return True
    return False


def layout_of(book: Book) -> ProjectSheets:
    """The layout whose template made the workbook (its _meta's template id)."""
    meta = LAYOUT.meta.name
    return of_meta(book.values(meta) if meta in book.sheet_names() else [])


def _empty(book: Book, name: str, sheets: ProjectSheets) -> bool:
    """Nothing typed on the sheet yet: its name, code, budget, goal and first indicator row."""
    rows = book.values(name)
    for ref in sheets.typed:
        row, column = parse_a1(ref)
        line = rows[row - 1] if row <= len(rows) else []
        if column <= len(line) and line[column - 1] not in (None, ""):
            return False
    return True


SUMMARY_SHEETS = ("汇总-下属单位", "汇总-项目", "汇总-支出计划", "汇总-问题")
SUMMARY_SUFFIX = "-汇总"


def _sheet_rows(table: Table) -> list[list[object]]:
    """A consolidation table as a sheet: headings, then plain values (amounts as float, the
    book's cells take no Decimal; 达标 as text)."""
    rows: list[list[object]] = [list(table.headings)]
    for row in table.rows:
        rows.append([_sheet_value(value) for value in row])
    return rows


def _sheet_value(value: Value) -> object:
    if isinstance(value, bool):
        return "达标" if value else "未达标"
    if isinstance(value, Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def summary_target(folder: Path) -> Path:
    """Where 汇总 of a folder writes: beside the folder (``报送-汇总.xlsx``), never inside it
    (the next 汇总 would read it as a submission) and never over an existing file."""
    target = folder.parent / f"{folder.name or '报送'}{SUMMARY_SUFFIX}.xlsx"
    number = 1
    while target.exists():
        number += 1
        target = folder.parent / f"{folder.name or '报送'}{SUMMARY_SUFFIX}（{number}）.xlsx"
    return target


def consolidate_folder(book: Book, folder: Path) -> Consolidation:
    """汇总 on a folder: every workbook under it → a summary workbook beside it, how far it
    has got shown in Excel's status bar (Excel waits while Python works: a province's inbox
    takes minutes)."""
    output = summary_target(folder)
    status = StatusLine(book, "汇总")
    try:
        result = consolidate_submissions(
            [folder],
            output,
            unit_name=_unit_name(book),
            progress=status.step("读取与校验", "个文件"),
            writing=status.step("写入汇总工作簿"),
        )
    finally:
        book.status(None)
    errors = Tally.of(result.findings).errors
    book.notify(
        f"已汇总 {len(result.entries)} 份报送、{len(result.projects)} 个项目"
        f"（错误 {errors} 个）。汇总工作簿：{output}"
    )
    return result


class StatusLine:
    """Progress of a long button in the book's status bar: ``jixiao 汇总：读取与校验 37/120 个
    文件``, then ``jixiao 汇总：写入汇总工作簿 45%``; shown at most every :data:`STATUS_EVERY`
    seconds (each one is a call into Excel), and always when a step is done."""

    def __init__(self, book: Book, action: str) -> None:
        self.book, self.action = book, action
        self._shown = -math.inf

    def step(self, label: str, counted: str | None = None) -> Callable[[int, int], None]:
        """A progress callback for one step: ``counted`` items (``37/120 个文件``), or a
        percentage when None."""

        def told(done: int, total: int) -> None:
            now = time.monotonic()
            if done < total and now - self._shown < STATUS_EVERY:
                return
            self._shown = now
            if counted is not None:
                figure = f"{done}/{total} {counted}"
            else:
                figure = f"{math.floor(100 * done / max(total, 1))}%"
            self.book.status(f"jixiao {self.action}：{label} {figure}")

        return told


STATUS_EVERY = 0.25
"""Seconds between two status lines of :class:`StatusLine`."""


def consolidate_departments(book: Book) -> Consolidation:
    """汇总 inside one workbook: group its project sheets by 填报部门, refresh summary sheets."""
    (entry,) = collect([book.snapshot()], workers=1)
    result = consolidate(split_by_department(entry))
    tables = (result.sub_units, result.projects, result.plan, result.findings_table())
    for name, table in zip(SUMMARY_SHEETS, tables, strict=True):
        if "file" in table.keys:  # one workbook: its path says nothing here
            table = table.without("file")
        book.replace_sheet(name, _sheet_rows(table), [c.width for c in table.columns])
    book.notify(
        f"已按填报部门汇总 {len(result.entries)} 个部门、{len(result.projects)} 个项目，"
        f"见“{SUMMARY_SHEETS[0]}”等表。"
    )
    return result


def _unit_name(book: Book) -> str:
    if TEMPLATE_MARK not in book.sheet_names():
        return "本单位"
    submission, _ = read_workbook(book.snapshot())
    return submission.unit.name if submission and submission.unit.name else "本单位"


def consolidate_button(book: Book) -> Consolidation | None:
    """汇总: a folder if the clerk picks one, otherwise this workbook's department sheets."""
    folder = book.pick_folder()
    if folder:
        return consolidate_folder(book, folder)
    if TEMPLATE_MARK not in book.sheet_names():
        book.notify(not_template(BY_KEY["consolidate"]) + "（或选择一个文件夹）")
        return None
    return consolidate_departments(book)


def import_target(document: Path) -> Path:
    """Where an imported document's workbook goes: beside it, never over an existing file."""
    target = document.with_suffix(".xlsx")
    number = 1
    while target.exists() or forms_output(target).exists():  # its 申报表 part goes beside it
        number += 1
        target = document.with_name(f"{document.stem}（导入{number}）.xlsx")
    return target


def import_button(book: Book) -> Path | None:
    """导入: a published .docx/.txt → a filled template beside it, with what the import found."""
    document = book.pick_file()
    if document is None:
        return None
    target = import_target(document)
    imported = import_to_template(document, target)
    findings = imported.report.findings
    if imported.submission is None:
        reason = findings[0].message if findings else "无法识别的文件"
        book.notify(f"无法导入 {document.name}：{reason}")
        return None
    places = "、".join(f"{book.path}（{book.projects} 个项目）" for book in imported.written)
    book.notify(
        f"已导入 {len(imported.submission.projects)} 个项目到 {places}；"
        f"发现 {len(findings)} 个问题，打开该文件后点“一键校验”查看。"
    )
    return target


PUBLISHED_SUFFIX = "-公开文本"


def publish_target(workbook: Path) -> Path:
    """Where 生成公开文本 writes: beside the workbook (``X-公开文本.docx``), never over an
    existing file (the clerk may have edited last run's document in Word)."""
    target = workbook.with_name(f"{workbook.stem}{PUBLISHED_SUFFIX}.docx")
    number = 1
    while target.exists():
        number += 1
        target = workbook.with_name(f"{workbook.stem}{PUBLISHED_SUFFIX}（{number}）.docx")
    return target


def publish_button(book: Book) -> Path | None:
    """生成公开文本: what is on screen (unsaved edits included) → the publication beside the
    workbook.  Errors are not published silently: the clerk is told how many and asked."""
    from jixiao.service.publish import publish, published_text  # python-docx: only here

    location = book.location()
    if location is None:
        book.notify(
            "请先把本工作簿保存到本机的文件夹（新建的工作簿、只在网页上的 OneDrive/SharePoint"
            " 工作簿，以及直接从邮件附件或压缩包里打开的工作簿，都要先“另存为”到本机）：公开文本"
            "生成在它所在的文件夹里，而临时文件夹里的文件会被系统清除。"
        )
        return None
    target = publish_target(location)
    snapshot = book.snapshot()
    result = publish([snapshot], target)
    if result.publication is None and result.errors and not result.unreadable:
        question = (
            f"本工作簿还有 {result.errors} 个错误（点“一键校验”可逐条查看）。\n"
            "公开前应先改正。仍要生成公开文本吗？"
        )
        if not book.confirm(question):
            book.notify("没有生成公开文本。")
            return None
        result = publish([snapshot], target, allow_errors=True)
    book.notify(published_text(result))
    return result.output if result.publication is not None else None
