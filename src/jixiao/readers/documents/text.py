"""A text extraction (or the blocks of a .docx) → Submission.

The document is cut at its landmarks: project titles (``N.…绩效目标表``), the three headings of
the 部门整体绩效目标, and the header of the 整体绩效目标表.  Each part is read by its own module;
what lies between parts (tables of contents, part titles, withheld-project notes, page numbers)
is recognised and skipped, anything else is reported as ``import-unparsed``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jixiao.findings import Finding
from jixiao.model import Department, Location, OverallRow, Submission, Unit
from jixiao.money import MoneyUnit
from jixiao.readers.documents.lines import (
    TITLE,
    Block,
    Cell,
    blocks_from_lines,
    is_artefact,
    residue_in,
    source_lines,
    strip_residue,
)
from jixiao.readers.documents.mixed import FormPart, join, split_parts
from jixiao.readers.documents.narrative import is_section_heading, read_department
from jixiao.readers.documents.other import parse_other, parse_other_blocks
from jixiao.readers.documents.overall import is_overall_header, is_overall_row, read_overall_row
from jixiao.readers.documents.projects import ProjectRead, read_project
from jixiao.rules.imports import cleaned, unparsed

_LEADER = re.compile(r"\.{3,}|…{2,}|·{3,}")
_WITHHELD = re.compile(r"\d+(?:\s*[-—–至~]\s*\d+)?\s*号?项目.{0,40}(?:保密|不公开|涉密|不予公开)")
_DOCUMENT_TITLE = re.compile(r"^(\S.*?)\s*(?:20\d\d\s*年度?)?\s*(?:部门)?预算绩效目标$")
"""``某某单位2024年度预算绩效目标``: the unit named in the document's title."""
_LEADING_YEAR = re.compile(r"^(?:(?:19|20)\d\d|[〇零一二三四五六七八九]{4})\s*年度?\s*")
"""A year the title opens with (``2024年度某市财政局…``, ``2023 年度预算绩效目标``): not part
of the unit's name (review17 saw a nameless unit come back named “2023年度”; review18 a
title opening with its year lose the unit after it)."""
_LONGEST_TITLE = 200
"""Longer lines are no title (and the title's pattern backtracks over long runs of spaces)."""
_YEAR_TITLE = re.compile(r"(20\d\d)\s*年度")
_YEAR_BUDGET = re.compile(r"(20\d\d)\s*年\s*(?:部门|单位)?\s*预算")
_YEAR = re.compile(r"(?:(20\d\d)\s*年|[-—](20\d\d)(?!\d))")


Read = tuple[Submission | None, list[Finding]]


def parse_text(text: str, file: str) -> Read:
    """Read a text extraction; see :func:`read_blocks`."""
    lines = source_lines(text)
    return read_blocks(blocks_from_lines(lines), file, lambda: parse_other(text, file), lines)


def read_blocks(
    blocks: list[Block],
    file: str,
    other: Callable[[], Read | None],
    lines: list[str] | None = None,
) -> Read:
    """Read a document's blocks (a text extraction's, whose ``lines`` are given, or a .docx's).

    A document that holds 申报表 forms beside Hebei/Tianjin tables is cut into its parts and
    each is read by its own reader (:mod:`jixiao.readers.documents.mixed`).  A document in
    which the Hebei/Tianjin layout finds nothing is read by ``other``, as one of the other
    provinces' layouts (:mod:`jixiao.readers.documents.other`)."""
    mixed = _read_mixed(blocks, file, lines)
    if mixed is not None:
        return mixed
    submission, findings = parse_blocks(blocks, file)
    if not _found(submission):
        read = other()
        if read is not None and read[0] is not None:
            return read
    return submission, findings


def _found(submission: Submission | None) -> bool:
    return submission is not None and bool(
        submission.projects or (submission.department and not submission.department.is_empty)
    )


