"""Findings: what a rule says about the data, and the Report that collects them."""

from __future__ import annotations

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

    def counts(self) -> Counter[Severity]:
        """Findings per severity."""
        return Counter(f.severity for f in self.findings)


@dataclass(slots=True)
class Report:
    """The result of validating one or more files."""

    files: list[FileReport] = field(default_factory=list)

    def findings(self) -> Iterator[Finding]:
        """Every finding of every file."""
        for file_report in self.files:
            yield from file_report.findings

    def counts(self) -> Counter[Severity]:
        """Findings per severity over all files."""
        return Counter(f.severity for f in self.findings())

    @property
    def has_errors(self) -> bool:
        """True when any finding is an error (the CLI then exits 1)."""
        return any(f.severity is Severity.ERROR for f in self.findings())


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Stable reading order: by position in the file, then severity."""
    return sorted(
        findings,
        key=lambda f: (
            f.sheet or "",
            _cell_order(f.cell),
            f.line or 0,
            f.path or "",
            f.severity.rank,
            f.code,
        ),
    )


def _cell_order(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    digits = "".join(ch for ch in cell if ch.isdigit())
    letters = "".join(ch for ch in cell if ch.isalpha())
    return (int(digits or 0), letters.rjust(3))
