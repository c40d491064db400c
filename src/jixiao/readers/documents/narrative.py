"""The 部门整体绩效目标 narrative: 一、总体绩效目标 / 二、分项绩效目标 / 三、工作保障措施.

Blocks of 二、 start at a ``（一）标题`` line or at a paragraph opening with a quoted name
(“法治宣传”项目…); their ``绩效目标：`` / ``绩效指标：`` text holds the stated spending plan (or a
``资金支出计划：`` line of its own) and the indicators, in list form (``案件结案率 ≥85% 为优、…``)
or in prose items (``1、产出指标-数量指标-名称（说明），指标值>=6；``), both read by
:mod:`jixiao.readers.documents.prose`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.findings import Finding
from jixiao.model import Department, DutyBlock, Location, Measure
from jixiao.readers.documents.lines import Block
from jixiao.readers.documents.prose import Piece, indicators_from, join, plan_from

_NUMERAL = "一二三四五六七八九十"
_SECTION = re.compile(
    rf"^(?:[{_NUMERAL}]+\s*[、.．]\s*)?(总体绩效目标|分项绩效目标|工作保障措施)\s*[：:]?$"
)
_PART_ONE = re.compile(r"^第[一1]部分")
_PART_OTHER = re.compile(r"^第[二三四五2-5]部分")
_SUB_TITLE = re.compile(rf"^[（(][{_NUMERAL}\d]+[）)]\s*(.+)$")
_QUOTED = re.compile(r"^[“\"「](.{1,40}?)[”\"」]")
_GOAL = re.compile(r"^(?:分项)?绩效目标\s*[：:]\s*(.*)$")
_INDICATORS = re.compile(r"^绩效指标\s*[：:]\s*(.*)$")
_PLAN_LINE = re.compile(r"^(?:资金)?支出计划(?:[（(]\s*[%％]\s*[）)])?\s*[：:]\s*(.*)$")
"""A block's own 资金支出计划 line (as ``jixiao publish`` writes it): plan, not goal text."""
_GROUP = re.compile(r"^(.{0,12}保障措施)\s*[：:]?$")
_NUMBERED = re.compile(r"^\d{1,2}\s*[、.．]\s*(.+)$")
_SENTENCE_END = re.compile(r"[。！？]")


@dataclass(slots=True)
class _BlockDraft:
    title: str | None
    line: int
    goal: list[Piece] = field(default_factory=list)
    goal_line: int | None = None
    indicators: list[Piece] = field(default_factory=list)
    indicators_line: int | None = None
    plan: list[Piece] = field(default_factory=list)
    last: str = "goal"


def is_section_heading(text: str) -> bool:
    """One of the three headings of the 部门整体绩效目标."""
    return bool(_SECTION.match(text))


def read_department(blocks: list[Block], file: str) -> tuple[Department | None, list[Finding]]:
    """The narrative part, or None when none of its three headings is present."""
    prose = [b for b in blocks if not b.is_row and b.text]
    heads = {m.group(1): i for i, b in enumerate(prose) if (m := _SECTION.match(b.text))}
    if not heads:
        return None, []
    starts = sorted(heads.values())
    findings: list[Finding] = []

    def part(name: str) -> list[Block]:
        if name not in heads:
            return []
        start = heads[name] + 1
        end = next((s for s in starts if s > heads[name]), len(prose))
        section = prose[start:end]
        cut = next((i for i, b in enumerate(section) if _PART_OTHER.match(b.text)), None)
        return section[:cut]

    goal_lines = [Piece(b.text, b.line) for b in part("总体绩效目标")]
    duty_blocks = _duty_blocks(part("分项绩效目标"), file, findings)
    measures = _measures(part("工作保障措施"), file)
    first = starts[0]
    opener = next((b for b in reversed(prose[:first]) if _PART_ONE.match(b.text)), prose[first])
    sources = {
        name: Location(file=file, line=prose[heads[key]].line)
        for name, key in (("blocks", "分项绩效目标"), ("measures", "工作保障措施"))
        if key in heads
    }
    if goal_lines:
        sources["overall_goal"] = Location(file=file, line=goal_lines[0].line)
    department = Department(
        overall_goal=join(goal_lines) or None,
        blocks=tuple(duty_blocks),
        measures=tuple(measures),
        source=Location(file=file, line=opener.line),
        sources=sources,
    )
    return department, findings


