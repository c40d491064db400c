"""The publication of a 项目支出绩效目标申报表 project (the second layout, issue 14).

A project from a 申报表 workbook (template ``jixiao-sbb``) or from another province's published
申报表/批复表 is published as those provinces publish it (tests/fixtures/documents/other: 101,
103, 105), not as the Hebei/Tianjin 绩效目标表:

* ``N.项目名称项目支出绩效目标申报表`` and ``（2024年度）`` under it, ``绩效编制单位：[code]单位``
  and ``单位：万元`` (or 元);
* the head table: 项目名称, 项目编码 (only when the workbook has one), 主管部门 / 实施单位,
  开始日期 / 结束日期 (when stated), 资金情况 (年度资金总额, 其中：财政拨款, 其他资金, and a
  second row with 上年结转 / 项目资金总额 when stated), the 其他信息 rows (项目负责人及电话,
  项目属性, 立项依据… as labelled), then 总体目标 (长期目标, 年度目标);
* the indicator table: a full-width ``绩效指标`` row (carrying the form's weight note,
  ``绩效指标（权重分值90分,…）``, when it has one), the header, and one row an indicator with
  一级/二级 merged over their rows.  When any indicator keeps its parts apart (symbol, number,
  unit) or has a weight, direction or 定性/定量, the columns are the form's: 定性/定量 and
  指标方向 where any row has one, 指标性质 (the symbol), 指标值, 度量单位, 权重, then 备注 where
  used; else one 指标值 column (the whole value as written, ``>=20平方米``) and 备注 where used.

Decisions, each for the document reader (readers/documents/forms.py, indicator_rows.py) to read
the document back as the same submission:

* every label is one the form reader knows: 长期目标 (the workbook's 实施期目标), 项目资金总额
  (its 实施期资金总额), 权重 (not 权重（分值）, which the reader would take for a remark);
  there is no 实施期 cell (开始日期 / 结束日期 say it);
* the 其他信息 rows come before the goals: a label the reader does not know (a clerk's own
  label such as 资金投向) is then reported by ``jixiao import`` as ``import-unparsed`` instead of
  being read into the goal; 项目编码 and 资金用途 have rows the reader knows;
* the budget year is stated in the document title (``单位2024年度项目支出绩效目标申报表``) and
  on the line under each project title, never only in a title that also holds the project's
  name (a name such as ``2018年市级专项…`` would give its year); a workbook without a year
  states none, and then a year in the first project's name is what the reader finds;
* the numbers are the order of the forms (1, 2, 3…): an empty sheet is not a withheld project.

What does not come back through ``jixiao import`` (the readers are not this module's): labels
the reader does not know (reported, see above); line breaks inside a cell (read as spaces); a
value that is not value-like (``按时完成``) in the
one-column layout; a whole value in a row of the split layout is printed in its parts when it
has a symbol (``>=95%`` → ``>=``, ``95``, ``%``) and read back as those parts, a text value
(``明显提升``) is read back as the 指标值 cell (``number``) — the same value either way.

:mod:`jixiao.outputs.publish` (the document and the first layout) calls this module for each
申报表 project; 106's 部门整体支出绩效目标表 is :mod:`jixiao.outputs.publish_spending`'s, which
lays out its head rows with :func:`pieces_table` and prints its texts with :func:`shown`.  The
styles and cell helpers are :mod:`jixiao.outputs.publish_docx`'s, amounts are printed by
:mod:`jixiao.outputs.publish_texts`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from jixiao.model import Indicator, Project, Submission
from jixiao.outputs.publish_docx import narrow_margins, repeat_header, set_cell
from jixiao.outputs.publish_texts import amount_text
from jixiao.template.application import TEMPLATE_ID

if TYPE_CHECKING:
    from jixiao.outputs.publish import Writer

TITLE_SUFFIX = "项目支出绩效目标申报表"
HEAD_WIDTHS_MM = (20.0, 26.0, 20.0, 30.0, 20.0, 24.0, 30.0)
"""The head table's seven columns, 170 mm: a block label, then three label/value pairs."""
WEIGHT_NOTE = "绩效指标"
"""The 其他信息 label that holds a form's weight note: printed in the 绩效指标 row."""
LEVEL_WIDTHS_MM = (16.0, 18.0)
"""一级 and 二级 beside the split columns; with one 指标值 column there is room for
``经济效益指标`` on one line (:data:`WIDE_LEVEL_WIDTHS_MM`)."""
WIDE_LEVEL_WIDTHS_MM = (20.0, 28.0)
INDICATOR_WIDTH_MM = 170.0
SPLIT_COLUMNS: tuple[tuple[str, str, float], ...] = (
    # (model field, header, width in mm); the 三级 column takes what is left
    ("symbol", "指标性质", 13.0),
    ("number", "指标值", 16.0),
    ("unit", "度量单位", 14.0),
    ("weight", "权重", 11.0),
)
MARK_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("nature", "定性/定量", 14.0),
    ("direction", "指标方向", 14.0),
)
"""Before 指标性质 when any row has them: the reader ends the 三级 name at the first 定性/定量,
正向/反向 or symbol cell, so a 定性 row whose value is text (``明显提升``) is still read
(105 also puts its direction first)."""
REMARK_COLUMN = ("remark", "备注", 22.0)
SINGLE_VALUE = ("value", "指标值", 30.0)
SINGLE_REMARK = ("remark", "备注", 30.0)
_CJK = "\u3400-\u9fff\uf900-\ufaff（）“”、"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u3000]+(?=[{_CJK}])")
EN_SPACE = "\u2002"
"""A space between two Chinese characters is printed as an en space: the .docx reader takes a
plain one there for a line-wrap artefact and drops it (``出差8人 目标2`` would come back as
``出差8人目标2``); it still separates the words on paper and when read back."""
_PARTS = re.compile(r"^(>=|<=|＞＝|＜＝|[≥≤≧≦>＞<＜=＝])?\s*(-?\d+(?:\.\d+)?)(.*)$")


