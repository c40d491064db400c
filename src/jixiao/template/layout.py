"""The template layout: the single source of truth for every sheet, cell, range and name.

The template builder, the workbook reader, the native status formulas, the ribbon handlers
(校验结果, 新建项目表) and the live Excel book all take positions and defined names from here;
nothing else hard-codes a cell address (tests/test_layout_positions.py looks for strays).
Changing anything in :class:`Layout` changes :func:`fingerprint`, so workbooks made from an
older layout are recognised as such instead of being misread; an older layout whose filled
workbooks read the same stays in :data:`COMPATIBLE_FINGERPRINTS`.

This module holds the workbook as a whole (:class:`Layout`: which sheets, and the fingerprint
of all their positions and labels), the 校验结果 sheet written into a checked workbook, and the
template's constants.  Each sheet's positions live in its spec module, one sheet family a
module: :mod:`jixiao.template.book_sheets` (单位信息, 总览, 列表, _meta),
:mod:`jixiao.template.project_sheet` (项目N), :mod:`jixiao.template.department_sheets`
(部门整体绩效目标, 整体绩效目标表); they build positions with
:mod:`jixiao.template.positions` and say how they print with
:mod:`jixiao.template.print_setup`.  The fingerprint hashes ``asdict(LAYOUT)``: field names and
values only, so where a class is defined never changes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from jixiao.a1 import a1, parse_a1
from jixiao.findings import FINDING_COLUMNS
from jixiao.template.book_sheets import ListsSheet, MetaSheet, SummarySheet, UnitSheet
from jixiao.template.department_sheets import DepartmentSheet, OverallSheet
from jixiao.template.names import DEFAULT_PROJECTS, MAX_PROJECTS
from jixiao.template.positions import cell_range
from jixiao.template.print_setup import PrintSetup
from jixiao.template.project_sheet import ProjectSheet

TEMPLATE_ID = "jixiao-ysjx"
TEMPLATE_VERSION = 1
PASSWORD = "jixiao"
"""Sheet and structure protection password. Protection prevents accidents; it is not security."""

END_MARKER = "▲表尾"
"""Written below each input grid (outside the print area): a moved marker means inserted rows."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Every sheet of the template workbook."""

    unit: UnitSheet = field(default_factory=UnitSheet)
    summary: SummarySheet = field(default_factory=SummarySheet)
    department: DepartmentSheet = field(default_factory=DepartmentSheet)
    overall: OverallSheet = field(default_factory=OverallSheet)
    project: ProjectSheet = field(default_factory=ProjectSheet)
    lists: ListsSheet = field(default_factory=ListsSheet)
    meta: MetaSheet = field(default_factory=MetaSheet)


LAYOUT = Layout()


_FINDING_HEADING = dict(FINDING_COLUMNS)


@dataclass(frozen=True, slots=True)
class ResultSheet:
    """校验结果: what 一键校验 writes into the clerk's workbook: a title line, the header, then
    one row per finding, its 单元格 linked to the cell, which is marked.

    Not a sheet of the template, hence not in :class:`Layout` nor in the fingerprint:
    rearranging it never makes a filled workbook unreadable.  The finding columns take their
    headings from :data:`jixiao.findings.FINDING_COLUMNS`; 工作表 and 单元格 are what the marks
    are found by (清除标记 reads them back)."""

    name: str = "校验结果"
    title: str = "A1"
    summary: str = "C1"
    header_row: int = 2
    first_row: int = 3
    columns: tuple[tuple[str, str, float], ...] = (
        # (key, header, width): keys of FINDING_COLUMNS, plus number, sheet and cell
        ("number", "序号", 6.0),
        ("severity", _FINDING_HEADING["severity"], 6.0),
        ("code", _FINDING_HEADING["code"], 24.0),
        ("sheet", "工作表", 14.0),
        ("cell", "单元格", 8.0),
        ("project", _FINDING_HEADING["project"], 28.0),
        ("message", _FINDING_HEADING["message"], 70.0),
        ("hint", _FINDING_HEADING["hint"], 50.0),
    )

    @property
    def keys(self) -> tuple[str, ...]:
        """The column keys, in order."""
        return tuple(key for key, _, _ in self.columns)

    @property
    def headers(self) -> list[str]:
        """The header row."""
        return [header for _, header, _ in self.columns]

    @property
    def widths(self) -> list[float]:
        """Column widths, from column A."""
        return [width for _, _, width in self.columns]

    def index(self, key: str) -> int:
        """The 0-based position of a column in a row of values."""
        return self.keys.index(key)

    def printing(self, findings: int) -> PrintSetup:
        """Landscape (the message and hint columns are wide), the header repeated."""
        last = a1(self.first_row + max(findings, 1) - 1, len(self.columns))
        return PrintSetup(cell_range(self.title, last), (self.header_row,) * 2, landscape=True)

    def cell(self, key: str, row: int) -> str:
        """One cell of the sheet."""
        return a1(row, self.index(key) + 1)

    def top_line(self, title: str, summary: str) -> list[object]:
        """The first row's values, from column A: the title and the summary in their cells."""
        line: list[object] = [None] * parse_a1(self.summary)[1]
        line[parse_a1(self.title)[1] - 1] = title
        line[parse_a1(self.summary)[1] - 1] = summary
        return line


RESULT = ResultSheet()


COMPATIBLE_FINGERPRINTS: tuple[str, ...] = (
    "d4e096c5f35cb18e",  # before issue 9 put titles, widths, helpers and list names here
    "c9a3b9cdbaec0b91",  # before the 二级 variant lists (LV_) were added
)
"""Fingerprints of older layouts whose workbooks read exactly as today's: between them only
things the reader never reads changed (widths, titles, hidden helpers and lists); every input,
label and marker stayed put.  Workbooks already handed out and filled keep being read; a
layout that moves an input cell must not be added here (bump :data:`TEMPLATE_VERSION`)."""


def profile_key(profile_name: str) -> str:
    """``central-2021`` → ``central_2021`` (usable inside a defined name)."""
    return profile_name.replace("-", "_").replace(".", "_")


def fingerprint(layout: Layout = LAYOUT) -> str:
    """A short hash of every position and label: differs whenever the layout changes."""
    text = json.dumps(asdict(layout), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{TEMPLATE_ID}/{TEMPLATE_VERSION}/{text}".encode()).hexdigest()[:16]


def readable_fingerprint(value: object) -> bool:
    """True for the fingerprint of this layout or of a compatible older one."""
    return value == fingerprint() or value in COMPATIBLE_FINGERPRINTS


__all__ = [
    "COMPATIBLE_FINGERPRINTS",
    "DEFAULT_PROJECTS",
    "END_MARKER",
    "LAYOUT",
    "MAX_PROJECTS",
    "PASSWORD",
    "RESULT",
    "TEMPLATE_ID",
    "TEMPLATE_VERSION",
    "Layout",
    "ResultSheet",
    "a1",
    "fingerprint",
    "profile_key",
    "readable_fingerprint",
]
