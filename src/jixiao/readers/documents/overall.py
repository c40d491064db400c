"""The 18-column 整体绩效目标表 → OverallRow.

Converters drop columns that are empty and write a vertically merged cell only on its first
row, so the columns are placed by what they hold rather than by position (a row that has all
eighteen cells, as a .docx table has, is read by position): the first six cells
(职责序号 … 单位) from the left, 对应科室 as the last cell, the run of values (年度指标值, 规划值,
标准值, 前三年均值, 上年值) after 单位, then 历史值来源 and the texts right-aligned onto 备注 /
工作活动 / 预算项目.  A row with one value too many keeps it in 标准值来源, which is exactly how a
row shifted by one column reads (the validator reports ``overall-column-shifted``).
"""

from __future__ import annotations

import re
from typing import Any

from jixiao.findings import Finding
from jixiao.model import OVERALL_COLUMNS, Location, OverallRow
from jixiao.readers.documents.lines import Block, Cell, label
from jixiao.rules.imports import unparsed

_DUTY_NO = re.compile(r"^\d{1,3}$")
_VALUE = re.compile(
    r"^(?:[≥≤><=＝≧≦]|>=|<=)?\s*-?\d+(?:\.\d+)?\s*(?:%|％|[件次人个天部台套项份场户年元万元]{1,2})?$"
)
_HEAD = ("duty_no", "duty", "duty_goal", "indicator", "symbol", "unit")
_FIVE = ("target", "planned", "standard", "history_avg", "last_year")
_SIX = ("target", "planned", "standard", "standard_source", "history_avg", "last_year")
_TAIL = ("remark", "activity", "budget_project")


def is_overall_header(block: Block) -> bool:
    """The first header row of the table (职责序号 … 部门职责 …)."""
    keys = [label(c.text) for c in block.cells]
    return "职责序号" in keys and "部门职责" in keys


def is_overall_row(block: Block) -> bool:
    """A data row: a 职责序号 number, then at least an indicator name and a value."""
    cells = block.cells
    return len(cells) >= 8 and bool(_DUTY_NO.match(cells[0].text)) and bool(cells[3].text)


def read_overall_row(block: Block, file: str, findings: list[Finding]) -> OverallRow:
    """One data row, columns placed as the module docstring explains; cells that fit no column
    are reported (import-unparsed), never dropped silently.  A row of exactly eighteen cells
    (a .docx table, where merged and empty cells are still cells) is read column by column."""
    cells = list(block.cells)
    if len(cells) == len(OVERALL_COLUMNS):
        by_column: dict[str, Any] = {
            name: _text(cell) for (name, _), cell in zip(OVERALL_COLUMNS, cells, strict=True)
        }
        return OverallRow(**by_column, source=Location(file=file, line=block.line))
    while cells and not cells[-1].text:
        cells.pop()
    values: dict[str, Any] = {n: _text(c) for n, c in zip(_HEAD, cells, strict=False)}
    rest = cells[6:]
    if rest:
        values["office"] = _text(rest.pop())
    explained = len(rest) > 1 and rest[0].text and not _VALUE.match(rest[0].text)
    if explained and _VALUE.match(rest[1].text):  # 指标解释 filled in: a text before the values
        values["explanation"] = _text(rest.pop(0))
    run = 0
    while run < len(rest) and _VALUE.match(rest[run].text):
        run += 1
    names = _SIX if run >= 6 else _FIVE
    values.update({n: _text(c) for n, c in zip(names, rest[:run], strict=False)})
    left_over = rest[len(names) : run]
    texts = rest[run:]
    if texts:
        values["history_source"] = _text(texts.pop(0))
    for name, cell in zip(reversed(_TAIL), reversed(texts), strict=False):
        values[name] = _text(cell)
    left_over += texts[: max(0, len(texts) - len(_TAIL))]
    findings += [
        unparsed(file, c.line, c.text, "整体绩效目标表中对不上列的单元格")
        for c in left_over
        if c.text
    ]
    return OverallRow(**values, source=Location(file=file, line=block.line))


def _text(cell: Cell) -> str | None:
    return cell.text or None
