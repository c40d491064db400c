"""Findings: what a rule says about the data, and the Report that collects them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from jixiao.model import Compact


class Severity(StrEnum):
    """How bad a finding is: 错误 (the table is wrong), 警告 (a reviewer would ask), 提示."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        """The Chinese word a clerk sees."""
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        """0 for errors, so sorting puts them first."""
        return ("error", "warning", "info").index(self.value)


@dataclass(frozen=True, slots=True)
class Tally:
    """How many findings of each severity: the one place that counts them."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Tally:
        """Count ``findings`` by severity."""
        counts = Counter(f.severity for f in findings)
        return cls(counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO])

    @property
    def status(self) -> str:
        """有错误 / 有警告 / 通过, as the summary and the result sheet show it."""
        if self.errors:
            return STATUS_ERROR
        return STATUS_WARNING if self.warnings else STATUS_OK

    def to_json(self) -> dict[str, int]:
        """``{"errors", "warnings", "infos"}``."""
        return {"errors": self.errors, "warnings": self.warnings, "infos": self.infos}

    def text(self) -> str:
        """``错误 2，警告 1，提示 0``."""
        return f"错误 {self.errors}，警告 {self.warnings}，提示 {self.infos}"


STATUS_ERROR, STATUS_WARNING, STATUS_OK, STATUS_UNREADABLE = "有错误", "有警告", "通过", "无法读取"

FINDING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("severity", "级别"),
    ("file", "文件"),
    ("where", "位置"),
    ("project", "项目"),
    ("message", "问题"),
    ("hint", "修改提示"),
    ("code", "规则编码"),
)
"""The columns of a findings table (问题清单, 校验结果), key and Chinese heading, in order."""


@dataclass(frozen=True, slots=True)
class Finding(Compact):
    """One problem found in a submission, pointing at the cell or line to fix."""

    code: str
    severity: Severity
    file: str
    sheet: str | None
    cell: str | None
    project_code: str | None
    project_name: str | None
    message: str
    hint: str
    line: int | None = None
    path: str | None = None
    project_number: int | None = None
    """The project's running number: two projects may share a name (seed 001 #6 and #7)."""

    @property
    def where(self) -> str:
        """``Sheet!F12``, ``第12行`` or the JSON path, whichever is known."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.cell:
            return self.cell
        if self.line is not None:
            return f"第{self.line}行"
        return self.path or self.sheet or ""

    @property
    def project(self) -> str:
        """``3.审判业务经费（131001…）`` or "" for findings outside a project."""
        if not (self.project_name or self.project_code):
            return ""
        code = f"（{self.project_code}）" if self.project_code else ""
        number = f"{self.project_number}." if self.project_number is not None else ""
        return f"{number}{self.project_name or ''}{code}"

    def cell_values(self) -> tuple[str, ...]:
        """The finding as one row of :data:`FINDING_COLUMNS`."""
        values = {
            "severity": self.severity.label,
            "file": self.file,
            "where": self.where,
            "project": self.project,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
        }
        return tuple(values[key] for key, _ in FINDING_COLUMNS)

    def to_json(self) -> dict[str, object]:
        """The finding as the report JSON contract has it."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "line": self.line,
            "path": self.path,
            "project_code": self.project_code,
            "project_name": self.project_name,
            "project_number": self.project_number,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(slots=True)
class FileReport:
    """The findings of one input file, with how many projects it held."""

    path: str
    projects: int = 0
    findings: list[Finding] = field(default_factory=list)

    def tally(self) -> Tally:
        """Findings per severity."""
        return Tally.of(self.findings)


@dataclass(slots=True)
class Report:
    """The result of validating one or more files."""

    files: list[FileReport] = field(default_factory=list)

    def findings(self) -> Iterator[Finding]:
        """Every finding of every file."""
        for file_report in self.files:
            yield from file_report.findings

    def tally(self) -> Tally:
        """Findings per severity over all files."""
        return Tally.of(self.findings())

    @property
    def has_errors(self) -> bool:
        """True when any finding is an error (the CLI then exits 1)."""
        return any(f.severity is Severity.ERROR for f in self.findings())


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Reading order as the workbook or document has it: what belongs to no project first
    (unit, department, file), then each project in its own order (the sheet's or document's
    project number, never the sheet name as text: 项目2 before 项目10), and within each by
    position in the file, then severity."""
    return sorted(findings, key=_reading_order)


_NO_NUMBER = 1 << 30


def _reading_order(f: Finding) -> tuple[object, ...]:
    in_project = f.project_number is not None or bool(f.project_name or f.project_code)
    number = f.project_number if f.project_number is not None else _NO_NUMBER
    return (
        in_project,
        number,
        _natural(f.sheet),
        _cell_order(f.cell),
        f.line or 0,
        _natural(f.path),
        f.severity.rank,
        f.code,
    )


def _natural(text: str | None) -> tuple[tuple[int, int | str], ...]:
    """``项目2`` before ``项目10``; ``projects[2]`` before ``projects[10]``."""
    parts = re.split(r"(\d+)", text or "")
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts if p)


def _cell_order(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    digits = "".join(ch for ch in cell if ch.isdigit())
    letters = "".join(ch for ch in cell if ch.isalpha())
    return (int(digits or 0), letters.rjust(3))
