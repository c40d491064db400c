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
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from jixiao.a1 import parse_a1
from jixiao.atomic import atomic_write
from jixiao.filekinds import PUBLICATION_MARK
from jixiao.model import (
    CHECKPOINTS,
    OVERALL_COLUMNS,
    Department,
    DutyBlock,
    Indicator,
    Measure,
    OverallRow,
    PlanEntry,
    Project,
    Submission,
)
from jixiao.outputs.publish_application import (
    document_title,
    is_application,
    write_department_spending,
)
from jixiao.outputs.publish_application import write_project as write_form
from jixiao.readers.documents.lines import strip_residue
from jixiao.template.department_spending import is_department_spending
from jixiao.template.layout import LAYOUT

FIXED_DATE = dt.datetime(2024, 1, 1)
"""Document properties are fixed: the same workbooks give the same document."""
LATIN = "Times New Roman"
SONG, FANGSONG, HEITI = "宋体", "仿宋", "黑体"
NUMERALS = "一二三四五六七八九十"
PAGE_FOOTER = ("第 ", "PAGE", " 页，共 ", "NUMPAGES", " 页")

PORTRAIT = (Mm(210), Mm(297))
LANDSCAPE = (Mm(297), Mm(210))
PROJECT_WIDTHS_MM = (19.0, 25.0, 32.0, 21.0, 20.0, 25.0, 28.0)
"""The project table's seven columns (the workbook's A–G), 170 mm in all: 项目编码 (21
characters) fits on one line in B:C."""
OVERALL_WIDTHS_MM = (8, 16, 24, 25, 7, 12, 14, 13, 12, 12, 12, 13, 13, 16, 14, 22, 20, 14)
"""The 18 columns of the 整体绩效目标表, 267 mm (A4 landscape): values such as ``≥6700`` and
``99.39%`` on one line, the texts wrapping in the wide columns."""
NARROW_MARGIN_TWIPS = 57
"""Left and right cell margins of the wide table (1 mm; Word's default is 1.9 mm)."""


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


# ---------------------------------------------------------------- styles


class Styles:
    """The paragraph styles of the document (created once, named in Chinese for Word's list)."""

    def __init__(self, document: Any) -> None:
        normal = document.styles["Normal"]
        _fonts(normal, SONG, 10.5)
        _lang(normal)
        normal.paragraph_format.space_after = Pt(0)
        self.title = _style(document, "JX 文件标题", HEITI, 18, align="center", after=12)
        self.part = _style(document, "JX 部分标题", HEITI, 16, align="center", outline=0, after=6)
        self.heading = _style(document, "JX 一级标题", HEITI, 14, outline=1, before=6, after=3)
        self.subheading = _style(
            document, "JX 二级标题", FANGSONG, 11, bold=True, outline=2, before=3
        )
        self.body = _style(document, "JX 正文", FANGSONG, 11, indent=True, line=1.15)
        self.table_title = _style(
            document, "JX 表标题", HEITI, 14, align="center", outline=1, before=6, after=6
        )
        self.table_head = _style(document, "JX 表头", SONG, 10.5)
        self.money = _style(document, "JX 金额单位", SONG, 10.5, align="right")
        self.cell = _style(document, "JX 表格", SONG, 10.5)
        self.label = _style(document, "JX 表格标签", SONG, 10.5, bold=True, align="center")
        self.wide = _style(document, "JX 宽表", SONG, 8)
        self.wide_label = _style(document, "JX 宽表标签", SONG, 8, bold=True, align="center")
        self.spacer = _style(document, "JX 间隔", SONG, 2)
        self.footer = _style(document, "JX 页脚", SONG, 9, align="center")
        self.year = _style(document, "JX 年度", SONG, 10.5, align="center", after=3)
        self.form = _style(document, "JX 申报表指标", SONG, 9)
        self.form_label = _style(document, "JX 申报表表头", SONG, 9, bold=True, align="center")


