"""One 项目支出绩效目标表 (title, header lines, labelled rows, indicator rows) → a Project.

The table is read by its labels, never by position in the document: 项目编码/项目名称,
the 预算规模 row (预算数, 财政资金, 其他资金), 资金用途, 资金支出计划, 绩效目标, then the
indicator header whose own cells say which column is which.  Anything left over becomes an
``import-unparsed`` finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from jixiao.findings import Finding
from jixiao.model import Indicator, Location, PlanEntry, Project
from jixiao.money import MoneyUnit
from jixiao.readers.documents.lines import Block, Cell, is_artefact, label
from jixiao.rules.imports import unparsed

UNIT_LINE = re.compile(r"^(\d{6})\s*([^\d\s].{1,80})$")
MONEY_UNIT = re.compile(r"单位[：:]\s*(万元|元)")
_CHECKPOINT = re.compile(r"^(\d{1,2})月底$")
_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)\s*[%％]?$")
_AMOUNT = re.compile(r"^-?[\d,，]+(?:\.\d+)?$")

_AMOUNT_LABELS = {
    "预算数": "budget",
    "其中：财政资金": "fiscal",
    "其中财政资金": "fiscal",
    "财政资金": "fiscal",
    "其他资金": "other",
}
_TEXT_LABELS = {"项目编码": "code", "项目编号": "code", "项目名称": "name", "资金用途": "purpose"}
_GOAL_LABELS = {"绩效目标", "年度绩效目标", "项目绩效目标", "年度目标"}
_COLUMN_LABELS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "指标值": "value",
}


@dataclass(slots=True)
class Header:
    """What the lines above a project table say about the unit."""

    unit_code: str | None = None
    unit_name: str | None = None
    unit_line: int | None = None
    money_unit: MoneyUnit | None = None
    money_line: int | None = None


@dataclass(slots=True)
class Draft:
    """A project table being read: values with the line each came from."""

    values: dict[str, str | Decimal | None] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    plan: list[PlanEntry] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    has_plan: bool = False

    def put(self, name: str, value: str | Decimal | None, line: int) -> None:
        if name in self.values and self.values[name] is not None:
            return  # a repeated header row (page break) keeps the first value
        self.values[name] = value
        if value is not None:
            self.lines[name] = line


@dataclass(slots=True)
class ProjectRead:
    """The result of reading one table."""

    project: Project
    header: Header
    findings: list[Finding]
    has_code: bool
    has_plan: bool


def is_label(text: str) -> bool:
    """True for the fixed label cells of a project table."""
    key = label(text)
    return (
        key in _AMOUNT_LABELS
        or key in _TEXT_LABELS
        or key in _GOAL_LABELS
        or key.startswith(("预算规模", "资金支出计划"))
    )


def read_project(
    title: Block, number: int, title_name: str, body: list[Block], file: str
) -> ProjectRead:
    """Read one project table from the blocks between its title and the next one."""
    draft, header, findings = Draft(), Header(), []
    at = 0
    while at < len(body):
        block = body[at]
        if _is_indicator_header(block):
            findings += _read_indicators(block, body[at + 1 :], draft, file)
            break
        at = _read_head_block(body, at, draft, header, findings, file)
    where = Location(file=file, line=title.line)
    project = _project(draft, number, title_name, where, file)
    has_code = draft.values.get("code") is not None
    return ProjectRead(project, header, findings, has_code, draft.has_plan)


def _read_head_block(
    body: list[Block], at: int, draft: Draft, header: Header, findings: list[Finding], file: str
) -> int:
    """Read the block at ``at`` above the indicator header; return the next index to read."""
    block = body[at]
    texts = [c for c in block.cells if c.text] if block.is_row else [Cell(block.text, block.line)]
    if not texts:
        return at + 1
    if _read_header_line(texts, header):
        return at + 1
    keys = [label(c.text) for c in texts]
    if any(k.startswith("资金支出计划") or _CHECKPOINT.match(k) for k in keys):
        return _read_plan(body, at, draft, findings, file)
    if any(is_label(c.text) for c in texts):
        _read_labelled(texts, draft, findings, file)
        return at + 1
    if "purpose" not in draft.values and "budget" in draft.values:
        draft.put("purpose", "\n".join(c.text for c in texts), texts[0].line)
        return at + 1
    if not (len(texts) == 1 and is_artefact(texts[0].text)):
        text = " ".join(c.text for c in texts)
        findings.append(unparsed(file, texts[0].line, text, "项目表表头"))
    return at + 1


def _read_header_line(texts: list[Cell], header: Header) -> bool:
    """The unit line (``615001 某某法院本级``) and ``单位：万元``; True if this was one."""
    matched = False
    for cell in texts:
        if unit := UNIT_LINE.match(cell.text.strip()):
            if header.unit_code is None:
                header.unit_code, header.unit_name = unit.group(1), unit.group(2).strip()
                header.unit_line = cell.line
            matched = True
        elif money := MONEY_UNIT.search(cell.text):
            if header.money_unit is None:
                header.money_unit, header.money_line = MoneyUnit(money.group(1)), cell.line
            matched = True
    return matched and len(texts) <= 2


def _read_labelled(texts: list[Cell], draft: Draft, findings: list[Finding], file: str) -> None:
    """A row of ``label value label value …`` cells."""
    at = 0
    while at < len(texts):
        key = label(texts[at].text)
        value = texts[at + 1] if at + 1 < len(texts) and not is_label(texts[at + 1].text) else None
        if key in _GOAL_LABELS:
            rest = texts[at + 1 :]
            if rest:
                draft.put("goal", "\n".join(c.text for c in rest), rest[0].line)
            return
        if key in _AMOUNT_LABELS and value is not None:
            draft.put(_AMOUNT_LABELS[key], _amount(value, findings, file), value.line)
        elif key in _TEXT_LABELS and value is not None:
            draft.put(_TEXT_LABELS[key], value.text, value.line)
        elif value is not None and not key.startswith("预算规模") and not is_label(key):
            findings.append(unparsed(file, texts[at].line, texts[at].text, "项目表表头"))
            at -= 1  # the next cell may itself be a label
        at += 2 if value is not None else 1


def _amount(cell: Cell, findings: list[Finding], file: str) -> Decimal | None:
    text = cell.text.replace(",", "").replace("，", "").strip()
    if not text:
        return None
    if not _AMOUNT.match(text):
        findings.append(unparsed(file, cell.line, cell.text, "金额"))
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None


def _read_plan(body: list[Block], at: int, draft: Draft, findings: list[Finding], file: str) -> int:
    """资金支出计划: checkpoint cells, then the percent cells (possibly wrapped or repeated)."""
    draft.has_plan = True
    checkpoints: list[str] = []
    percents: list[Cell] = []
    while at < len(body):
        block = body[at]
        cells = [c for c in block.cells if c.text] if block.is_row else []
        keys = [label(c.text) for c in cells]
        if not block.is_row and not is_artefact(block.text):
            break
        if any(k in _GOAL_LABELS or k.startswith("一级指标") for k in keys):
            break
        for cell, key in zip(cells, keys, strict=True):
            if _CHECKPOINT.match(key):
                checkpoints.append(key)
            elif _PERCENT.match(key):
                percents.append(cell)
            elif not key.startswith("资金支出计划"):
                findings.append(unparsed(file, cell.line, cell.text, "资金支出计划"))
        at += 1
    _pair_plan(checkpoints, percents, draft, findings, file)
    return at


def _pair_plan(
    checkpoints: list[str],
    percents: list[Cell],
    draft: Draft,
    findings: list[Finding],
    file: str,
) -> None:
    seen: set[tuple[str, Decimal]] = set()
    for checkpoint, cell in zip(checkpoints, percents, strict=False):
        match = _PERCENT.match(label(cell.text))
        percent = Decimal(match.group(1)) if match else None
        if percent is not None and (checkpoint, percent) in seen:
            continue  # the same plan row printed again after a page break
        if percent is not None:
            seen.add((checkpoint, percent))
        draft.plan.append(PlanEntry(checkpoint, percent, None, Location(file=file, line=cell.line)))
    for cell in percents[len(checkpoints) :]:
        findings.append(unparsed(file, cell.line, cell.text, "资金支出计划：没有对应的时间节点"))


def _column_of(key: str) -> str | None:
    if key in _COLUMN_LABELS:
        return _COLUMN_LABELS[key]
    if "描述" in key:
        return "description"
    if key.startswith("指标值确定") or "依据" in key:
        return "basis"
    return None


def _is_indicator_header(block: Block) -> bool:
    keys = {label(c.text) for c in block.cells}
    return "一级指标" in keys and "三级指标" in keys


def _read_indicators(header: Block, rest: list[Block], draft: Draft, file: str) -> list[Finding]:
    """The indicator rows under the header, 一级/二级 filled down over their merged cells."""
    columns = [_column_of(label(c.text)) for c in header.cells]
    width = max((i + 1 for i, c in enumerate(columns) if c), default=0)
    findings: list[Finding] = []
    previous = Indicator()
    for cells in _rows(rest, width, header, findings, file):
        row = dict(zip(columns, cells, strict=False))
        indicator = _indicator(row, previous, file)
        if indicator is not None:
            draft.indicators.append(indicator)
            previous = indicator
    return findings


def _rows(
    rest: list[Block], width: int, header: Block, findings: list[Finding], file: str
) -> list[list[Cell]]:
    """Indicator rows of ``width`` cells; one-cell-per-line rows split by a stray blank line
    are joined back, and rows run together are cut at the width."""
    rows: list[list[Cell]] = []
    pending: list[Cell] = []
    header_keys = [label(c.text) for c in header.cells]
    for block in rest:
        if not block.is_row:
            if block.text and not is_artefact(block.text):
                findings.append(unparsed(file, block.line, block.text, "绩效指标"))
            continue
        if [label(c.text) for c in block.cells] == header_keys:
            continue  # the header repeated at the top of a new page
        if len(block.cells) > 1 and len({c.line for c in block.cells}) == 1:  # a tab row
            rows.append(block.cells)
            continue
        pending += block.cells
        while len(pending) >= width > 0:
            rows.append(pending[:width])
            pending = pending[width:]
    if any(c.text for c in pending):
        text = " ".join(c.text for c in pending if c.text)
        findings.append(unparsed(file, pending[0].line, text, "绩效指标行不完整"))
    return rows


def _indicator(row: dict[str | None, Cell], previous: Indicator, file: str) -> Indicator | None:
    def text(name: str) -> str | None:
        cell = row.get(name)
        return cell.text if cell is not None and cell.text else None

    if not any(text(n) for n in ("level1", "level2", "level3", "description", "value")):
        return None
    level1 = text("level1")
    level2 = text("level2") or (previous.level2 if level1 is None else None)
    where = row.get("value") or row.get("level3") or next(c for c in row.values())
    return Indicator(
        level1=level1 or previous.level1,
        level2=level2,
        level3=text("level3"),
        description=text("description"),
        value=text("value"),
        basis=text("basis"),
        source=Location(file=file, line=where.line),
    )


def _project(draft: Draft, number: int, title_name: str, where: Location, file: str) -> Project:
    values = draft.values

    def money(name: str) -> Decimal | None:
        value = values.get(name)
        return value if isinstance(value, Decimal) else None

    def text(name: str) -> str | None:
        value = values.get(name)
        return value if isinstance(value, str) else None

    sources = {k: Location(file=file, line=line) for k, line in draft.lines.items()}
    return Project(
        name=text("name") or title_name,
        code=text("code"),
        number=number,
        budget=money("budget"),
        fiscal=money("fiscal"),
        other=money("other"),
        purpose=text("purpose"),
        plan=tuple(draft.plan),
        goal=text("goal"),
        indicators=tuple(draft.indicators),
        source=where,
        sources=sources,
    )
