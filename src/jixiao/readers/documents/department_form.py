"""The 部门整体支出绩效目标表 (Fujian, seed 106): 部门(单位)名称 and 部门预算编码, 年度预算安排
(资金总额 / 项目支出 / 基本支出), 年度总体目标, 年度履职目标 rows (部门职能 | 年度目标任务 |
支出项目名称 | 预算金额) and one indicator table for the whole department.

Its cells are space-joined like the project forms' (:mod:`jixiao.readers.documents.forms`), and
its block labels are split one word per line (``年度`` / ``预算`` / ``安排`` / ``(万元)``), or
written whole as the first cell of a row (a Word table's merged cell, as jixiao publishes it).  A
履职目标 row that holds the whole 资金总额 is a roll-up and is kept apart
(:func:`jixiao.rules.layouts.split_rollups`, which the 申报表 workbook reader uses too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.findings import Finding
from jixiao.model import Department, DutyBlock, Indicator, Location, Rollup
from jixiao.readers.documents import labels as lb
from jixiao.readers.documents.forms import (
    Fields,
    Line,
    is_furniture,
    read_indicator_lines,
    read_labelled_line,
    tokens_of,
)
from jixiao.readers.documents.indicator_rows import COLUMN_KINDS, header_columns
from jixiao.rules.imports import unparsed
from jixiao.rules.layouts import split_rollups

CELL = "\x1f"
"""Between the cells of a Word table's row, as ``other.parse_other_blocks`` renders a
部门整体支出 document: empty cells kept, so a row is read cell by cell.  A control
character no text extraction has (a tab may be one); whitespace to :func:`tokens_of`."""
BREAK = "\x1e"
"""A line break inside such a cell (年度总体目标's 目标1 … 目标6 lines), read back as ``\\n``."""

_FRAGMENT = re.compile(r"^[\u4e00-\u9fff]{1,3}$|^\((?:万元|元)\)$")
_DUTY_HEADER = frozenset({"部门职能", "年度目标任务", "支出项目名称"})


@dataclass(slots=True)
class DepartmentRead:
    department: Department
    fields: Fields
    findings: list[Finding]
    rollups: list[Rollup] = field(default_factory=list)


def _block_labels(lines: list[Line]) -> list[tuple[int, str, list[Line]]]:
    """Split at block labels written one word per line; (line, label, lines under it)."""
    out: list[tuple[int, str, list[Line]]] = [(lines[0][0] if lines else 0, "", [])]
    at = 0
    while at < len(lines):
        line, text = lines[at]
        words = []
        while (
            at < len(lines) and CELL not in lines[at][1] and _FRAGMENT.match(lines[at][1].strip())
        ):
            words.append(lines[at][1].strip())
            at += 1
        if len(words) >= 2:
            out.append((line, "".join(words), []))
            continue
        if words:  # a single short line is content
            out[-1][2].append((line, text))
            continue
        if (whole := _label_in_one(text)) is not None:  # a Word table's merged label cell
            out.append((line, whole[0], [(line, whole[1])] if whole[1] else []))
            at += 1
            continue
        out[-1][2].append((line, text))
        at += 1
    return out


BLOCK_LABELS = ("年度预算安排", "年度总体目标", "年度履职目标")
"""The table's block labels (the first one followed by its money unit)."""


def _label_in_one(text: str) -> tuple[str, str] | None:
    """A block label written whole as a line's first cell — a merged cell of a Word table (as
    jixiao publishes the table, outputs/publish_spending.py) or a re-typed table: (the
    label, the rest of the line)."""
    if CELL in text:  # a Word table's row: the label is its first cell
        first, _, rest = text.strip(" ").partition(CELL)
        if not lb.norm(first).startswith(BLOCK_LABELS):
            return None
        return first.strip(), rest if rest.strip() else ""
    tokens = tokens_of(text)
    if not tokens or not lb.norm(tokens[0]).startswith(BLOCK_LABELS):
        return None
    rest = text.strip()[len(tokens[0]) :].strip() if text.strip().startswith(tokens[0]) else ""
    return tokens[0], rest or " ".join(tokens[1:])


def read_department_form(lines: list[Line], file: str) -> DepartmentRead:
    """The 部门整体支出绩效目标表: unit line, 年度预算安排 (资金总额 / 项目支出 / 基本支出),
    年度总体目标, 年度履职目标 rows and the indicator table."""
    fields = Fields()
    findings: list[Finding] = []
    money: dict[str, tuple[Decimal, int]] = {}
    goal_lines: list[str] = []
    duties: list[DutyBlock] = []
    indicators: list[Indicator] = []
    for _, label, body in _block_labels(lines):
        at = 0
        while at < len(body):
            line, text = body[at]
            at += 1
            if CELL in text:
                cells = [c.strip() for c in text.split(CELL)]
                if (columns := _indicator_header(cells)) is not None:
                    read, used = _indicator_cells(body, at, columns, file)
                    indicators += read
                    at += used
                    continue
                if "履职目标" in label and not _DUTY_HEADER & {lb.norm(c) for c in cells}:
                    if (duty := _duty_cells(cells, line, file, findings)) is not None:
                        duties.append(duty)
                    continue
                text = " ".join(c for c in cells if c)
            tokens = tokens_of(text)
            if not tokens or is_furniture(text):
                continue
            if (kinds := header_columns(tokens)) is not None:
                read, used = read_indicator_lines(body, kinds, file, findings, None, at)
                indicators += read
                at += used
                continue
            if _DUTY_HEADER & {lb.norm(t) for t in tokens}:
                continue
            if "预算" in label and len(tokens) == 2 and (value := lb.amount(tokens[1])):
                money[lb.norm(tokens[0])] = (value, line)
                continue
            if "总体目标" in label:
                goal_lines.append(text.strip().replace(BREAK, "\n"))
                continue
            if "履职目标" in label and len(tokens) >= 4 and (value := lb.amount(tokens[-1])):
                duties.append(
                    DutyBlock(
                        title=tokens[0],
                        goal=" ".join(tokens[1:-2]),
                        source=Location(file=file, line=line),
                        project=tokens[-2],
                        amount=value,
                    )
                )
                continue
            if read_labelled_line(text, line, fields, []):
                continue
            findings.append(unparsed(file, line, text, "部门整体支出绩效目标表中无法识别的内容"))
    total = money.get("资金总额")
    duties, rollups = split_rollups(duties, total[0] if total else None, money.keys())
    department = Department(
        overall_goal="\n".join(goal_lines) or None,
        blocks=tuple(duties),
        source=Location(file=file, line=lines[0][0] if lines else None),
        sources={"total": Location(file=file, line=total[1])} if total else {},
        total=total[0] if total else None,
        project_spending=money["项目支出"][0] if "项目支出" in money else None,
        basic_spending=money["基本支出"][0] if "基本支出" in money else None,
        indicators=tuple(indicators),
    )
    return DepartmentRead(department, fields, findings, rollups)


_HEADS = {"一级指标": "level1", "二级指标": "level2", "三级指标": "level3", "指标解释": "remark"}


def _indicator_header(cells: list[str]) -> dict[str, int] | None:
    """The column of each field in a Word table's indicator header row, else None."""
    keys = [lb.norm(c) for c in cells]
    if header_columns([c for c in cells if c]) is None:
        return None
    columns = {_HEADS[k]: i for i, k in enumerate(keys) if k in _HEADS}
    values = [i for i, k in enumerate(keys) if COLUMN_KINDS.get(k) == "value"]
    if values:
        columns["value"] = values[-1]
    return columns if {"level3", "value"} <= columns.keys() else None


def _indicator_cells(
    body: list[Line], start: int, columns: dict[str, int], file: str
) -> tuple[list[Indicator], int]:
    """The rows of a Word table's indicator table, cell by cell: a blank 一级 / 二级 continues
    the row above (a merged cell), a blank 目标值 stays blank (the rules report it)."""
    indicators: list[Indicator] = []
    level1: str | None = None
    level2: str | None = None
    used = 0
    for line, text in body[start:]:
        if CELL not in text:
            break
        used += 1
        cells = [c.strip().replace(BREAK, "\n") for c in text.split(CELL)]
        field = {k: (cells[i] or None) if i < len(cells) else None for k, i in columns.items()}
        if not any(field.values()):
            continue
        level1 = field.get("level1") or level1
        level2 = field.get("level2") or (None if field.get("level1") else level2)
        written = field["value"]
        value = lb.normalise_value(written) if written else None
        indicators.append(
            Indicator(
                level1=level1,
                level2=level2,
                level3=field["level3"],
                value=value,
                written=written if written != value else None,
                remark=field.get("remark"),
                source=Location(file=file, line=line),
            )
        )
    return indicators, used


def _duty_cells(
    cells: list[str], line: int, file: str, findings: list[Finding]
) -> DutyBlock | None:
    """A 年度履职目标 row of a Word table: its last four cells are 部门职能 | 年度目标任务 |
    支出项目名称 | 预算金额 (the first, when there, is the merged block label); a blank cell is
    a blank field.  An amount that is not a number is reported, the row kept without it."""
    four = ([""] * 4 + cells)[-4:]
    title, goal, project, written = (c.replace(BREAK, "\n") or None for c in four)
    if not any((title, goal, project, written)):
        return None
    amount = lb.amount(written) if written else None
    if written and amount is None:
        findings.append(unparsed(file, line, written, "预算金额不是金额"))
    return DutyBlock(
        title=title,
        goal=goal,
        source=Location(file=file, line=line),
        project=project,
        amount=amount,
    )
