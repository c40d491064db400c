"""What one file brings to a consolidation: the :class:`Entry` taken in (a read and validated
submission, or a file that could not be read), and the :class:`FileResult` a worker or the cache
gives back instead (its rows, findings and the few :class:`Submitted` facts the checks across
files need).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.consolidation.table import Row
from jixiao.findings import FileReport, Finding
from jixiao.model import Location, Submission


@dataclass(slots=True)
class Entry:
    """One submission taken into the consolidation (or a file that could not be)."""

    file: str
    submission: Submission | None
    findings: list[Finding] = field(default_factory=list)
    group: str | None = None
    """The sub-unit's name; defaults to the submission's unit name."""

    def file_report(self) -> FileReport:
        """This file's findings as a validation report has them."""
        projects = len(self.submission.projects) if self.submission else 0
        return FileReport(self.file, projects, self.findings)

    @property
    def sub_unit(self) -> str:
        """Who sent it: the department group or the submitting unit (``（未填单位名称）`` when
        the file names none: review17 saw a console line start with “：0 个项目” and summary
        rows under an empty 下属单位)."""
        if self.group:
            return self.group
        if self.submission is None:
            return "（无法读取）"
        return self.submission.unit.name.strip() or UNNAMED


UNNAMED = "（未填单位名称）"
"""The sub-unit of a file that names no unit."""


@dataclass(frozen=True, slots=True)
class CodeFact:
    """A project with a 项目编码, as the cross-file check of duplicate codes needs it."""

    code: str
    name: str | None
    number: int | None
    where: Location
    """Where the code was written (``project.at("code")``)."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """The few facts of a read submission that the cross-file checks and the totals need."""

    unit_key: str
    """Who sent it (单位编码 or 名称, with the department group): the same twice is flagged."""
    template_version: str
    projects: int
    codes: Sequence[CodeFact] = ()
    """The projects with a 项目编码; a :class:`jixiao.views.Deferred` view once the parent has
    spooled the file (``service.spool``): at 10⁴ files × 30 projects they were most of what the
    parent kept in memory per file (issue #15: flat in N)."""
    template: str = ""
    """Which template made it (its template id; empty for interchange JSON): versions are
    compared among files of one template only (a 申报表 is no old 绩效目标表)."""
    minimum_plan: tuple[tuple[str, Decimal], ...] = ()
    """The submission's own profile's minimum progress per checkpoint (may be empty)."""
    year: int | None = None
    """Its 预算年度 (None: not stated): files of other years are flagged, never left out."""


ProjectKey = tuple[str | None, str | None, int | None]


def key_of(finding: Finding) -> ProjectKey:
    return (finding.project_code, finding.project_name, finding.project_number)


@dataclass(slots=True)
class FileResult:
    """One file's finished part of a consolidation (or validation): its rows of every table and
    its findings, plus the small facts (:class:`Submitted`) the checks across files need.

    This is what a reading worker sends back instead of the whole submission, and what the
    cache keeps: plain values only (text, numbers, exact amounts), no model objects.  Rows are
    computed for one money unit and one named profile (:func:`file_result`)."""

    file: str
    sub_unit: str
    findings: Sequence[Finding]
    submission: Submitted | None
    """None when the file could not be read (as :attr:`Entry.submission`)."""
    project_rows: Sequence[Row] = field(default_factory=list)
    project_keys: Sequence[ProjectKey] = field(default_factory=list)
    """Each project row's (项目编码, 名称, 序号): the findings that belong to it."""
    sub_unit_row: Row = ()
    indicator_rows: Sequence[Row] = field(default_factory=list)
    department_rows: Sequence[Row] = field(default_factory=list)
    """Lists as computed; :class:`Deferred` views once the parent has spooled them to disk
    (``service.spool``): then only their lengths, the facts and the 下属单位 row stay in
    memory."""

    def file_report(self) -> FileReport:
        """This file's findings as a validation report has them."""
        projects = self.submission.projects if self.submission else 0
        return FileReport(self.file, projects, list(self.findings))