def _fonts(style: Any, east_asia: str, size: float, bold: bool = False) -> None:
    font = style.font
    font.name = LATIN
    font.size = Pt(size)
    font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)  # Word and WPS pick CJK glyphs by this name


def _lang(style: Any) -> None:
    """Chinese line breaking (no full stop at a line's start) in Word and WPS."""
    properties = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    properties.append(lang)


def _style(
    document: Any,
    name: str,
    east_asia: str,
    size: float,
    *,
    bold: bool = False,
    align: str | None = None,
    outline: int | None = None,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
    line: float = 1.0,
) -> Any:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    _fonts(style, east_asia, size, bold)
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(before)
    paragraph.space_after = Pt(after)
    paragraph.line_spacing = line
    if align is not None:
        paragraph.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
    if indent:
        paragraph.first_line_indent = Pt(size * 2)  # two characters, as official prose has
    if outline is not None:  # Word's navigation pane and table of contents see the headings
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        style.element.get_or_add_pPr().append(level)
    return style


# ---------------------------------------------------------------- the document


class Writer:
    """Writes one document from submissions (see the module docstring for the layout)."""

    def __init__(self) -> None:
        self.document = docx.Document()
        self.styles = Styles(self.document)
        self.result = Publication()
        self.landscape = False
        section = self.document.sections[0]
        _page(section, PORTRAIT)
        self._footer(section)

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

    def _footer(self, section: Any) -> None:
        paragraph = section.footer.paragraphs[0]
        paragraph.style = self.styles.footer
        for piece in PAGE_FOOTER:
            if piece.isupper():
                _field(paragraph, piece)
            else:
                paragraph.add_run(piece)

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
            self.department(department, year, parts)
        if any(s.projects for s in submissions):
            if self.landscape:  # after the 整体绩效目标表: back to portrait on a new page
                _page(self.document.add_section(WD_SECTION.NEW_PAGE), PORTRAIT)
                self.landscape = False
                if parts:
                    self.paragraph("第二部分 预算项目绩效目标", self.styles.part)
            elif parts:
                self.paragraph("第二部分 预算项目绩效目标", self.styles.part, page_break=True)
            self.projects(submissions)
        return self.result

    # -- 部门整体绩效目标

    def department(self, department: Department, year: int | None, parts: bool) -> None:
        self.result.department = True
        narrative = _has_narrative(department)
        if parts or narrative:
            self.paragraph("第一部分 部门整体绩效目标", self.styles.part)
        if narrative:
            self.narrative(department)
        if department.overall_table:
            self.overall_table(department.overall_table, year, narrative)

    def narrative(self, department: Department) -> None:
        self.paragraph("一、总体绩效目标", self.styles.heading)
        for line in self.text(department.overall_goal).splitlines():
            if line.strip():
                self.paragraph(line.strip(), self.styles.body)
        self.paragraph("二、分项绩效目标", self.styles.heading)
        for number, block in enumerate(department.blocks):
            self.duty_block(number, block)
        self.paragraph("三、工作保障措施", self.styles.heading)
        self.measures(department.measures)

    def duty_block(self, number: int, block: DutyBlock) -> None:
        title = self.text(block.title) or "（未命名分项）"
        self.paragraph(f"（{_numeral(number)}）{title}", self.styles.subheading)
        goal = self.text(block.goal).splitlines() or [""]
        self.paragraph(f"绩效目标：{goal[0].strip()}", self.styles.body)
        for line in goal[1:]:
            if line.strip():
                self.paragraph(line.strip(), self.styles.body)
        plan = _plan_sentence(block.plan)
        if plan:
            self.paragraph(f"资金支出计划：{plan}", self.styles.body)
        if block.indicators:
            self.paragraph(f"绩效指标：{self.indicator_prose(block.indicators)}", self.styles.body)

    def indicator_prose(self, indicators: Sequence[Indicator]) -> str:
        """Numbered items ``1、产出指标-数量指标-名称（说明），指标值：≥6；`` when every indicator
        has its 一级, else the list ``名称 ≥85%、名称 ≥95%`` the narrative documents use."""
        if all(i.level1 for i in indicators):
            items = []
            for n, i in enumerate(indicators, start=1):
                levels = [self.text(x) for x in (i.level1, i.level2) if x]
                name = self.text(i.level3)
                if i.description:
                    name += f"（{self.text(i.description)}）"
                items.append(f"{n}、{'-'.join([*levels, name])}，指标值：{self.text(i.value)}；")
            return "".join(items)
        return "、".join(f"{self.text(i.name)} {self.text(i.value)}".strip() for i in indicators)

    def measures(self, measures: Sequence[Measure]) -> None:
        group: str | None = None
        titled = numbered = 0
        for measure in measures:
            if measure.group and measure.group != group:
                group, titled, numbered = measure.group, 0, 0
                self.paragraph(f"{self.text(group)}：", self.styles.subheading)
            title, text = self.text(measure.title), self.text(measure.text)
            if title and not _opens_with(text, title):
                self.paragraph(f"（{_numeral(titled)}）{title}", self.styles.subheading)
                titled += 1
                for line in text.splitlines():
                    if line.strip():
                        self.paragraph(line.strip(), self.styles.body)
                continue
            numbered += 1
            lines = text.splitlines() or [""]
            self.paragraph(f"{numbered}.{lines[0].strip()}", self.styles.body)
            for line in lines[1:]:
                if line.strip():
                    self.paragraph(line.strip(), self.styles.body)

    def overall_table(self, rows: Sequence[OverallRow], year: int | None, after_text: bool) -> None:
        """The 18-column table, in a landscape section of its own."""
        self.result.overall_rows += len(rows)
        if after_text:
            section = self.document.add_section(WD_SECTION.NEW_PAGE)
            _page(section, LANDSCAPE, margin=15)
        elif not self.landscape:  # nothing before it but the title: the first page turns
            _page(self.document.sections[-1], LANDSCAPE, margin=15)
        self.landscape = True
        caption = f"{year}年度整体绩效目标表" if year else "整体绩效目标表"
        self.paragraph(caption, self.styles.table_title)
        o = LAYOUT.overall
        top = o.header_rows[0]
        header_rows = o.header_rows[1] - top + 1
        columns = len(OVERALL_COLUMNS)
        table = self.table(header_rows + len(rows), columns, OVERALL_WIDTHS_MM)
        narrow_margins(table)
        for ref, text in o.header:
            first, last = (parse_a1(r) for r in ref.split(":"))
            cell = table.cell(first[0] - top, first[1] - 1)
            if first != last:
                cell = cell.merge(table.cell(last[0] - top, last[1] - 1))
            set_cell(cell, text, self.styles.wide_label)
        for r in range(header_rows):
            repeat_header(table.rows[r])
        for offset, row in enumerate(rows, start=header_rows):
            for column, (name, _) in enumerate(OVERALL_COLUMNS):
                set_cell(
                    table.cell(offset, column), self.text(getattr(row, name)), self.styles.wide
                )
        for name in ("duty", "duty_goal", "activity", "budget_project"):
            column = [n for n, _ in OVERALL_COLUMNS].index(name)
            _merge_runs(table, column, header_rows, [getattr(r, name) for r in rows], rows)

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
                    self.paragraph(_withheld(run), self.styles.body, page_break=not first)
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
                set_cell(value, _percent(entries.get(checkpoint)), cell)
            r += 2
        set_cell(table.cell(r, 0), "绩效目标", label)
        set_cell(table.cell(r, 1).merge(table.cell(r, 6)), self.text(project.goal), cell)

    def indicator_table(self, project: Project) -> None:
        indicators = project.indicators
        basis = any(i.basis for i in indicators) or _wants_basis(project)
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


