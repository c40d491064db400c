"""The other provinces' published tables → a submission (issue 14).

Tried when the Hebei/Tianjin reader finds nothing: the layout is recognised by its labels and
content, never by province — a wide ``|`` table of a department's projects, a 批复表 tree, a
部门整体支出绩效目标表, or one or more labelled 申报表 forms (space-joined cells,
or ``|`` rows that are not the wide table).  The budget year comes from a table
title or the line under it, the money unit from the label that states it.  Whatever cannot be
placed is an ``import-unparsed`` finding; a cut-off document imports what is there.
"""

from __future__ import annotations

import re

from jixiao.findings import Finding
from jixiao.model import Location, Project, Submission, Unit
from jixiao.money import MoneyUnit
from jixiao.readers.documents import labels as lb
from jixiao.readers.documents.department_form import BREAK, CELL, read_department_form
from jixiao.readers.documents.forms import (
    Fields,
    read_form,
    read_labelled_line,
    tokens_of,
)
from jixiao.readers.documents.indicator_rows import header_columns
from jixiao.readers.documents.lines import Block
from jixiao.readers.documents.wide import is_tree, is_wide, pipe_cells, read_tree, read_wide

PROFILE = lb.PROFILE

Line = tuple[int, str]


def text_lines(text: str) -> list[Line]:
    """Numbered lines (1-based, as an editor shows them), without leading ``#`` comment lines
    (a capture's notes above the text as found)."""
    lines = [(n, t.rstrip("\r")) for n, t in enumerate(text.split("\n"), start=1)]
    at = 0
    while at < len(lines) and lines[at][1].startswith("#"):
        at += 1
    return lines[at:]


def _first_token(text: str) -> str:
    tokens = tokens_of(text)
    return lb.norm(tokens[0]) if tokens else ""


def _is_department(lines: list[Line]) -> bool:
    return any("部门整体支出绩效目标表" in lb.norm(t) and ".xls" not in t for _, t in lines)


def _form_starts(lines: list[Line]) -> list[int]:
    return [i for i, (_, t) in enumerate(lines) if _first_token(t) == "项目名称"]


def parse_other(text: str, file: str) -> tuple[Submission | None, list[Finding]] | None:
    """Read a document in one of the other layouts; None when none is recognised."""
    lines = text_lines(text)
    if is_wide(lines):
        return _wide(lines, file)
    if is_tree(lines):
        return _tree(lines, file)
    lines = [(n, pipe_row_as_cells(t)) for n, t in lines]
    if _is_department(lines):
        return _department(lines, file)
    starts = _form_starts(lines)
    if starts and any(
        header_columns(tokens_of(t)) is not None or "资金总额" in lb.norm(t) for _, t in lines
    ):
        return _forms(lines, starts, file)
    return None


_SPACED_LABEL = re.compile(r"^[\u4e00-\u9fff](?: [\u4e00-\u9fff])+$")


def pipe_row_as_cells(text: str) -> str:
    """A ``|`` row of a form (濮阳's 批复 letter: one project's 申报表 with ``|`` between cells)
    read as the space-joined cells the form reader knows: empty cells left out, a label
    spaced out over a merged cell (``绩 效 指 标``) closed up.  Other lines as they are."""
    if not text.lstrip().startswith("|"):
        return text
    cells = [c for c in pipe_cells(text) if c]
    return " ".join(c.replace(" ", "") if _SPACED_LABEL.match(c) else c for c in cells)


def parse_other_blocks(
    blocks: list[Block], file: str
) -> tuple[Submission | None, list[Finding]] | None:
    """A .docx document (paragraphs and table rows) in one of the other layouts: its rows are
    read as ``|`` rows when they form the wide table, else as space-joined cells (empty cells
    left out); each line keeps the block's ordinal, so findings point where the reader's do.

    A 部门整体支出绩效目标表 keeps its rows' cell boundaries: each row is rendered with a tab
    between its cells, empty cells kept (:data:`jixiao.readers.documents.department_form.CELL`),
    and the form reader takes a 履职目标 or indicator row cell by cell.  Joined with spaces, a
    cell with spaces in it (``组织 指导 编纂``, ``≥ 60 %``) or a blank cell moved text into the
    next field; a Word table says where each cell ends, so nothing is guessed.  Text
    extractions (space-joined lines) are read as before."""
    pipes = _render(blocks, pipe=True)
    if is_wide(text_lines(pipes)):
        return parse_other(pipes, file)
    joined = _render(blocks, pipe=False)
    if _is_department(text_lines(joined)) and any(b.is_row for b in blocks):
        return parse_other(_render(blocks, pipe=False, cells=True), file)
    return parse_other(joined, file)


