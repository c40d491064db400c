"""The unit view (:class:`Consolidation`) and how it is built: :func:`consolidate` from entries,
:func:`consolidate_results` from finished per-file results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from jixiao.consolidation.columns import (
    DEPARTMENT_COLUMNS,
    FINDINGS_COLUMNS,
    INDICATOR_COLUMNS,
    SUB_UNIT_COLUMNS,
    project_columns,
    summary_levels,
)
from jixiao.consolidation.cross_files import repeated_codes, usual_year, with_cross_findings
from jixiao.consolidation.plan import minimum_plan, unit_plan
from jixiao.consolidation.results import Entry, FileResult
from jixiao.consolidation.rows import file_result, plain
from jixiao.consolidation.table import Row, Table, in_unit
from jixiao.findings import Finding, Tally
from jixiao.money import MoneyUnit
from jixiao.profiles import Profile, load_profile
from jixiao.rules.cross import SUBMISSION_DUPLICATE
from jixiao.rules.money import AMOUNT_INVALID
from jixiao.views import Deferred, finding_facts, joined, total_tally


@dataclass(slots=True)
class Consolidation:
    """The unit view: tables ready to be written, and every finding.

    The long lists (项目汇总, 指标明细, 部门整体, the findings) are views read file by file
    (:class:`Joined`) when the results wait on disk; 下属单位 and 支出计划 are always in
    memory (one row per file, four rows)."""

    money_unit: MoneyUnit
    entries: list[FileResult]
    """One per file (per 填报部门 with ``by_department``), in file order."""
    projects: Table
    sub_units: Table
    plan: Table
    indicators: Table
    department: Table
    findings: Sequence[Finding]
    _tally: Tally | None = field(default=None, init=False, repr=False, compare=False)
    _budget: Decimal | None = field(default=None, init=False, repr=False, compare=False)
    _unbudgeted: int = field(default=0, init=False, repr=False, compare=False)
    _repeated: tuple[int, Decimal] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def has_errors(self) -> bool:
        """True when any finding is an error (the CLI exits 1)."""
        return self.tally.errors > 0

    @property
    def tally(self) -> Tally:
        """Findings per severity over all files (counted once)."""
        if self._tally is None:  # a spooled file's tally is kept with its findings' view
            self._tally = total_tally([e.findings for e in self.entries])
        return self._tally

    @property
    def budget(self) -> Decimal:
        """The unit's total 预算数, exactly, in :attr:`money_unit` (summed once)."""
        if self._budget is None:
            self._budget, self._unbudgeted = self.projects.summed("budget")
        return self._budget

    @property
    def unbudgeted(self) -> int:
        """Projects without a readable 预算数 (left blank, or text no reader reads, such as
        ``2.5万`` in a 元 table: amount-invalid): not in :attr:`budget`, and the overview says
        so (review14 found such a budget counted as 0 with nothing said)."""
        _ = self.budget
        return self._unbudgeted

    def years(self) -> Counter[int]:
        """How many readable files state each 预算年度 (files stating none are not counted)."""
        return Counter(
            e.submission.year for e in self.entries if e.submission and e.submission.year
        )

    def year_text(self) -> str:
        """The 预算年度 as 汇总概览 shows it: the year most files state (as the year-mixed
        check takes it), ``未填`` when none states one; the others are said in its note."""
        years = self.years()
        return str(usual_year(years)) if years else "未填"

    def _other_years(self) -> str:
        """``另有 2023 年 1 份：…`` when the files state more than one 预算年度, and how many
        readable files state none (review18: a JSON or document file without a year was
        counted in silence; only a workbook's blank year cell is a finding, year-missing)."""
        years = self.years()
        unstated = sum(1 for e in self.entries if e.submission and not e.submission.year)
        said = []
        if len(years) > 1:
            first = int(self.year_text())
            others = "、".join(f"{y} 年 {n} 份" for y, n in sorted(years.items()) if y != first)
            said.append(f"另有 {others}：各文件的预算年度不一，见问题清单 year-mixed")
        if unstated and years:
            said.append(f"{unstated} 份文件没有写预算年度")
        return "；".join(said)

    def placed_findings(self) -> Sequence[tuple[FileResult, Finding]]:
        """Every finding with the entry (file, sub-unit) it belongs to, in :attr:`findings`
        order (a view read file by file when the findings wait on disk).

        That order is file by file, in file order; within a file its own findings as validation
        sorted them, then the cross-file findings.  There is no sort across files, so 问题清单
        is written as the files' findings are read back, one file at a time."""
        return joined([_placed(entry) for entry in self.entries])

    def findings_table(self) -> Table:
        """问题清单: 序号, 下属单位 and the findings columns (:data:`FINDING_COLUMNS`)."""
        parts: list[Sequence[Row]] = []
        number = 1
        for entry in self.entries:
            make = partial(_numbered, entry, number)
            size = len(entry.findings)
            parts.append(make() if isinstance(entry.findings, list) else Deferred(size, make))
            number += size
        return Table(FINDINGS_COLUMNS, joined(parts))

    def repeated(self) -> tuple[int, Decimal]:
        """Projects whose 项目编码 stands in more than one submission (a file, or a 填报部门
        split off one), and their 预算数: each copy is counted in the totals (nothing is
        dropped silently), so the totals say so.  Which codes stand in several submissions is
        known from their facts; the rows are then read once, in order.  Worked out once: the
        workbook and the CSVs both ask, and a spooled run reads the codes and rows from disk."""
        if self._repeated is None:
            self._repeated = self._count_repeated()
        return self._repeated

    def _count_repeated(self) -> tuple[int, Decimal]:
        read = [(e, e.submission) for e in self.entries if e.submission is not None]
        twice = set(repeated_codes(read))
        count, budget = 0, Decimal(0)
        if not twice:
            return count, budget
        code_at, budget_at = self.projects.index("code"), self.projects.index("budget")
        for row in self.projects.rows:
            code, amount = row[code_at], row[budget_at]
            if code and code in twice:
                count += 1
                budget += amount if isinstance(amount, Decimal) else Decimal(0)
        return count, budget

    def totals_notes(self) -> dict[str, str]:
        """What each total of the overview includes, said beside it (by the total's label)."""
        unit = self.money_unit.value
        unreadable = sum(e.submission is None for e in self.entries)
        twice = sum(
            1 for e in self.entries if SUBMISSION_DUPLICATE.code in finding_facts(e.findings).codes
        )
        count, budget = self.repeated()
        left_out = f"；不含无法读取的 {unreadable} 份文件" if unreadable else ""
        projects = "全部能读取的报送中的项目，每份报送的项目都计入"
        money = f"各项目预算数之和（已换算为{unit}）"
        if count:
            repeated = (
                f"含项目编码相同、出现在多份报送中的 {count} 个项目"
                f"（预算 {plain(budget)}{unit}，每份都计入，见问题清单 project-code-duplicate）"
            )
            projects, money = f"{projects}；{repeated}", f"{money}；{repeated}"
        if twice:
            both = f"；同一单位报送的 {twice} 份文件都计入（见 submission-duplicate）"
            projects, money = projects + both, money + both
        if self.unbudgeted:
            unreadable_amounts = any(
                AMOUNT_INVALID.code in finding_facts(e.findings).codes for e in self.entries
            )
            see = "，写法无法识别的见问题清单 amount-invalid" if unreadable_amounts else ""
            money += f"；{self.unbudgeted} 个项目没有可读的预算数（空白{see}），未计入"
        return {
            "预算年度": self._other_years(),
            "报送文件": "读到的全部文件，含无法读取的",
            "无法读取的文件": "这些文件的项目和金额不在任何合计中" if unreadable else "",
            "项目数": projects + left_out,
            "预算数合计": money + left_out,
        }


