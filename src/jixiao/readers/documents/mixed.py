"""A document that holds both layouts: 绩效目标表 projects and 申报表 forms (issue 14).

A unit may keep a 绩效目标表 workbook and a 申报表 workbook; ``jixiao publish`` prints each
project in its own layout, numbered on through one document.  Such a document is cut into parts
by its labels, never by position:

* a 申报表 form starts at its head — a ``项目名称`` row with a label only a form has (主管部门,
  实施单位, 开始日期, 资金情况, 年度资金总额, 其中：财政拨款, 上年结转, 长期目标, 项目负责人及电话…)
  on it or on one of the next :data:`HEAD_ROWS` rows — together with the lines above the head
  that belong to the form: its title (``N.…申报表``, or ``N.…绩效目标表`` when a form's head
  follows it), the year under it (``（2024年度）``), 绩效编制单位 and ``单位：万元``;
* a numbered ``N.…绩效目标申报表`` / ``…批复表`` title starts a form even before its head;
* a form ends where the next form starts or at the next ``N.…绩效目标表`` title of the first
  layout.  Everything else (the title of the document, the 部门整体 part, the 绩效目标表
  projects) is the first layout's.

:mod:`jixiao.readers.documents.text` reads each part with the reader of its layout and
:func:`join` puts the projects back together in document order.  A form's amounts are
converted, exactly, to the money unit of the first layout's tables (the submission has one);
the budget year is the one the first layout's titles state, else the forms' title lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jixiao.model import Project, Submission
from jixiao.money import MoneyUnit, convert
from jixiao.readers.documents import labels as lb
from jixiao.readers.documents.forms import label_kind, tokens_of
from jixiao.readers.documents.lines import TITLE, Block

HEAD_ROWS = 3
"""Rows after a ``项目名称`` row in which a form-only label is looked for: a form may print
项目编码 and 项目负责人及电话 before 主管部门."""

FORM_FIELDS = frozenset(
    {
        "supervisor",
        "implementer",
        "start",
        "end",
        "period",
        "budget",
        "fiscal",
        "carryover",
        "total",
        "long_term_goal",
    }
)
"""Fields of :mod:`jixiao.readers.documents.forms` whose labels the 绩效目标表 never prints
(its own are 项目编码, 项目名称, 预算数, 其中：财政资金, 其他资金, 资金用途, 绩效目标)."""
_FORM_BLOCKS = frozenset({"资金情况", "投入目标"})
_FORM_TITLE = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、]\s*)?.*绩效目标(?:申报|批复)表\s*$")
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.．、]")
_ANY_TITLE = re.compile(r"绩效目标(?:申报|批复)?表(?:\(\s*(?:19|20)\d\d\s*年度?\s*\))?$")
"""A table title, numbered or not (``项目支出绩效目标表``, ``…项目绩效目标表(2021年)``), as
:func:`lb.norm` writes it."""
_YEAR_LINE = re.compile(r"^[(（]?\s*(?:19|20)\d\d\s*年度?\s*[)）]?$")
_MONEY_LINE = re.compile(r"^(?:金额)?单位[:：]\s*(?:万元|元)$")


@dataclass(frozen=True, slots=True)
class FormPart:
    """The blocks of one 申报表 form and the number its title gives it (``2.…`` → 2)."""

    blocks: list[Block]
    number: int | None


def _text(block: Block) -> str:
    return " ".join(c.text for c in block.cells if c.text) if block.is_row else block.text


def _line_text(block: Block) -> str:
    """A prose line, or a row with one filled cell (a title a converter put in a table)."""
    if not block.is_row:
        return block.text
    texts = [c.text for c in block.cells if c.text]
    return texts[0] if len(texts) == 1 else ""


def _kinds(block: Block) -> list[str | None]:
    return [label_kind(t) for t in tokens_of(_text(block))]


def _is_form_label(kind: str | None, token: str) -> bool:
    return kind in FORM_FIELDS or (kind or "").startswith("attr:") or lb.norm(token) in _FORM_BLOCKS


def is_form_head(blocks: Sequence[Block], at: int) -> bool:
    """Whether ``blocks[at]`` opens a 申报表 form: a ``项目名称`` row with a form-only label
    on it or on one of the next :data:`HEAD_ROWS` rows."""
    tokens = tokens_of(_text(blocks[at]))
    if not tokens or label_kind(tokens[0]) != "name":
        return False
    for block in blocks[at : at + 1 + HEAD_ROWS]:
        if block is not blocks[at] and _kinds(block)[:1] == ["name"]:
            return False  # the next project's head: this one had no form label
        if any(_is_form_label(label_kind(t), t) for t in tokens_of(_text(block))):
            return True
    return False


def is_form_title(block: Block) -> bool:
    """A numbered ``N.…绩效目标申报表`` / ``…批复表`` title."""
    found = _FORM_TITLE.match(_line_text(block))
    return found is not None and found.group(1) is not None


def _belongs_above(block: Block) -> bool:
    """A line above a form's head that is the form's: its title, year, unit or money line."""
    text = _line_text(block)
    key = lb.norm(text)
    if not key:
        return False
    if _is_title(text) or _YEAR_LINE.match(key) or _MONEY_LINE.match(key):
        return True
    tokens = tokens_of(text)
    return bool(tokens) and label_kind(tokens[0]) == "unit"


def _is_title(text: str) -> bool:
    return bool(TITLE.match(text) or _ANY_TITLE.search(lb.norm(text)))


def _start_of(blocks: Sequence[Block], head: int) -> int:
    """The first block of the form whose head is ``blocks[head]``: the lines above it that are
    the form's, up to and including its title."""
    at = head
    while at > 0 and _belongs_above(blocks[at - 1]):
        at -= 1
        if _is_title(_line_text(blocks[at])):
            break  # the title opens the form: what is above it is not the form's
    return at