def _render(blocks: list[Block], *, pipe: bool, cells: bool = False) -> str:
    by_line: dict[int, list[str]] = {}
    for block in blocks:
        if block.is_row and cells:
            text = CELL.join(_cell_text(c.text) for c in block.cells)
        elif block.is_row:
            texts = [c.text for c in block.cells]
            text = "| " + " | ".join(texts) + " |" if pipe else " ".join(c for c in texts if c)
        else:
            text = block.text
        by_line.setdefault(block.line, []).append(text)
    top = max(by_line, default=0)
    return "\n".join(" ".join(by_line.get(n, [])) for n in range(1, top + 1))


def _cell_text(text: str) -> str:
    """A cell's text on one line: a line break inside it as :data:`BREAK`."""
    text = text.replace(CELL, " ").replace(BREAK, " ").replace("\r", "")
    return text.replace("\n", BREAK)


def _unit(lines: list[Line], file: str, name: str, code: str | None, line: int | None) -> Unit:
    money, money_line = lb.money_unit(lines)
    sources = {"money_unit": Location(file=file, line=money_line)} if money_line else {}
    return Unit(
        name=name,
        code=code,
        year=lb.title_year(lines),
        money_unit=money or MoneyUnit.WAN,
        profile=PROFILE,
        source=Location(file=file, line=line),
        sources=sources,
    )


def _wide(lines: list[Line], file: str) -> tuple[Submission | None, list[Finding]]:
    read = read_wide(lines, file)
    first = read.units[0] if read.units else None
    coded = lb.split_code(first[0]) if first else lb.Coded(None, "")
    unit = _unit(lines, file, coded.name, coded.code, first[1] if first else None)
    submission = Submission(
        unit, tuple(read.projects), None, {}, Location(file=file), rollups=tuple(read.rollups)
    )
    return submission, read.findings


def _tree(lines: list[Line], file: str) -> tuple[Submission | None, list[Finding]]:
    read = read_tree(lines, file)
    name, line = read.unit if read.unit else ("", None)
    coded = lb.split_code(name)
    unit = _unit(lines, file, coded.name, coded.code, line)
    return Submission(unit, tuple(read.projects), None, {}, Location(file=file)), read.findings


def _department(lines: list[Line], file: str) -> tuple[Submission | None, list[Finding]]:
    start = next(
        i
        for i, (_, t) in enumerate(lines)
        if "部门整体支出绩效目标表" in lb.norm(t) and ".xls" not in t
    )
    read = read_department_form(lines[start + 1 :], file)
    name = read.fields.text("unit") or ""
    line = read.fields.lines.get("unit")
    unit = _unit(lines, file, name, read.fields.text("unit_code"), line)
    submission = Submission(
        unit, (), read.department, {}, Location(file=file), rollups=tuple(read.rollups)
    )
    return submission, read.findings


def _forms(
    lines: list[Line], starts: list[int], file: str
) -> tuple[Submission | None, list[Finding]]:
    findings: list[Finding] = []
    projects: list[Project] = []
    layout = _layout(lines)
    for n, at in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        read = read_form(lines[at:end], file, layout)
        findings += read.findings
        projects.append(read.project)
    preface = Fields()
    for number, text in lines[: starts[0]]:
        if _first_token(text) in ("绩效编制单位", "单位名称"):
            read_labelled_line(text, number, preface, [])
    name, code, where = _form_unit(preface, projects)
    unit = _unit(lines, file, name, code, where)
    return Submission(unit, tuple(projects), None, {}, Location(file=file)), findings


def _form_unit(preface: Fields, projects: list[Project]) -> tuple[str, str | None, int | None]:
    """The submitting unit: 绩效编制单位 when stated, else the 实施单位, else the 主管部门."""
    if text := preface.text("unit"):
        coded = lb.split_code(text)
        return coded.name, coded.code, preface.lines.get("unit")
    for project in projects:
        for written, field in (
            (project.implementer, "implementer"),
            (project.supervisor, "supervisor"),
        ):
            if written:
                coded = lb.split_code(written)
                return coded.name, coded.code, project.at(field).line
    return "", None, None


def _layout(lines: list[Line]) -> str:
    for _, text in lines:
        if found := lb.TABLE_TITLE.search(text):
            return "批复表" if "批复" in found.group() else "申报表"
    return "申报表"
