"""The summary's tables as a clerk reads them, and their CSV export (``--tables-dir``).

:func:`summary_tables` names every table of the summary workbook in sheet order; the workbook
writer (:mod:`jixiao.outputs.summary`) and :func:`write_tables` both read it, so a CSV holds
exactly the rows of its sheet (all of them: a table that continues on ``指标明细(2)``… is one
CSV).  File names are the sheet names (``项目汇总.csv``); the two tables of 汇总概览 are
``汇总概览.csv`` (its figures and what each total includes) and ``各下属单位.csv``.

A CSV is UTF-8 with a byte-order mark (Excel and WPS open it as UTF-8 only with the mark), comma
separated, every line ending in CRLF, and appears atomically (:mod:`jixiao.atomic`).  Values are
written as the sheets show them (:func:`cell_text`): money to 0.01 and percentages to 0.1
(half up, as plain decimals: ``1234.50``, never a float's ``1234.4999999``), counts as whole
numbers, 达标/未达标 and 是/否 as words, a blank as nothing, an amount no cell can hold as
blank (the sheet leaves it blank too).  File names are relative to the summary's folder, as in
the workbook.

Formula protection: a spreadsheet opening a CSV evaluates a field that starts with ``=``,
``+``, ``-`` or ``@`` (and some engines a tab or carriage return first), so a text from a
submission could run as a formula.  Every such text field is written with a leading ``'``
(the usual protection: Excel and WPS then show it as text); numbers are never prefixed.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from jixiao.atomic import atomic_write
from jixiao.consolidation.columns import NO_MINIMUM_NOTE, PLAN_NOTE
from jixiao.consolidation.rows import plain
from jixiao.consolidation.table import Column, Kind, Row, Value
from jixiao.consolidation.unit import Consolidation
from jixiao.outputs.report import MONEY_PLACES, OUT_OF_RANGE, PERCENT_PLACES
from jixiao.views import Joined

MET_TEXT = {True: "达标", False: "未达标"}
YES_NO = {True: "是", False: "否"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a CSV field as a formula."""
BOM = "\ufeff"


class FileNames:
    """A submission's file as the summary names it: relative to the summary's folder
    (``报送/某单位.xlsx``), or as given when it lies elsewhere.  Each name is worked out once
    (a province has millions of indicator rows but only thousands of files)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen: dict[str, str] = {}

    def __call__(self, value: Value) -> Value:
        if not isinstance(value, str) or not value:
            return value
        shown = self._seen.get(value)
        if shown is None:
            shown = self._seen[value] = self._relative(value)
        return shown

    def _relative(self, value: str) -> str:
        try:
            relative = os.path.relpath(Path(value).resolve(), self.folder.resolve())
        except (ValueError, OSError, RuntimeError):  # another drive on Windows; a link loop
            return value
        return value if relative.startswith("..") else relative.replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class SummaryTable:
    """One table of the summary: its sheet (and CSV) name, columns and rows as shown."""

    name: str
    columns: tuple[Column, ...]
    source: Sequence[Row]
    file_names: Callable[[Value], Value] | None = None
    """Applied to the 文件 column while the rows are read (no copy of the table is made)."""

    def __len__(self) -> int:
        return len(self.source)

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns' keys, in order."""
        return tuple(c.key for c in self.columns)

    def index(self, key: str) -> int:
        """The position of column ``key`` (ValueError when there is none)."""
        return self.keys.index(key)

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[Row]:
        """Rows ``start``…``stop`` as the sheet shows them."""
        end = len(self.source) if stop is None else min(stop, len(self.source))
        at = self.keys.index("file") if self.file_names and "file" in self.keys else None
        source = self.source
        if isinstance(source, Joined):  # rows waiting on disk: read file by file, in order
            found: Iterable[Row] = source.between(start, end)
        else:
            found = (source[number] for number in range(start, end))
        for row in found:
            if at is not None and self.file_names is not None:
                row = (*row[:at], self.file_names(row[at]), *row[at + 1 :])
            yield row


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure of 汇总概览: its label, value, how it is written, and what it includes."""

    label: str
    value: Value
    kind: Kind
    note: str


FACT_HEADINGS = ("项目", "数值", "说明（合计包括什么）")
"""汇总概览.csv's headings (the sheet heads only the notes: the labels stand in a column)."""
OVERVIEW, SUB_UNITS = "汇总概览", "各下属单位"


def overview_facts(result: Consolidation) -> list[Fact]:
    """汇总概览's figures, in order, each with what it includes."""
    tally, notes = result.tally, result.totals_notes()
    budget: Value = result.budget
    if isinstance(budget, Decimal) and not math.isfinite(float(budget)):
        budget = OUT_OF_RANGE  # said, not left blank: no cell holds a number this large
    facts: list[tuple[str, Value, Kind]] = [
        ("金额单位", result.money_unit.value, Kind.TEXT),
        ("预算年度", result.year_text(), Kind.TEXT),
        ("报送文件", len(result.entries), Kind.COUNT),
        ("无法读取的文件", sum(e.submission is None for e in result.entries), Kind.COUNT),
        ("项目数", len(result.projects), Kind.COUNT),
        ("预算数合计", budget, Kind.MONEY),
        ("错误", tally.errors, Kind.COUNT),
        ("警告", tally.warnings, Kind.COUNT),
        ("提示", tally.infos, Kind.COUNT),
    ]
    return [Fact(label, value, kind, notes.get(label, "")) for label, value, kind in facts]


