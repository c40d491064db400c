"""The publication: the 预算绩效目标 document a unit makes public, written with python-docx.

The layout is the one the published documents show (tests/fixtures/documents): a title with
the unit and the year; 第一部分 部门整体绩效目标 — 一、总体绩效目标, 二、分项绩效目标 (one block a
duty: its 绩效目标, 资金支出计划 and 绩效指标), 三、工作保障措施 — and the 18-column
整体绩效目标表 in a landscape section; then 第二部分 预算项目绩效目标: per project the title
``N.项目名称绩效目标表``, the unit line ``615001 某某单位``, ``单位：万元`` and the project table
(项目编码/项目名称, 预算规模及资金用途, 资金支出计划（%）, 绩效目标), then the indicator table
with its 一级/二级 cells merged over their rows and its header repeated on every page.
Projects left out of the running numbers are noted as the published documents note them
(``6-13号项目绩效目标按规定暂不公开。``).

A4, page X of Y in every footer, East Asian fonts named for Word and WPS (``w:eastAsia``: 宋体
in tables, 仿宋 for prose, 黑体 for headings); table rows may break across pages.  What is
printed is what the workbook holds, except converter residue (``$\\geq 85\\%$``, ``&ge;``),
which is printed as the symbol it stands for.  The document reads back (``jixiao import``) as
the same submission: every label and sentence form here is one the document reader knows.

This module holds the document as a whole (:class:`Writer`: the title, the order of the parts)
and 第二部分's project tables; the other parts are written by functions on the Writer:
第一部分's narrative and 整体绩效目标表 by :mod:`jixiao.outputs.publish_department`, 106's
部门整体支出绩效目标表 by :mod:`jixiao.outputs.publish_spending` and the 申报表 projects by
:mod:`jixiao.outputs.publish_application`.  The
styles, pages and cell helpers are :mod:`jixiao.outputs.publish_docx`'s, the printed texts of
values :mod:`jixiao.outputs.publish_texts`'.  The PDF is made from the .docx by
:mod:`jixiao.service.publish` (LibreOffice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.shared import Mm

from jixiao.atomic import atomic_write
from jixiao.filekinds import PUBLICATION_MARK
from jixiao.model import CHECKPOINTS, Indicator, Project, Submission
from jixiao.outputs.publish_application import document_title, is_application
from jixiao.outputs.publish_application import write_project as write_form
from jixiao.outputs.publish_department import write_department
from jixiao.outputs.publish_docx import PORTRAIT, Styles, footer, page, repeat_header, set_cell
from jixiao.outputs.publish_spending import write_department_spending
from jixiao.outputs.publish_texts import (
    amount_text,
    percent,
    running_numbers,
    wants_basis,
    withheld,
)
from jixiao.readers.documents.lines import strip_residue
from jixiao.template.department_spending import is_department_spending

FIXED_DATE = dt.datetime(2024, 1, 1)
"""Document properties are fixed: the same workbooks give the same document."""
PROJECT_WIDTHS_MM = (19.0, 25.0, 32.0, 19.0, 22.0, 25.0, 28.0)
"""The project table's seven columns (the workbook's A–G), 170 mm in all: 项目编码 (21
characters) fits on one line in B:C; E, the 财政资金 amount, is as wide as 项目名称 in D leaves
it (D and E print as one 绩效指标描述 below), so a million 元 fits at (nearly) full size."""


@dataclass(slots=True)
class Publication:
    """What a publication holds, for the console."""

    projects: int = 0
    withheld: list[tuple[int, int]] = field(default_factory=list)
    """Runs of running numbers left out (first, last), each noted in the document."""
    department: bool = False
    overall_rows: int = 0
    residue: int = 0
    """Pieces of converter residue printed as the symbols they stand for."""
    forms: int = 0
    """Projects published in the 申报表 layout (outputs/publish_application.py)."""


# ---------------------------------------------------------------- the document


class Writer:
    """Writes one document from submissions (see the module docstring for the layout)."""

    def __init__(self) -> None:
        self.document = docx.Document()
        self.styles = Styles(self.document)
        self.result = Publication()
        self.landscape = False
        section = self.document.sections[0]
        page(section, PORTRAIT)
        footer(section, self.styles.footer)

    # -- texts

    def text(self, value: str | None) -> str:
        """A text as printed: converter residue becomes its symbol (and is counted)."""
        if not value:
            return ""
        clean = strip_residue(value)
        if clean != value:
            self.result.residue += 1
        return clean

    def paragraph(self, text: str, style: Any, *, page_break: bool = False) -> Any:
        paragraph = self.document.add_paragraph(text, style=style)
        if page_break:
            paragraph.paragraph_format.page_break_before = True
        return paragraph

    # -- the whole

    def write(self, submissions: Sequence[Submission]) -> Publication:
        year = next((s.unit.year for s in submissions if s.unit.year), None)
        name = submissions[0].unit.name or ""
        departments = [s.department for s in submissions if s.department is not None]
        departments = [d for d in departments if not d.is_empty]
        forms_only = not departments and all(
            is_application(s, p) for s in submissions for p in s.projects
        )
        if forms_only and any(s.projects for s in submissions):
            title = document_title(name, year)
        else:
            title = f"{name}{year}年度预算绩效目标" if year else f"{name}预算绩效目标"
        self.paragraph(title, self.styles.title)
        parts = bool(departments) and any(s.projects for s in submissions)
        for submission in submissions:
            department = submission.department
            if department is None or department.is_empty:
                continue
            if is_department_spending(department):  # 106's table, in its own layout
                if parts:
                    self.paragraph("第一部分 部门整体绩效目标", self.styles.part)
                write_department_spending(self, submission)
                continue
            write_department(self, department, year, parts)
        if any(s.projects for s in submissions):
            if self.landscape:  # after the 整体绩效目标表: back to portrait on a new page
                page(self.document.add_section(WD_SECTION.NEW_PAGE), PORTRAIT)
                self.landscape = False
                if parts:
                    self.paragraph("第二部分 预算项目绩效目标", self.styles.part)
            elif parts:
                self.paragraph("第二部分 预算项目绩效目标", self.styles.part, page_break=True)
            self.projects(submissions)
        return self.result

    # -- 预算项目绩效目标

    def projects(self, submissions: Sequence[Submission]) -> None:
        offset = 0
        first = True
        for submission in submissions:
            forms = all(is_application(submission, p) for p in submission.projects)
            numbers = (
                list(range(1, len(submission.projects) + 1))
                if forms  # the forms' order: an empty sheet is not a withheld project
                else running_numbers(submission.projects)
            )
            previous = 0
            for number, project in zip(numbers, submission.projects, strict=True):
                if is_application(submission, project):
                    write_form(self, submission, offset + number, project, page_break=not first)
                    first, previous = False, number
                    continue
                if number > previous + 1:
                    run = (offset + previous + 1, offset + number - 1)
                    self.result.withheld.append(run)
                    self.paragraph(withheld(run), self.styles.body, page_break=not first)
                    first = True  # the note opens the page the project is on
                self.project(submission, offset + number, project, page_break=not first)
                first = False
                previous = number
            offset += previous

    def project(
        self, submission: Submission, number: int, project: Project, *, page_break: bool
    ) -> None:
        self.result.projects += 1
        name = self.text(project.name)
        self.paragraph(f"{number}.{name}绩效目标表", self.styles.table_title, page_break=page_break)
        unit = submission.unit
        unit_line = " ".join(x for x in (unit.code, self.text(unit.name)) if x)
        self.paragraph(unit_line, self.styles.table_head)
        self.paragraph(f"单位：{unit.money_unit.value}", self.styles.money)
        self.head_table(project)
        self.paragraph("", self.styles.spacer)  # two tables, or Word runs them into one
        self.indicator_table(project)

    def head_table(self, project: Project) -> None:
        code = project.code is not None
        plan = bool(project.plan)
        count = 3 + (2 if plan else 0) + 1
        table = self.table(count, 7, PROJECT_WIDTHS_MM)
        label, cell = self.styles.label, self.styles.cell
        r = 0
        if code:
            set_cell(table.cell(r, 0), "项目编码", label)
            set_cell(table.cell(r, 1).merge(table.cell(r, 2)), self.text(project.code), cell)
            set_cell(table.cell(r, 3), "项目名称", label)
            set_cell(table.cell(r, 4).merge(table.cell(r, 6)), self.text(project.name), cell)
        else:
            set_cell(table.cell(r, 0), "项目名称", label)
            set_cell(table.cell(r, 1).merge(table.cell(r, 6)), self.text(project.name), cell)
        r += 1
        set_cell(table.cell(r, 0).merge(table.cell(r + 1, 0)), "预算规模及资金用途", label)
        money = (
            ("预算数", project.budget),
            ("其中：财政资金", project.fiscal),
            ("其他资金", project.other),
        )
        for k, (caption, amount) in enumerate(money):
            set_cell(table.cell(r, 1 + 2 * k), caption, label)
            set_cell(table.cell(r, 2 + 2 * k), amount_text(amount), cell)
        set_cell(table.cell(r + 1, 1).merge(table.cell(r + 1, 6)), self.text(project.purpose), cell)
        r += 2
        if plan:
            set_cell(table.cell(r, 0).merge(table.cell(r + 1, 0)), "资金支出计划（%）", label)
            spans = ((1, 2), (3, 4), (5, 5), (6, 6))
            entries = {e.checkpoint: e for e in project.plan}
            for checkpoint, (left, right) in zip(CHECKPOINTS, spans, strict=True):
                head = table.cell(r, left)
                value = table.cell(r + 1, left)
                if right != left:
                    head = head.merge(table.cell(r, right))
                    value = value.merge(table.cell(r + 1, right))
                set_cell(head, checkpoint, label)
                set_cell(value, percent(entries.get(checkpoint)), cell)
            r += 2
        set_cell(table.cell(r, 0), "绩效目标", label)
        set_cell(table.cell(r, 1).merge(table.cell(r, 6)), self.text(project.goal), cell)

    def indicator_table(self, project: Project) -> None:
        indicators = project.indicators
        basis = any(i.basis for i in indicators) or wants_basis(project)
        table = self.table(1 + len(indicators), 7, PROJECT_WIDTHS_MM)
        label, cell = self.styles.label, self.styles.cell
        heads = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
        set_cell(table.cell(0, 0), heads[0], label)
        set_cell(table.cell(0, 1), heads[1], label)
        set_cell(table.cell(0, 2), heads[2], label)
        set_cell(table.cell(0, 3).merge(table.cell(0, 4)), heads[3], label)
        if basis:
            set_cell(table.cell(0, 5), heads[4], label)
            set_cell(table.cell(0, 6), "指标值确定依据", label)
        else:
            set_cell(table.cell(0, 5).merge(table.cell(0, 6)), heads[4], label)
        repeat_header(table.rows[0])
        for r, indicator in enumerate(indicators, start=1):
            values = [self.text(getattr(indicator, n)) for n in ("level3", "description", "value")]
            set_cell(table.cell(r, 2), values[0], cell)
            set_cell(table.cell(r, 3).merge(table.cell(r, 4)), values[1], cell)
            if basis:
                set_cell(table.cell(r, 5), values[2], cell)
                set_cell(table.cell(r, 6), self.text(indicator.basis), cell)
            else:
                set_cell(table.cell(r, 5).merge(table.cell(r, 6)), values[2], cell)
        self.merge_levels(table, indicators, first_row=1, style=cell)

    def merge_levels(
        self, table: Any, indicators: Sequence[Indicator], *, first_row: int, style: Any
    ) -> None:
        """一级 and 二级 written once over the rows they cover (merged vertically); the
        indicators' rows start at ``first_row``."""
        for column, names in ((0, ("level1",)), (1, ("level1", "level2"))):
            start = 0
            for k in range(1, len(indicators) + 1):
                same = k < len(indicators) and all(
                    getattr(indicators[k], n) == getattr(indicators[start], n) for n in names
                )
                if same:
                    continue
                top = table.cell(first_row + start, column)
                if k - start > 1:
                    top = top.merge(table.cell(first_row + k - 1, column))
                set_cell(top, self.text(getattr(indicators[start], names[-1])), style)
                start = k

    def table(self, rows: int, columns: int, widths: Sequence[float]) -> Any:
        table = self.document.add_table(rows=rows, cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        return table


def build_publication(submissions: Sequence[Submission]) -> tuple[Any, Publication]:
    """The document (python-docx) and what it holds."""
    if not submissions:
        raise ValueError("nothing to publish")
    writer = Writer()
    result = writer.write(submissions)
    properties = writer.document.core_properties
    unit = submissions[0].unit
    properties.title = f"{unit.name}预算绩效目标"
    properties.category = PUBLICATION_MARK  # a folder scan passes it over (filekinds)
    properties.author = properties.last_modified_by = "jixiao"
    properties.created = properties.modified = FIXED_DATE
    properties.revision = 1
    return writer.document, result


def write_publication(
    submissions: Sequence[Submission], path: Path, save: Callable[[Any, Path], None] | None = None
) -> Publication:
    """Write the publication of ``submissions`` (in order) to ``path``, atomically."""
    document, result = build_publication(submissions)
    atomic_write(Path(path), lambda temporary: (save or _save)(document, temporary))
    return result


def _save(document: Any, path: Path) -> None:
    document.save(str(path))


__all__ = [
    "Publication",
    "build_publication",
    "write_publication",
]