def _duty_blocks(lines: list[Block], file: str, findings: list[Finding]) -> list[DutyBlock]:
    drafts: list[_BlockDraft] = []
    for block in lines:
        text = block.text
        if title := _SUB_TITLE.match(text):
            drafts.append(_BlockDraft(title.group(1).strip(), block.line))
        elif (quoted := _QUOTED.match(text)) and not _GOAL.match(text):
            draft = _BlockDraft(quoted.group(1).strip(), block.line)
            draft.goal, draft.goal_line = [Piece(text, block.line)], block.line
            drafts.append(draft)
        elif not drafts:
            drafts.append(_BlockDraft(None, block.line))
            _add_line(drafts[-1], block)
        else:
            _add_line(drafts[-1], block)
    return [_duty_block(d, file, findings) for d in drafts]


def _add_line(draft: _BlockDraft, block: Block) -> None:
    """A 绩效目标/资金支出计划/绩效指标 line, or the continuation of the previous one."""
    if plan := _PLAN_LINE.match(block.text):
        draft.plan.append(Piece(plan.group(1), block.line))
    elif goal := _GOAL.match(block.text):
        if draft.goal:  # the block's goal was its opening paragraph: this is plan + indicators
            draft.indicators.append(Piece(goal.group(1), block.line))
            draft.indicators_line, draft.last = block.line, "indicators"
        else:
            draft.goal.append(Piece(goal.group(1), block.line))
            draft.goal_line, draft.last = block.line, "goal"
    elif listed := _INDICATORS.match(block.text):
        draft.indicators.append(Piece(listed.group(1), block.line))
        draft.indicators_line, draft.last = block.line, "indicators"
    elif draft.last == "indicators":
        draft.indicators.append(Piece(block.text, block.line))
    else:
        draft.goal.append(Piece(block.text, block.line))
        draft.goal_line = draft.goal_line or block.line


def _duty_block(draft: _BlockDraft, file: str, findings: list[Finding]) -> DutyBlock:
    plan = plan_from(draft.plan + draft.goal + draft.indicators, file)
    indicators = indicators_from(draft.indicators, file, findings)
    sources = {}
    if draft.goal_line is not None and draft.goal:
        sources["goal"] = Location(file=file, line=draft.goal_line)
    if draft.indicators_line is not None:
        sources["indicators"] = Location(file=file, line=draft.indicators_line)
    return DutyBlock(
        title=draft.title,
        goal=join(draft.goal) or None,
        plan=plan,
        indicators=indicators,
        source=Location(file=file, line=draft.line),
        sources=sources,
    )


def _measures(lines: list[Block], file: str) -> list[Measure]:
    measures: list[Measure] = []
    pieces: list[list[Piece]] = []
    group: str | None = None
    for block in lines:
        text = block.text
        if found := _GROUP.match(text):
            group = found.group(1)
        elif title := _SUB_TITLE.match(text):
            measures.append(Measure(title.group(1).strip(), None, group, _at(file, block)))
            pieces.append([])
        elif numbered := _NUMBERED.match(text):
            body = numbered.group(1).strip()
            measures.append(Measure(_short_title(body), None, group, _at(file, block)))
            pieces.append([Piece(body, block.line)])
        elif measures:
            pieces[-1].append(Piece(text, block.line))
        else:
            measures.append(Measure(None, None, group, _at(file, block)))
            pieces.append([Piece(text, block.line)])
    return [
        Measure(m.title, join(p) or None, m.group, m.source)
        for m, p in zip(measures, pieces, strict=True)
    ]


def _short_title(body: str) -> str | None:
    """``完善制度建设。包括…`` starts with its title; a long first sentence is no title."""
    first = _SENTENCE_END.split(body, maxsplit=1)[0]
    if first != body and len(first) <= 10 and not re.search(r"[，,、；;：:]", first):
        return first
    return None


def _at(file: str, block: Block) -> Location:
    return Location(file=file, line=block.line)