def plan_table(result: Consolidation) -> tuple[SummaryTable, list[str]]:
    """支出计划 as shown, and the notes said under it (without the minimum columns when the
    profile sets no minimum)."""
    plan, notes = result.plan, [PLAN_NOTE]
    count, budget = result.repeated()
    if count:  # review17: most of a demo's 计划内预算数 was one pair, counted twice unsaid
        unit = result.money_unit.value
        notes.append(
            f"项目编码相同、出现在多份报送中的 {count} 个项目（预算 {plain(budget)}{unit}）"
            "每份都计入各节点的金额和预算数，见问题清单 project-code-duplicate。"
        )
    if all(value is None for value in plan.column("minimum_percent")):
        plan = plan.without("minimum_percent").without("met")
        notes.append(NO_MINIMUM_NOTE)
    return SummaryTable("支出计划", plan.columns, plan.rows), notes


def summary_tables(result: Consolidation, folder: Path) -> dict[str, SummaryTable]:
    """Every list of the summary by sheet name, in sheet order (汇总概览's list of sub-units
    under :data:`SUB_UNITS`); files named relative to ``folder``."""
    names = FileNames(folder)
    tables = [
        SummaryTable(SUB_UNITS, result.sub_units.columns, result.sub_units.rows, names),
        SummaryTable("项目汇总", result.projects.columns, result.projects.rows, names),
        plan_table(result)[0],
        SummaryTable("指标明细", result.indicators.columns, result.indicators.rows, names),
    ]
    findings = result.findings_table()
    tables.append(SummaryTable("问题清单", findings.columns, findings.rows, names))
    tables.append(SummaryTable("部门整体", result.department.columns, result.department.rows))
    return {table.name: table for table in tables}


# ---------------------------------------------------------------- values as shown


def _rounded_text(value: Decimal, places: Decimal) -> str:
    try:
        return f"{value.quantize(places, rounding=ROUND_HALF_UP):f}"
    except InvalidOperation:  # too many digits to round: beyond any budget, left as it is
        return f"{value:f}"


def cell_text(value: Value | float, kind: Kind) -> str:
    """A value as its sheet shows it: money 0.01, percent 0.1, count whole, words for
    达标 and yes/no, nothing for a blank or an amount no cell can hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return (MET_TEXT if kind is Kind.MET else YES_NO)[value]
    if isinstance(value, int | float | Decimal):
        number = Decimal(value) if isinstance(value, int | float) else value
        if not number.is_finite() or not math.isfinite(float(number)):
            return ""  # the sheet leaves it blank (the engine has reported the value)
        if kind is Kind.MONEY:
            return _rounded_text(number, MONEY_PLACES)
        if kind is Kind.PERCENT:
            return _rounded_text(number, PERCENT_PLACES)
        if kind is Kind.COUNT:
            return _rounded_text(number, Decimal(1))
        text = f"{number.normalize():f}" if isinstance(value, Decimal) else str(value)
        return text
    return str(value)


def guarded(text: str) -> str:
    """A text field a spreadsheet will not run as a formula (``'`` before ``=``, ``+`` …)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(values: Iterable[Value], kinds: Sequence[Kind]) -> list[str]:
    """One CSV record: every value as shown, texts guarded against formulas."""
    return [
        guarded(cell_text(value, kind)) if isinstance(value, str) else cell_text(value, kind)
        for value, kind in zip(values, kinds, strict=True)
    ]


# ---------------------------------------------------------------- the CSV files


def table_files(folder: Path) -> list[Path]:
    """The CSV files :func:`write_tables` writes into ``folder`` (checked before any work)."""
    names = [OVERVIEW, SUB_UNITS, "项目汇总", "支出计划", "指标明细", "问题清单", "部门整体"]
    return [folder / f"{name}.csv" for name in names]


def write_tables(result: Consolidation, folder: Path, summary_folder: Path) -> list[Path]:
    """Write every table of the summary as ``<sheet name>.csv`` into ``folder``, atomically;
    files are named relative to ``summary_folder`` (the workbook's folder), as in the sheets.
    Returns the files written, in :func:`table_files` order."""
    overview = folder / f"{OVERVIEW}.csv"
    facts = (
        csv_row((f.label, f.value, f.note), (Kind.TEXT, f.kind, Kind.TEXT))
        for f in overview_facts(result)
    )
    _write_csv(overview, FACT_HEADINGS, facts)
    written = [overview]
    for table in summary_tables(result, summary_folder).values():
        path = folder / f"{table.name}.csv"
        kinds = [c.kind for c in table.columns]
        records = (csv_row(row, kinds) for row in table.rows())
        _write_csv(path, [c.heading for c in table.columns], records)
        written.append(path)
    return written


def _write_csv(path: Path, headings: Sequence[str], records: Iterable[list[str]]) -> None:
    """One CSV, atomically: a byte-order mark, the header, then the records."""

    def write(temporary: Path) -> None:
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            handle.write(BOM)
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([guarded(h) for h in headings])
            writer.writerows(records)

    atomic_write(path, write)