def is_application(submission: Submission, project: Project) -> bool:
    """Whether ``project`` is published as a 申报表: it comes from a 申报表 workbook, or from a
    document of another province's layout (``Project.layout`` set by the importer)."""
    return submission.template.get("id") == TEMPLATE_ID or project.layout is not None


def document_title(name: str, year: int | None) -> str:
    """The title of a document of 申报表 projects only: it states the year first of all."""
    return f"{name}{year}年度{TITLE_SUFFIX}" if year else f"{name}{TITLE_SUFFIX}"


def unit_line(submission: Submission, text: str) -> str:
    """``绩效编制单位：[610001]某单位`` (the code in brackets, as 101 writes it)."""
    code = submission.unit.code
    return f"绩效编制单位：{f'[{code}]' if code else ''}{text}"


def write_project(
    writer: Writer, submission: Submission, number: int, project: Project, *, page_break: bool
) -> None:
    """One 申报表 project: title, year, unit and money lines, head table, indicator table."""
    styles = writer.styles
    writer.result.projects += 1
    writer.result.forms += 1
    title = f"{number}.{shown(writer, project.name)}{TITLE_SUFFIX}"
    writer.paragraph(title, styles.table_title, page_break=page_break)
    year = submission.unit.year
    if year:
        writer.paragraph(f"（{year}年度）", styles.year)
    writer.paragraph(unit_line(submission, shown(writer, submission.unit.name)), styles.table_head)
    writer.paragraph(f"单位：{submission.unit.money_unit.value}", styles.money)
    head_table(writer, project)
    writer.paragraph("", styles.spacer)  # two tables, or Word runs them into one
    indicator_table(writer, project)


# ---------------------------------------------------------------- the head table