# ---------------------------------------------------------------- helpers


def _page(section: Any, size: tuple[Any, Any], margin: float = 20) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if size == LANDSCAPE else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = size
    section.left_margin = section.right_margin = Mm(margin)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(18)
    section.footer_distance = Mm(10)


def _field(paragraph: Any, instruction: str) -> None:
    """A field Word, WPS and LibreOffice fill in (PAGE, NUMPAGES)."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def repeat_header(row: Any) -> None:
    """The row is repeated at the top of every page the table runs onto."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def set_cell(cell: Any, text: str, style: Any) -> None:
    """A cell's text (line breaks kept) in one paragraph of ``style``; an empty cell keeps
    its empty paragraph (merging it into another adds nothing)."""
    if text:
        cell.text = text
    for paragraph in cell.paragraphs:
        paragraph.style = style


def _merge_runs(
    table: Any, column: int, first_row: int, values: Sequence[str | None], rows: Sequence[Any]
) -> None:
    """A duty's cells written once over its rows: a blank below a filled cell of the same
    duty is merged into it (the model keeps merged cells on their first row only)."""
    start = 0
    while start < len(values):
        end = start + 1
        if values[start]:
            while end < len(values) and not values[end] and not rows[end].duty:
                end += 1
        if end - start > 1:
            table.cell(first_row + start, column).merge(table.cell(first_row + end - 1, column))
        start = end