def split_parts(
    blocks: Sequence[Block], written: Sequence[Block] | None = None
) -> tuple[list[Block], list[FormPart]]:
    """The blocks of the first layout and the 申报表 forms, each in document order (see the
    module docstring); no forms when the document has none.

    ``written`` is the same blocks with each prose line as written, when ``blocks`` has it
    tidied (a text extraction's: spaces between Chinese characters dropped, which joins the
    space-separated cells of a form, ``项目名称 乙项目`` → ``项目名称乙项目``): the forms are
    found in it and taken from it."""
    forms = written if written is not None else blocks
    starts = {_start_of(forms, i) for i in range(len(forms)) if is_form_head(forms, i)}
    starts |= {i for i, b in enumerate(forms) if is_form_title(b)}
    if not starts:
        return list(blocks), []
    titles = {i for i, b in enumerate(forms) if TITLE.match(_line_text(b))}
    bounds = sorted(starts | titles | {len(forms)})
    parts: list[FormPart] = []
    taken: set[int] = set()
    for start in sorted(starts):
        end = next(b for b in bounds if b > start)
        parts.append(FormPart(list(forms[start:end]), _number(forms[start])))
        taken.update(range(start, end))
    first = [b for i, b in enumerate(blocks) if i not in taken]
    return first, parts


def _number(block: Block) -> int | None:
    found = _NUMBERED.match(_line_text(block))
    return int(found.group(1)) if found else None


def in_unit(project: Project, source: MoneyUnit, target: MoneyUnit) -> Project:
    """``project`` with its amounts converted (exactly) from ``source`` to ``target``."""
    if source == target:
        return project
    return replace(
        project,
        budget=convert(project.budget, source, target),
        fiscal=convert(project.fiscal, source, target),
        other=convert(project.other, source, target),
        carryover=convert(project.carryover, source, target),
        total=convert(project.total, source, target),
    )


def join(first: Submission, forms: Sequence[tuple[FormPart, Submission]]) -> Submission:
    """The first layout's submission with the forms' projects put in, in document order.

    The unit is the first layout's (its tables state the unit's code and money unit); its
    name, code and year, when the first layout states none, are the first form's.  A form's
    amounts are converted to the unit's money unit; a form's project takes its title's number
    (the first layout's projects have theirs), so numbering runs on as printed."""
    target = first.unit.money_unit
    placed = [(p.source.line or 0, p) for p in first.projects]  # a table's title line
    for part, read in forms:
        for project in read.projects:
            moved = in_unit(project, read.unit.money_unit, target)
            if part.number is not None and len(read.projects) == 1:
                moved = replace(moved, number=part.number)
            placed.append((part.blocks[0].line, moved))
    projects = [p for _, p in sorted(placed, key=lambda pair: pair[0])]
    unit = first.unit
    if forms:
        other = forms[0][1].unit
        unit = replace(
            unit,
            name=unit.name or other.name,
            code=unit.code or other.code,
            year=unit.year or other.year,
        )
    rollups = first.rollups + tuple(r for _, read in forms for r in read.rollups)
    return replace(first, unit=unit, projects=tuple(projects), rollups=rollups)


__all__ = ["FormPart", "in_unit", "is_form_head", "is_form_title", "join", "split_parts"]