def head_table(writer: Writer, project: Project) -> None:
    """项目名称 … 总体目标, one row a line of the form (see the module docstring)."""
    rows = _head_rows(writer, project)
    table = pieces_table(writer, rows, HEAD_WIDTHS_MM)
    _merge_blocks(writer, table, rows)


def pieces_table(writer: Writer, rows: list[list[Piece]], widths: Sequence[float]) -> Any:
    """A table of labelled rows, each piece in its cell (merged across its span)."""
    table = writer.table(len(rows), len(widths), widths)
    for r, row in enumerate(rows):
        for span, text, is_label in row:
            cell = table.cell(r, span[0])
            if span[1] != span[0]:
                cell = cell.merge(table.cell(r, span[1]))
            put(writer, cell, text, is_label)
    return table


Piece = tuple[tuple[int, int], str, bool]
"""A cell of the head table: (first, last column), text, whether it is a label."""


def pair(label: str, value: str, first: int, last: int) -> list[Piece]:
    return [((first, first), label, True), ((first + 1, last), value, False)]


def block(label: str) -> Piece:
    """A block label in the first column (merged down over its rows by :func:`_merge_blocks`)."""
    return ((0, 0), label, True)


def _head_rows(writer: Writer, project: Project) -> list[list[Piece]]:
    text = partial(shown, writer)
    rows: list[list[Piece]] = [pair("项目名称", text(project.name), 0, 6)]
    if project.code:
        rows.append(pair("项目编码", text(project.code), 0, 6))
    rows.append(
        pair("主管部门", text(project.supervisor), 0, 3)
        + pair("实施单位", text(project.implementer), 4, 6)
    )
    if project.start or project.end:
        rows.append(
            pair("开始日期", text(project.start), 0, 3) + pair("结束日期", text(project.end), 4, 6)
        )
    money = [
        *pair("年度资金总额", amount_text(project.budget), 1, 2),
        *pair("其中：财政拨款", amount_text(project.fiscal), 3, 4),
        *pair("其他资金", amount_text(project.other), 5, 6),
    ]
    rows.append([block("资金情况"), *money])
    if project.carryover is not None or project.total is not None:
        more = [
            *pair("上年结转", amount_text(project.carryover), 1, 2),
            *pair("项目资金总额", amount_text(project.total), 3, 6),
        ]
        rows.append([block(""), *more])
    for label, content in project.attributes.items():
        if label != WEIGHT_NOTE:
            rows.append(pair(text(label), text(content), 0, 6))
    if project.purpose:
        rows.append(pair("资金用途", text(project.purpose), 0, 6))
    if project.long_term_goal:
        rows.append([block("总体目标"), *pair("长期目标", text(project.long_term_goal), 1, 6)])
    rows.append([block("总体目标"), *pair("年度目标", text(project.goal), 1, 6)])
    return rows


def _merge_blocks(writer: Writer, table: Any, rows: list[list[Piece]]) -> None:
    """资金情况 and 总体目标 written once over their rows (merged down the first column)."""
    start = 0
    for r in range(1, len(rows) + 1):
        label = rows[start][0][1] if rows[start][0][0] == (0, 0) else None
        same = r < len(rows) and rows[r][0][0] == (0, 0) and rows[r][0][1] in ("", label)
        if same and label in ("资金情况", "总体目标"):
            continue
        if r - start > 1:
            cell = table.cell(start, 0).merge(table.cell(r - 1, 0))
            put(writer, cell, label or "", True)
        start = r


def put(writer: Writer, cell: Any, text: str, is_label: bool) -> None:
    set_cell(cell, text, writer.styles.label if is_label else writer.styles.cell)


# ---------------------------------------------------------------- the indicator table