def _placed(entry: FileResult) -> Sequence[tuple[FileResult, Finding]]:
    findings = entry.findings
    pairs = partial(_pairs, entry)
    return pairs() if isinstance(findings, list) else Deferred(len(findings), pairs)


def _pairs(entry: FileResult) -> list[tuple[FileResult, Finding]]:
    return [(entry, finding) for finding in entry.findings]


def _numbered(entry: FileResult, first: int) -> list[Row]:
    """问题清单's rows of one entry, numbered from ``first``."""
    return [
        (number, entry.sub_unit, *finding.cell_values())
        for number, finding in enumerate(entry.findings, start=first)
    ]


def consolidate(
    entries: Sequence[Entry], money_unit: MoneyUnit = MoneyUnit.WAN, profile: Profile | None = None
) -> Consolidation:
    """Build the unit view from entries that have already been read and validated."""
    results = [file_result(entry, money_unit, profile) for entry in entries]
    return consolidate_results(results, money_unit, profile)


def consolidate_results(
    results: Sequence[FileResult],
    money_unit: MoneyUnit = MoneyUnit.WAN,
    profile: Profile | None = None,
) -> Consolidation:
    """Build the unit view from finished per-file results (:func:`file_result`, computed with
    the same ``money_unit`` and ``profile``): the checks across files are added to the files
    they concern (their rows' counts and status follow), then the rows are gathered: as lists
    when the results are in memory, as views read file by file when they were spooled to
    disk (``service.spool``; then the cross-file findings and recounts are applied as each
    file's rows are read)."""
    named = profile
    results = with_cross_findings(results, profile or load_profile())
    columns = in_unit(project_columns(summary_levels()), money_unit)
    projects = Table(columns, joined([r.project_rows for r in results]))
    return Consolidation(
        money_unit=money_unit,
        entries=results,
        projects=projects,
        sub_units=Table(in_unit(SUB_UNIT_COLUMNS, money_unit), [r.sub_unit_row for r in results]),
        plan=unit_plan(projects, minimum_plan(results, named), money_unit),
        indicators=Table(INDICATOR_COLUMNS, joined([r.indicator_rows for r in results])),
        department=Table(DEPARTMENT_COLUMNS, joined([r.department_rows for r in results])),
        findings=joined([r.findings for r in results]),
    )