def _read_mixed(blocks: list[Block], file: str, lines: list[str] | None) -> Read | None:
    """Both layouts in one document; None when it holds no 申报表 form or nothing of the
    Hebei/Tianjin layout besides (a document of forms only is read as before).  The blocks are
    read from a copy: when None is returned they are read again, whole.  The forms of a text
    extraction are read from its prose lines as written (:func:`mixed.split_parts`)."""
    written = _as_written(blocks, lines)
    if not split_parts(blocks, written)[1]:
        return None
    copies = [Block(b.line, b.text, list(b.cells)) for b in blocks]
    residue = _clean_residue(copies)
    if written is not None:
        written = [_without_residue(b) for b in written]
    first_blocks, parts = split_parts(copies, written)
    first, findings = parse_blocks(first_blocks, file)
    if first is None or not _found(first):
        return None
    if residue:
        findings.insert(0, cleaned(file, residue))
    forms = []
    for part in parts:
        read = _read_form(part, file, findings)
        if read is not None:
            forms.append((part, read))
    return join(first, forms), findings


def _as_written(blocks: list[Block], lines: list[str] | None) -> list[Block] | None:
    """``blocks`` with each prose line as the text has it (not tidied), or None for a .docx."""
    if lines is None:
        return None
    return [b if b.is_row else Block(b.line, text=lines[b.line - 1].strip()) for b in blocks]


def _without_residue(block: Block) -> Block:
    """A prose line as written with converter residue removed (reported from the tidied line)."""
    return block if block.is_row else Block(block.line, text=strip_residue(block.text))


def _read_form(part: FormPart, file: str, findings: list[Finding]) -> Submission | None:
    """One 申报表 form of a mixed document, by the other layouts' reader."""
    read = parse_other_blocks(part.blocks, file)
    if read is None or read[0] is None or not read[0].projects:
        findings += read[1] if read is not None else []
        first = part.blocks[0]
        findings.append(unparsed(file, first.line, _sample(part.blocks), "无法读取的申报表"))
        return None
    findings += read[1]
    return read[0]


def parse_blocks(blocks: list[Block], file: str) -> tuple[Submission | None, list[Finding]]:
    """Read a document already split into prose lines and rows; converter residue (LaTeX,
    HTML entities) is removed from every cell first and reported once (``import-cleaned``)."""
    findings: list[Finding] = []
    residue = _clean_residue(blocks)
    if residue:
        findings.append(cleaned(file, residue))
    titles = [i for i, b in enumerate(blocks) if _title(b) is not None]
    first = titles[0] if titles else len(blocks)
    front = blocks[:first]
    overall, front = _overall_table(front, file, findings)
    department, narrative_findings = read_department(front, file)
    findings += narrative_findings
    reads = _projects(blocks, titles, file, findings)
    if department is None and overall:
        department = Department(overall_table=tuple(overall[1]), source=overall[0])
    elif department is not None and overall:
        department = _with_table(department, overall[1])
    if not reads and department is None:
        return None, [*findings, unparsed(file, None, _sample(blocks), "未找到绩效目标表")]
    unit = _unit(reads, blocks, file)
    projects = tuple(r.project for r in reads)
    return Submission(unit, projects, department, {}, Location(file=file)), findings


def _clean_residue(blocks: list[Block]) -> list[tuple[int, str, str]]:
    """Strip converter residue from every prose line and cell, in place; what was removed,
    as (line, written, now)."""
    removed: list[tuple[int, str, str]] = []
    for block in blocks:
        if block.is_row:
            block.cells = [_clean_cell(cell, removed) for cell in block.cells]
        elif block.text:
            block.text = _clean_cell(Cell(block.text, block.line), removed).text
    return removed


def _clean_cell(cell: Cell, removed: list[tuple[int, str, str]]) -> Cell:
    clean = strip_residue(cell.text)
    if clean == cell.text:
        return cell
    removed.extend((cell.line, raw, now) for raw, now in residue_in(cell.text))
    return Cell(clean, cell.line)


def _title(block: Block) -> tuple[int, str] | None:
    text = block.text if not block.is_row else _single_cell(block)
    if not text or _LEADER.search(text):
        return None  # table-of-contents entries carry dot leaders and a page number
    match = TITLE.match(text)
    if match is None or "整体绩效目标" in match.group(2):
        return None
    return int(match.group(1)), match.group(2).strip()


def _single_cell(block: Block) -> str:
    texts = [c.text for c in block.cells if c.text]
    return texts[0] if len(texts) == 1 else ""