def columns_of(indicators: Sequence[Indicator]) -> list[tuple[str, str, float]]:
    """The value columns after 一级/二级/三级 (field, header, width): the form's own when any
    indicator keeps parts, a weight, a direction or 定性/定量, else one 指标值 column."""
    split = any(
        i.symbol or i.number or i.unit or i.weight is not None or i.direction or i.nature
        for i in indicators
    )
    remark = any(i.remark for i in indicators)
    if not split:
        return [SINGLE_VALUE, *([SINGLE_REMARK] if remark else [])]
    marks = [c for c in MARK_COLUMNS if any(getattr(i, c[0]) for i in indicators)]
    return [*marks, *SPLIT_COLUMNS, *([REMARK_COLUMN] if remark else [])]


def indicator_table(writer: Writer, project: Project) -> None:
    """绩效指标 row, header (both repeated on every page), one row an indicator."""
    indicators = project.indicators
    columns = columns_of(indicators)
    split = columns[0] != SINGLE_VALUE
    levels = LEVEL_WIDTHS_MM if split else WIDE_LEVEL_WIDTHS_MM
    level3 = INDICATOR_WIDTH_MM - sum(levels) - sum(w for _, _, w in columns)
    widths = (*levels, level3, *(w for _, _, w in columns))
    table = writer.table(2 + len(indicators), len(widths), widths)
    narrow_margins(table)
    label, cell = writer.styles.form_label, writer.styles.form
    note = project.attributes.get(WEIGHT_NOTE)
    banner = f"{WEIGHT_NOTE}（{shown(writer, note)}）" if note else WEIGHT_NOTE
    set_cell(table.cell(0, 0).merge(table.cell(0, len(widths) - 1)), banner, label)
    heads = ["一级指标", "二级指标", "三级指标", *(h for _, h, _ in columns)]
    for c, head in enumerate(heads):
        set_cell(table.cell(1, c), head, label)
    repeat_header(table.rows[0])
    repeat_header(table.rows[1])
    for r, indicator in enumerate(indicators, start=2):
        set_cell(table.cell(r, 2), shown(writer, indicator.level3), cell)
        texts = _split_cells(writer, indicator) if split else {}
        for c, (name, _, _) in enumerate(columns, start=3):
            value = texts[name] if split else _single(writer, indicator, name)
            set_cell(table.cell(r, c), value, cell)
    writer.merge_levels(table, indicators, first_row=2, style=cell)


def _split_cells(writer: Writer, indicator: Indicator) -> dict[str, str]:
    """The form's cells of one indicator: its parts as written; a whole value (a row read from
    a one-cell 指标值) split into symbol, number and unit when it is that, else as written."""
    symbol, number, unit = indicator.symbol, indicator.number, indicator.unit
    if not (symbol or number or unit) and indicator.value:
        whole = shown(writer, indicator.written or indicator.value)
        parts = _PARTS.match(whole)
        if parts and parts.group(1):
            symbol, number, unit = parts.group(1), parts.group(2), parts.group(3).strip()
        else:
            number = whole
    weight = indicator.weight
    return {
        "symbol": shown(writer, symbol),
        "number": shown(writer, number),
        "unit": shown(writer, unit),
        "weight": "" if weight is None else format(_plain(weight), "f"),
        "direction": shown(writer, indicator.direction),
        "nature": shown(writer, indicator.nature),
        "remark": shown(writer, indicator.remark),
    }


def shown(writer: Writer, value: str | None) -> str:
    """A text as printed (converter residue as its symbol, see ``Writer.text``), a space
    between Chinese characters kept (:data:`EN_SPACE`)."""
    return _CJK_SPACE.sub(EN_SPACE, writer.text(value))


def _single(writer: Writer, indicator: Indicator, name: str) -> str:
    """A cell of the one-column layout: the value as written (``>=20平方米``), the remark."""
    if name == "value":
        return shown(writer, indicator.written or indicator.value)
    return shown(writer, getattr(indicator, name))


def _plain(value: Decimal) -> Decimal:
    """``10`` not ``1E+1``, ``2.5`` not ``2.50``."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


__all__ = [
    "TITLE_SUFFIX",
    "columns_of",
    "document_title",
    "is_application",
    "write_project",
]
