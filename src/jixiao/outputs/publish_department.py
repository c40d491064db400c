"""第一部分 部门整体绩效目标 of the publication: the narrative and the 整体绩效目标表.

The narrative as the published documents write it: 一、总体绩效目标, 二、分项绩效目标 (one block
a duty: its 绩效目标, 资金支出计划 and 绩效指标 as prose), 三、工作保障措施 (grouped, titled or
numbered measures); then the 18-column 整体绩效目标表 in a landscape section of its own, its
header as the workbook's (``template/layout.py``) repeated on every page and each duty's cells
merged over its rows.  Functions on the :class:`~jixiao.outputs.publish.Writer` (its document,
styles, texts and counts), as :mod:`jixiao.outputs.publish_application` writes its parts; the
Writer calls :func:`write_department` for each department part that is not 106's
部门整体支出绩效目标表.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from docx.enum.section import WD_SECTION

from jixiao.a1 import parse_a1
from jixiao.model import OVERALL_COLUMNS, Department, DutyBlock, Indicator, Measure, OverallRow
from jixiao.outputs.publish_docx import LANDSCAPE, narrow_margins, page, repeat_header, set_cell
from jixiao.outputs.publish_texts import has_narrative, numeral, opens_with, plan_sentence
from jixiao.template.layout import LAYOUT

if TYPE_CHECKING:
    from jixiao.outputs.publish import Writer

OVERALL_WIDTHS_MM = (8, 16, 24, 25, 7, 12, 14, 13, 12, 12, 12, 13, 13, 16, 14, 22, 20, 14)
"""The 18 columns of the 整体绩效目标表, 267 mm (A4 landscape): values such as ``≥6700`` and
``99.39%`` on one line, the texts wrapping in the wide columns."""


def write_department(writer: Writer, department: Department, year: int | None, parts: bool) -> None:
    """The department part: its narrative when it has one, then its 整体绩效目标表; the part's
    own heading when the document has two parts or a narrative."""
    writer.result.department = True
    narrative = has_narrative(department)
    if parts or narrative:
        writer.paragraph("第一部分 部门整体绩效目标", writer.styles.part)
    if narrative:
        _narrative(writer, department)
    if department.overall_table:
        _overall_table(writer, department.overall_table, year, narrative)


def _narrative(writer: Writer, department: Department) -> None:
    writer.paragraph("一、总体绩效目标", writer.styles.heading)
    for line in writer.text(department.overall_goal).splitlines():
        if line.strip():
            writer.paragraph(line.strip(), writer.styles.body)
    writer.paragraph("二、分项绩效目标", writer.styles.heading)
    for number, block in enumerate(department.blocks):
        _duty_block(writer, number, block)
    writer.paragraph("三、工作保障措施", writer.styles.heading)
    _measures(writer, department.measures)


def _duty_block(writer: Writer, number: int, block: DutyBlock) -> None:
    title = writer.text(block.title) or "（未命名分项）"
    writer.paragraph(f"（{numeral(number)}）{title}", writer.styles.subheading)
    goal = writer.text(block.goal).splitlines() or [""]
    writer.paragraph(f"绩效目标：{goal[0].strip()}", writer.styles.body)
    for line in goal[1:]:
        if line.strip():
            writer.paragraph(line.strip(), writer.styles.body)
    plan = plan_sentence(block.plan)
    if plan:
        writer.paragraph(f"资金支出计划：{plan}", writer.styles.body)
    if block.indicators:
        writer.paragraph(
            f"绩效指标：{_indicator_prose(writer, block.indicators)}", writer.styles.body
        )


def _indicator_prose(writer: Writer, indicators: Sequence[Indicator]) -> str:
    """Numbered items ``1、产出指标-数量指标-名称（说明），指标值：≥6；`` when every indicator
    has its 一级, else the list ``名称 ≥85%、名称 ≥95%`` the narrative documents use."""
    if all(i.level1 for i in indicators):
        items = []
        for n, i in enumerate(indicators, start=1):
            levels = [writer.text(x) for x in (i.level1, i.level2) if x]
            name = writer.text(i.level3)
            if i.description:
                name += f"（{writer.text(i.description)}）"
            items.append(f"{n}、{'-'.join([*levels, name])}，指标值：{writer.text(i.value)}；")
        return "".join(items)
    return "、".join(f"{writer.text(i.name)} {writer.text(i.value)}".strip() for i in indicators)


def _measures(writer: Writer, measures: Sequence[Measure]) -> None:
    group: str | None = None
    titled = numbered = 0
    for measure in measures:
        if measure.group and measure.group != group:
            group, titled, numbered = measure.group, 0, 0
            writer.paragraph(f"{writer.text(group)}：", writer.styles.subheading)
        title, text = writer.text(measure.title), writer.text(measure.text)
        if title and not opens_with(text, title):
            writer.paragraph(f"（{numeral(titled)}）{title}", writer.styles.subheading)
            titled += 1
            for line in text.splitlines():
                if line.strip():
                    writer.paragraph(line.strip(), writer.styles.body)
            continue
        numbered += 1
        lines = text.splitlines() or [""]
        writer.paragraph(f"{numbered}.{lines[0].strip()}", writer.styles.body)
        for line in lines[1:]:
            if line.strip():
                writer.paragraph(line.strip(), writer.styles.body)


def _overall_table(
    writer: Writer, rows: Sequence[OverallRow], year: int | None, after_text: bool
) -> None:
    """The 18-column table, in a landscape section of its own."""
    writer.result.overall_rows += len(rows)
    if after_text:
        section = writer.document.add_section(WD_SECTION.NEW_PAGE)
        page(section, LANDSCAPE, margin=15)
    elif not writer.landscape:  # nothing before it but the title: the first page turns
        page(writer.document.sections[-1], LANDSCAPE, margin=15)
    writer.landscape = True
    caption = f"{year}年度整体绩效目标表" if year else "整体绩效目标表"
    writer.paragraph(caption, writer.styles.table_title)
    o = LAYOUT.overall
    top = o.header_rows[0]
    header_rows = o.header_rows[1] - top + 1
    columns = len(OVERALL_COLUMNS)
    table = writer.table(header_rows + len(rows), columns, OVERALL_WIDTHS_MM)
    narrow_margins(table)
    for ref, text in o.header:
        first, last = (parse_a1(r) for r in ref.split(":"))
        cell = table.cell(first[0] - top, first[1] - 1)
        if first != last:
            cell = cell.merge(table.cell(last[0] - top, last[1] - 1))
        set_cell(cell, text, writer.styles.wide_label)
    for r in range(header_rows):
        repeat_header(table.rows[r])
    for offset, row in enumerate(rows, start=header_rows):
        for column, (name, _) in enumerate(OVERALL_COLUMNS):
            set_cell(
                table.cell(offset, column), writer.text(getattr(row, name)), writer.styles.wide
            )
    for name in ("duty", "duty_goal", "activity", "budget_project"):
        column = [n for n, _ in OVERALL_COLUMNS].index(name)
        _merge_runs(table, column, header_rows, [getattr(r, name) for r in rows], rows)


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