def narrow_margins(table: Any) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(NARROW_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _numeral(index: int) -> str:
    """0 → 一, 9 → 十, 10 → 十一, 19 → 二十."""
    n = index + 1
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{NUMERALS[tens - 1] if tens > 1 else ''}十{NUMERALS[ones - 1] if ones else ''}"


def amount_text(value: Decimal | None) -> str:
    """``1111.00``: two decimals unless the amount has more (nothing is rounded away)."""
    if value is None:
        return ""
    if value == value.quantize(Decimal("0.01")):
        return f"{value:.2f}"
    return format(value.normalize(), "f")


def _percent(entry: PlanEntry | None) -> str:
    if entry is None:
        return ""
    if entry.percent is None:
        return entry.text or ""
    return f"{format(entry.percent.normalize(), 'f')}%"


def _plan_sentence(plan: Sequence[PlanEntry]) -> str:
    """``累计支出进度3月底、6月底、10月底、12月底分别达到30%、60%、80%、100%。``"""
    stated = [e for e in plan if e.percent is not None]
    if len(stated) < 2:
        return ""
    checkpoints = "、".join(e.checkpoint for e in stated)
    percents = "、".join(_percent(e) for e in stated)
    return f"累计支出进度{checkpoints}分别达到{percents}。"


def _opens_with(text: str, title: str) -> bool:
    """Whether a measure's text opens with its title as a sentence (``完善制度建设。包括…``):
    then the numbered item alone says both, as the published documents write it."""
    return text.startswith(title + "。") and len(title) <= 10


def _wants_basis(project: Project) -> bool:
    """A table with a 项目编码 is the Hebei layout, which has the 指标值确定依据 column."""
    return project.code is not None


def _has_narrative(department: Department | None) -> bool:
    if department is None:
        return False
    return bool((department.overall_goal or "").strip() or department.blocks or department.measures)


def _withheld(run: tuple[int, int]) -> str:
    first, last = run
    numbers = f"{first}" if first == last else f"{first}-{last}"
    return f"{numbers}号项目绩效目标按规定暂不公开。"


def running_numbers(projects: Sequence[Project]) -> list[int]:
    """The numbers the projects are published under: their own when those are distinct and
    rising (a gap is a withheld project), else 1, 2, 3…"""
    numbers = [p.number for p in projects]
    if all(isinstance(n, int) and n >= 1 for n in numbers):
        ints = [int(n) for n in numbers if n is not None]
        if all(a < b for a, b in itertools.pairwise(ints)):
            return ints
    return list(range(1, len(projects) + 1))


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
    "running_numbers",
    "write_publication",
]