def _projects(
    blocks: list[Block], titles: list[int], file: str, findings: list[Finding]
) -> list[ProjectRead]:
    reads = []
    for n, at in enumerate(titles):
        end = titles[n + 1] if n + 1 < len(titles) else len(blocks)
        body = [b for b in blocks[at + 1 : end] if not _skippable(b)]
        number, name = _title(blocks[at]) or (0, "")
        read = read_project(blocks[at], number, name, body, file)
        findings += read.findings
        reads.append(read)
    return reads


def _skippable(block: Block) -> bool:
    """Prose between tables that carries no data: withheld projects, part titles, page numbers."""
    if block.is_row:
        return False
    text = block.text
    return (
        not text
        or is_artefact(text)
        or bool(_WITHHELD.search(text))
        or text.startswith("第二部分")
        or text in ("预算项目绩效目标", "项目支出绩效目标")
    )


def _overall_table(
    front: list[Block], file: str, findings: list[Finding]
) -> tuple[tuple[Location, list[OverallRow]] | None, list[Block]]:
    """The 整体绩效目标表 rows and the blocks left for the narrative."""
    header = next((i for i, b in enumerate(front) if is_overall_header(b)), None)
    if header is None:
        return None, front
    rows, end = [], header + 1
    while end < len(front) and (front[end].is_row or not front[end].text):
        if is_overall_row(front[end]):
            rows.append(read_overall_row(front[end], file, findings))
        end += 1
    caption = next(
        (b for b in reversed(front[:header]) if not b.is_row and "绩效目标表" in b.text), None
    )
    source = Location(file=file, line=(caption or front[header]).line)
    return (source, rows), front[:header] + front[end:]


def _with_table(department: Department, rows: list[OverallRow]) -> Department:
    return Department(
        department.overall_goal,
        department.blocks,
        department.measures,
        tuple(rows),
        department.source,
        department.sources,
    )


def _unit(reads: list[ProjectRead], blocks: list[Block], file: str) -> Unit:
    header = next((r.header for r in reads if r.header.unit_code is not None), None)
    money = next((r.header for r in reads if r.header.money_unit is not None), None)
    tianjin = bool(reads) and not any(r.has_code or r.has_plan for r in reads)
    sources = {}
    if money is not None and money.money_line is not None:
        sources["money_unit"] = Location(file=file, line=money.money_line)
    return Unit(
        name=(header.unit_name if header else None) or _titled_unit(blocks),
        code=header.unit_code if header else None,
        year=budget_year(blocks),
        money_unit=(money.money_unit if money else None) or MoneyUnit.WAN,
        profile="tianjin" if tianjin else "hebei",
        source=Location(file=file, line=header.unit_line if header else None),
        sources=sources,
    )


def _titled_unit(blocks: list[Block]) -> str:
    """The unit a document's title names (a document with no project table has no unit line)."""
    for block in blocks[:5]:
        text = block.text
        if block.is_row or len(text) > _LONGEST_TITLE or not text.endswith("预算绩效目标"):
            continue
        if titled := _DOCUMENT_TITLE.match(text):
            return _LEADING_YEAR.sub("", titled.group(1))
    return ""


def budget_year(blocks: list[Block]) -> int | None:
    """The budget year the document states: a ``YYYY年度`` or ``YYYY 年部门预算`` title, else
    the latest year named (a budget for year Y names Y and, as history or carried-over funds,
    earlier years).  Project codes are not read: their year digits are the code's, not the
    budget's; nor are project titles (``8.2023 年度结转…绩效目标表`` names a project)."""
    texts = [b.text if not b.is_row else " ".join(c.text for c in b.cells) for b in blocks]
    for text in texts:
        if _LEADER.search(text) or TITLE.match(text):
            continue
        if titled := _YEAR_TITLE.search(text) or _YEAR_BUDGET.search(text):
            return int(titled.group(1))
    years = [int(a or b) for t in texts for a, b in _YEAR.findall(t)]
    return max(years) if years else None


def _sample(blocks: list[Block]) -> str:
    for block in blocks:
        text = block.text or " ".join(c.text for c in block.cells if c.text)
        if text.strip():
            return text
    return "（没有文字内容）"


__all__ = ["budget_year", "is_section_heading", "parse_blocks", "parse_text"]
