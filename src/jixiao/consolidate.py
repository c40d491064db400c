"""汇总: many sub-unit submissions → one checked unit-level picture (pure, on the model).

Money is converted to one money unit before anything is added (never 元 + 万元), exactly
(``Decimal`` until a writer puts it in a cell); projects are never merged by name; the same
项目编码 or the same sub-unit twice is flagged on both sides, never silently resolved.

The tables are plain rows under a column spec (:class:`Table`, :class:`Column`): the summary
workbook, the console text, the JSON and the add-in's sheets all read the same columns.  (No
pandas: a list-of-dicts container that turned exact amounts into floats and cost half a second
of import on every command.)
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache, partial
from typing import TypeVar

from jixiao.findings import (
    FINDING_COLUMNS,
    STATUS_UNREADABLE,
    FileReport,
    Finding,
    Tally,
)
from jixiao.model import CHECKPOINTS, Indicator, Location, Project, Submission
from jixiao.money import MoneyUnit, convert
from jixiao.profiles import Profile, load_profile
from jixiao.rules.base import Scope
from jixiao.rules.cost import is_cost
from jixiao.rules.cross import SUBMISSION_DUPLICATE, TEMPLATE_VERSION_MIXED
from jixiao.rules.identity import PROJECT_CODE_DUPLICATE
from jixiao.rules.plan import plan_percents
from jixiao.values import ValueKind, parse_value
from jixiao.views import Deferred, FindingFacts, finding_facts, joined, total_tally

HUNDRED = Decimal(100)


class Kind(StrEnum):
    """What a column holds, which decides how it is written and rounded."""

    TEXT = "text"
    LONG_TEXT = "long_text"  # wrapped in a wide column (部门整体 内容)
    MONEY = "money"  # Decimal in the consolidation's money unit
    PERCENT = "percent"  # Decimal, 0–100
    COUNT = "count"  # int
    NUMBER = "number"  # Decimal of any size (an indicator's 数值)
    MET = "met"  # bool: 达标 / 未达标


@dataclass(frozen=True, slots=True)
class Column:
    """One column: a snake_case key (JSON), its Chinese heading (sheets, text), its kind."""

    key: str
    heading: str
    kind: Kind = Kind.TEXT
    width: float = 12
    """Column width in a sheet (characters)."""


Value = str | int | bool | Decimal | None
"""A cell of a consolidation table: text, a count, 达标 or not, or an exact amount."""
Row = tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """Plain rows under a column spec (the one place a table's headings are written)."""

    columns: tuple[Column, ...]
    rows: Sequence[Row] = field(default_factory=list)
    """A list, or a view read part by part (:class:`Joined`: rows waiting on disk)."""

    def __post_init__(self) -> None:
        width = len(self.columns)
        if len({c.key for c in self.columns}) != width:
            raise ValueError("duplicate column keys")
        # A view's rows were checked when they were stored; reading them all here would undo
        # the point of keeping them on disk.
        if isinstance(self.rows, list) and any(len(row) != width for row in self.rows):
            raise ValueError(f"every row needs {width} values")

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns' snake_case keys, in order."""
        return tuple(c.key for c in self.columns)

    @property
    def headings(self) -> tuple[str, ...]:
        """The columns' Chinese headings, in order."""
        return tuple(c.heading for c in self.columns)

    def index(self, key: str) -> int:
        """The position of column ``key`` (KeyError when there is none)."""
        for number, column in enumerate(self.columns):
            if column.key == key:
                return number
        raise KeyError(key)

    def column(self, key: str) -> list[Value]:
        """Every value of column ``key``, top to bottom."""
        at = self.index(key)
        return [row[at] for row in self.rows]

    def records(self) -> list[dict[str, Value]]:
        """The rows as ``{key: value}``."""
        keys = self.keys
        return [dict(zip(keys, row, strict=True)) for row in self.rows]

    def total(self, key: str) -> Decimal:
        """The exact sum of a money column (blank cells count as nothing), row by row."""
        at = self.index(key)
        return sum((v for row in self.rows if isinstance(v := row[at], Decimal)), Decimal(0))

    def without(self, key: str) -> Table:
        """The same table minus column ``key``."""
        at = self.index(key)
        columns = self.columns[:at] + self.columns[at + 1 :]
        return Table(columns, [row[:at] + row[at + 1 :] for row in self.rows])

    def mapped(self, key: str, change: Callable[[Value], Value]) -> Table:
        """The same table with ``change`` applied to every value of column ``key``."""
        at = self.index(key)
        return Table(
            self.columns, [(*row[:at], change(row[at]), *row[at + 1 :]) for row in self.rows]
        )


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
        """Who sent it: the department group or the submitting unit."""
        if self.group:
            return self.group
        return self.submission.unit.name if self.submission else "（无法读取）"


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
    codes: tuple[CodeFact, ...] = ()
    template: str = ""
    """Which template made it (its template id; empty for interchange JSON): versions are
    compared among files of one template only (a 申报表 is no old 绩效目标表)."""
    minimum_plan: tuple[tuple[str, Decimal], ...] = ()
    """The submission's own profile's minimum progress per checkpoint (may be empty)."""


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
            self._budget = self.projects.total("budget")
        return self._budget

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
        """Projects whose 项目编码 stands in more than one file, and their 预算数: each file's
        copy is counted in the totals (nothing is dropped silently), so the totals say so.
        Which codes stand in several files is known from the files' facts; the rows are
        then read once, in order."""
        seen: dict[str, set[str]] = defaultdict(set)
        for entry in self.entries:
            for fact in entry.submission.codes if entry.submission else ():
                seen[fact.code].add(entry.file)
        twice = {code for code, files in seen.items() if len(files) > 1}
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
                f"（预算 {_plain(budget)}{unit}，每份都计入，见问题清单 project-code-duplicate）"
            )
            projects, money = f"{projects}；{repeated}", f"{money}；{repeated}"
        if twice:
            both = f"；同一单位报送的 {twice} 份文件都计入（见 submission-duplicate）"
            projects, money = projects + both, money + both
        return {
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


def _plain(amount: Decimal) -> str:
    """``1,234.56`` for a note."""
    try:
        return f"{amount:,.2f}"
    except (ValueError, ArithmeticError):  # pragma: no cover - a sum beyond any format
        return str(amount)


# ---------------------------------------------------------------- column specs

_WIDE = 30.0
_CODE = 23.0
"""A 项目编码 is 21 characters: shown whole."""


def _checkpoint_key(checkpoint: str) -> str:
    """``3月底`` → ``3`` (keys are ASCII)."""
    return "".join(ch for ch in checkpoint if ch.isascii() and ch.isdigit())


SUB_UNIT_COLUMNS: tuple[Column, ...] = (
    Column("sub_unit", "下属单位", Kind.LONG_TEXT, width=24),
    Column("file", "文件", Kind.LONG_TEXT, width=24),
    Column("projects", "项目数", Kind.COUNT),
    Column("budget", "预算数", Kind.MONEY),
    Column("fiscal", "财政资金", Kind.MONEY),
    Column("other", "其他资金", Kind.MONEY),
    Column("errors", "错误", Kind.COUNT),
    Column("warnings", "警告", Kind.COUNT),
    Column("status", "状态"),
)

PLAN_COLUMNS: tuple[Column, ...] = (
    Column("checkpoint", "时间节点", width=8),
    Column("amount", "累计支出金额", Kind.MONEY, width=14),
    Column("planned_budget", "计划内预算数", Kind.MONEY, width=14),
    Column("percent", "累计支出进度%", Kind.PERCENT, width=10),
    Column("left_out", "未计入的项目数", Kind.COUNT, width=10),
    Column("left_out_budget", "未计入的预算数", Kind.MONEY, width=14),
    Column("minimum_percent", "最低要求%", Kind.PERCENT, width=10),
    Column("met", "是否达标", Kind.MET, width=8),
)
PLAN_NOTE = (
    "累计支出进度 = 累计支出金额 ÷ 计划内预算数。计划内预算数只含在该节点填了 0～100% 支出计划"
    "且有预算数的项目；未填、超出 0～100% 或没有预算数的项目不计入该行（见“未计入”两列），"
    "但计入各处的预算数合计。"
)
"""Said beside the plan table: what its totals include."""
NO_MINIMUM_NOTE = "规则配置没有规定各节点的最低支出进度，因此不列“最低要求%”和“是否达标”。"

KIND_NAMES: dict[ValueKind, str] = {
    ValueKind.EMPTY: "空白",
    ValueKind.QUANTITATIVE: "定量",
    ValueKind.QUALITATIVE: "定性",
    ValueKind.DEADLINE: "时限",
    ValueKind.MIXED: "混合",
}
"""指标明细's 类型, in the clerk's words."""

INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("sub_unit", "下属单位", Kind.LONG_TEXT, width=14),
    Column("file", "文件", Kind.LONG_TEXT, width=16),
    Column("sheet", "工作表", width=7),
    Column("cell", "单元格", width=7),
    Column("project_code", "项目编码", width=_CODE),
    Column("project_name", "项目名称", Kind.LONG_TEXT, width=18),
    Column("level1", "一级指标", width=10),
    Column("level2", "二级指标", Kind.LONG_TEXT, width=12),
    Column("level3", "三级指标", Kind.LONG_TEXT, width=18),
    Column("value", "指标值", Kind.LONG_TEXT, width=14),
    Column("symbol", "符号", width=5),
    Column("number", "数值", Kind.NUMBER, width=9),
    Column("unit", "计量单位", width=7),
    Column("kind", "类型", width=6),
    Column("basis", "指标值确定依据", Kind.LONG_TEXT, width=12),
)

DEPARTMENT_COLUMNS: tuple[Column, ...] = (
    Column("sub_unit", "下属单位", Kind.LONG_TEXT, width=16),
    Column("part", "部分", width=14),
    Column("name", "名称", Kind.LONG_TEXT, width=20),
    Column("content", "内容", Kind.LONG_TEXT, width=70),
)

_FINDING_WIDTHS = {
    "severity": 6.0,
    "file": 16.0,
    "where": 12.0,
    "project": 16.0,
    "message": 44.0,
    "hint": 34.0,
    "code": 22.0,
}
_FINDING_WRAPPED = frozenset({"file", "where", "project", "message", "hint"})
FINDINGS_COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", Kind.COUNT, width=6),
    Column("sub_unit", "下属单位", Kind.LONG_TEXT, width=14),
    *(
        Column(
            key,
            heading,
            Kind.LONG_TEXT if key in _FINDING_WRAPPED else Kind.TEXT,
            width=_FINDING_WIDTHS.get(key, 10),
        )
        for key, heading in FINDING_COLUMNS
    ),
)


COST = "成本指标"
OTHER_LEVEL = "其他一级"


def count_heading(level: str, levels: Sequence[str]) -> str:
    """项目汇总's heading of a 一级 count: what the column includes, said (成本 is counted
    on its own, whether a profile has it as a 一级 or as a 二级 of 产出)."""
    if level == COST:
        return "成本指标（一级或二级）"
    if COST in levels and level in _COST_PARENTS:
        return f"{level}（不含成本）"
    return level


_COST_PARENTS = frozenset(
    level1
    for name in ("hebei", "tianjin")
    for level1, level2s in load_profile(name).framework.items()
    if COST in level2s
)
"""The 一级 under which a profile has 成本指标 as a 二级 (产出指标)."""


def project_columns(levels: Sequence[str]) -> tuple[Column, ...]:
    """项目汇总's columns: who and what, money, plan % and amount per checkpoint, indicator
    counts per 一级 (``levels``; they add up to 指标数), findings and status."""
    plan = [
        column
        for checkpoint in CHECKPOINTS
        for column in (
            Column(f"percent_{_checkpoint_key(checkpoint)}", f"{checkpoint}%", Kind.PERCENT, 7),
            Column(f"amount_{_checkpoint_key(checkpoint)}", f"{checkpoint}金额", Kind.MONEY, 11),
        )
    ]
    counts = [
        Column(f"level1_{n}", count_heading(level, levels), Kind.COUNT, 7)
        for n, level in enumerate(levels, start=1)
    ]
    return (
        Column("sub_unit", "下属单位", Kind.LONG_TEXT, width=14),
        Column("file", "文件", Kind.LONG_TEXT, width=16),
        Column("sheet", "工作表", width=7),
        Column("department", "填报部门", Kind.LONG_TEXT, width=9),
        Column("code", "项目编码", width=_CODE),
        Column("name", "项目名称", Kind.LONG_TEXT, width=20),
        Column("budget", "预算数", Kind.MONEY, 11),
        Column("fiscal", "财政资金", Kind.MONEY, 11),
        Column("other", "其他资金", Kind.MONEY, 11),
        *plan,
        *counts,
        Column("level1_other", f"{OTHER_LEVEL}或空白", Kind.COUNT, 7),
        Column("indicators", "指标数", Kind.COUNT, 6),
        Column("errors", "错误", Kind.COUNT, 5),
        Column("warnings", "警告", Kind.COUNT, 5),
        Column("status", "状态", width=7),
    )


# ---------------------------------------------------------------- the tables


def project_row(
    entry: Entry,
    project: Project,
    target: MoneyUnit,
    findings: Sequence[Finding],
    levels: Sequence[str],
    profile: Profile | None = None,
) -> Row:
    """One row of 项目汇总 (:func:`project_columns`): money converted exactly, plan % and
    amounts, indicator counts, findings and status.  Indicators are counted under the
    submission's profile (or ``profile``, the one named for the whole run)."""
    assert entry.submission is not None
    source = entry.submission.unit.money_unit
    budget = convert(project.budget, source, target)
    percents = {c: p for c, p, _ in plan_percents(project.plan)}
    plan: list[Value] = []
    for checkpoint in CHECKPOINTS:
        percent = percents.get(checkpoint)
        plan.append(percent)
        plan.append(None if percent is None or budget is None else budget * percent / HUNDRED)
    counts = level_counts(project, profile or _profile_of(entry.submission), levels)
    tally = Tally.of(findings)
    return (
        entry.sub_unit,
        entry.file,
        project.source.sheet,
        project.department,
        project.code,
        project.name,
        budget,
        convert(project.fiscal, source, target),
        convert(project.other, source, target),
        *plan,
        *(counts.get(level, 0) for level in levels),
        counts.get(OTHER_LEVEL, 0),
        len(project.indicators),
        tally.errors,
        tally.warnings,
        tally.status,
    )


def indicator_level(
    indicator: Indicator, profile: Profile, levels: Sequence[str], scope: Scope | None = None
) -> str:
    """The count column an indicator belongs to: 成本指标 for every cost row (一级, or 二级 of
    产出), else its canonical 一级 when that is a column, else 其他一级 (blank included).
    ``scope``: ``Scope(profile)``, when the caller has one already."""
    if COST in levels and is_cost(indicator, scope or Scope(profile)):
        return COST
    level1 = profile.normalize_level(indicator.level1)
    return level1 if level1 is not None and level1 in levels else OTHER_LEVEL


def level_counts(project: Project, profile: Profile, levels: Sequence[str]) -> Counter[str]:
    """How many indicators a project has in each count column (they add up to all of them)."""
    scope = Scope(profile)
    return Counter(indicator_level(i, profile, levels, scope) for i in project.indicators)


def _profile_of(submission: Submission | None) -> Profile:
    name = submission.unit.profile if submission is not None else None
    try:
        return load_profile(name) if name else load_profile()
    except (ValueError, OSError):  # an unknown profile is the submission's finding already
        return load_profile()


def level_columns(profiles: Iterable[Profile]) -> list[str]:
    """The 一级 columns of 项目汇总: every 一级 of the profiles involved, in framework order,
    成本指标 right after 产出指标 (it is counted on its own under every profile)."""
    seen: dict[str, None] = {}
    for profile in profiles:
        for level1 in profile.framework:
            seen.setdefault(level1, None)
    levels = [level for level in seen if level != COST]
    if COST in seen:
        parent = next((i for i, level in enumerate(levels) if level in _COST_PARENTS), -1)
        levels.insert(parent + 1, COST)
    return levels


ProjectKey = tuple[str | None, str | None, int | None]


def _project_findings(entry: Entry) -> dict[ProjectKey, list[Finding]]:
    """Findings per project: by code, name and running number, never by name alone."""
    grouped: dict[ProjectKey, list[Finding]] = defaultdict(list)
    for f in entry.findings:
        grouped[_key_of(f)].append(f)
    return grouped


def _key_of(finding: Finding) -> ProjectKey:
    return (finding.project_code, finding.project_name, finding.project_number)


@cache
def summary_levels() -> tuple[str, ...]:
    """项目汇总's 一级 count columns (the same for every run: the built-in frameworks)."""
    return tuple(level_columns(load_profile(p) for p in ("hebei", "central-2021")))


def file_result(entry: Entry, target: MoneyUnit, profile: Profile | None = None) -> FileResult:
    """One entry's finished part of the consolidation: its rows of 项目汇总 (amounts in
    ``target``, indicators counted under ``profile`` or the submission's own), 下属单位,
    指标明细 and 部门整体, its findings, and the facts the checks across files need.

    A reading worker calls this, so the parent only gathers rows; :func:`consolidate` calls it
    too, so both ways give the same tables."""
    submission = entry.submission
    findings = list(entry.findings)
    if submission is None:
        row = sub_unit_row(entry, target)
        return FileResult(entry.file, entry.sub_unit, findings, None, sub_unit_row=row)
    levels = summary_levels()
    by_project = _project_findings(entry)
    keys: list[ProjectKey] = [(p.code, p.name, p.number) for p in submission.projects]
    rows = [
        project_row(entry, project, target, by_project.get(key, []), levels, profile)
        for project, key in zip(submission.projects, keys, strict=True)
    ]
    return FileResult(
        file=entry.file,
        sub_unit=entry.sub_unit,
        findings=findings,
        submission=submitted(entry),
        project_rows=rows,
        project_keys=keys,
        sub_unit_row=sub_unit_row(entry, target),
        indicator_rows=indicator_rows(entry),
        department_rows=department_rows(entry),
    )


def submitted(entry: Entry) -> Submitted | None:
    """The facts of ``entry`` the checks across files and the totals need (None: unreadable)."""
    submission = entry.submission
    if submission is None:
        return None
    unit = submission.unit
    base = unit.code or unit.name
    codes = tuple(
        CodeFact(p.code, p.name, p.number, p.at("code")) for p in submission.projects if p.code
    )
    return Submitted(
        unit_key=f"{base}/{entry.group}" if entry.group else base,
        template_version=str(submission.template.get("version") or "交换格式 JSON"),
        projects=len(submission.projects),
        codes=codes,
        template=str(submission.template.get("id") or ""),
        minimum_plan=tuple(sorted((_profile_of(submission).min_plan or {}).items())),
    )


def _sum(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((a for a in amounts if a is not None), Decimal(0))


def sub_unit_row(entry: Entry, target: MoneyUnit) -> Row:
    """One row of the sub-units table (:data:`SUB_UNIT_COLUMNS`): exact totals of its
    projects and the status of its whole submission."""
    tally = Tally.of(entry.findings)
    status = STATUS_UNREADABLE if entry.submission is None else tally.status
    projects = entry.submission.projects if entry.submission else ()
    source = entry.submission.unit.money_unit if entry.submission else target
    return (
        entry.sub_unit,
        entry.file,
        len(projects),
        _sum(convert(p.budget, source, target) for p in projects),
        _sum(convert(p.fiscal, source, target) for p in projects),
        _sum(convert(p.other, source, target) for p in projects),
        tally.errors,
        tally.warnings,
        status,
    )


@dataclass(slots=True)
class _Progress:
    """One checkpoint's running sums while the project rows are read."""

    budget: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    left: int = 0
    left_budget: Decimal = Decimal(0)


def unit_plan(projects: Table, minimum: dict[str, Decimal] | None) -> Table:
    """The unit's cumulative spending plan: budget-weighted % and amounts per checkpoint,
    exactly (the % of a sum of amounts, never a mean of rounded percentages).  The project
    rows are read once, in order (they may be waiting on disk)."""
    budget_at = projects.index("budget")
    places = [
        (projects.index(f"percent_{key}"), projects.index(f"amount_{key}"))
        for key in map(_checkpoint_key, CHECKPOINTS)
    ]
    sums = [_Progress() for _ in CHECKPOINTS]
    for row in projects.rows:
        total = row[budget_at]
        for (percent_at, amount_at), progress in zip(places, sums, strict=True):
            percent, part = row[percent_at], row[amount_at]
            # A percentage outside 0–100 is an error of its own table; it must not bend the
            # unit's line (the project still counts in the totals, and is said to be left out).
            if not (
                isinstance(total, Decimal)
                and isinstance(percent, Decimal)
                and 0 <= percent <= HUNDRED
                and isinstance(part, Decimal)
            ):
                progress.left += 1
                progress.left_budget += total if isinstance(total, Decimal) else Decimal(0)
                continue
            progress.budget += total
            progress.amount += part
    rows: list[Row] = []
    for checkpoint, sums_at in zip(CHECKPOINTS, sums, strict=True):
        budget, amount = sums_at.budget, sums_at.amount
        required = None if minimum is None else minimum.get(checkpoint)
        percent = amount / budget * HUNDRED if budget else None
        met = None if required is None or percent is None else percent >= required
        row = (checkpoint, amount, budget, percent, sums_at.left, sums_at.left_budget)
        rows.append((*row, required, met))
    return Table(PLAN_COLUMNS, rows)


def indicator_rows(entry: Entry) -> list[Row]:
    """指标明细's rows of one entry: every indicator with its value parsed."""
    rows: list[Row] = []
    if entry.submission is None:
        return rows
    sub_unit, file = entry.sub_unit, entry.file
    for project in entry.submission.projects:
        for indicator in project.indicators:
            value = parse_value(indicator.value)
            where = indicator.at("value")
            rows.append(
                (
                    sub_unit,
                    file,
                    where.sheet,
                    where.cell,
                    project.code,
                    project.name,
                    indicator.level1,
                    indicator.level2,
                    indicator.level3,
                    indicator.value,
                    value.symbol.value if value.symbol else None,
                    value.number,
                    value.unit,
                    KIND_NAMES.get(value.kind, value.kind.value),
                    indicator.basis,
                )
            )
    return rows


def department_rows(entry: Entry) -> list[Row]:
    """部门整体's rows of one entry: its department-level parts — the 绩效目标表's narrative,
    工作保障措施 and 整体绩效目标表, and a 部门整体支出绩效目标表's (seed 106) 年度预算安排
    (资金总额 / 项目支出 / 基本支出), 年度履职目标 rows with their 支出项目 and 预算金额, and its
    department indicators.  The table is text (内容): amounts are shown as the file states them,
    in its own money unit (``171.41万元``).  A 部门整体支出 table's rows are all 年度履职目标
    (one without 支出项目 and 预算金额 too; 分项绩效目标 is the Hebei 绩效目标表's term); a roll-up
    row shows the amount it was filed with, marked as a roll-up (never added)."""
    rows: list[Row] = []
    department = entry.submission.department if entry.submission else None
    if department is None or entry.submission is None:
        return rows
    unit, money = entry.sub_unit, entry.submission.unit.money_unit.value
    if department.overall_goal:
        rows.append((unit, "总体绩效目标", None, department.overall_goal))
    split = (department.total, department.project_spending, department.basic_spending)
    for label, stated in zip(("资金总额", "项目支出", "基本支出"), split, strict=True):
        if stated is not None:
            rows.append((unit, "年度预算安排", label, f"{_plain(stated)}{money}"))
    amounts = (department.total, department.project_spending, department.basic_spending)
    spending_table = (
        any(a is not None for a in amounts)
        or bool(department.indicators)
        or any(b.project or b.amount is not None for b in department.blocks)
    )
    rolled = {r.source: r for r in entry.submission.rollups if r.amount is not None}
    for block in department.blocks:
        values = "；".join(f"{i.name} {i.value or ''}".strip() for i in block.indicators)
        amount = "" if block.amount is None else f"{_plain(block.amount)}{money}"
        rollup = rolled.get(block.sources.get("amount") or block.source) or rolled.get(block.source)
        if block.amount is None and rollup is not None and rollup.amount is not None:
            amount = f"{_plain(rollup.amount)}{money}（汇总行，不计入合计）"
        spending = " ".join(x for x in (block.project, amount) if x)
        shown = (block.goal, f"支出项目：{spending}" if spending else None, values)
        content = "\n".join(x for x in shown if x)
        part = "年度履职目标" if spending or spending_table else "分项绩效目标"
        rows.append((unit, part, block.title, content))
    for measure in department.measures:
        rows.append((unit, "工作保障措施", measure.title, measure.text))
    for row in department.overall_table:
        content = stated_target(row.symbol, row.target, row.unit)
        rows.append((unit, "整体绩效目标表", row.indicator, content))
    for i in department.indicators:
        levels = "/".join(x for x in (i.level1, i.level2) if x)
        explained = f"（指标解释：{i.remark}）" if i.remark else ""
        rows.append((unit, "部门整体绩效指标", i.name, f"{levels}：{i.value or ''}{explained}"))
    return rows


_SYMBOLS = ("≥", "≤", ">", "<", "=", "＝", "≧", "≦")
_PERCENT_UNITS = ("百分比", "%", "％")


def stated_target(symbol: str | None, target: str | None, unit: str | None) -> str:
    """The 年度指标值 of a 整体绩效目标表 row with its 符号 and 单位, each said once: the table
    repeats them in their own columns (``≥`` · ``≥6700`` · ``件`` → ``≥6700件``)."""
    text = (target or "").strip()
    if symbol and text and not text.startswith(_SYMBOLS):
        text = symbol.strip() + text
    unit = (unit or "").strip()
    if not text:
        return " ".join(x for x in (symbol, unit) if x)
    if unit in _PERCENT_UNITS:
        return text if text.endswith(("%", "％")) else f"{text}%"
    if unit and not text.endswith(unit):
        text += unit
    return text


def findings_table(placed: Sequence[tuple[FileResult, Finding]]) -> Table:
    """问题清单 (:data:`FINDINGS_COLUMNS`): 序号, 下属单位, then :meth:`Finding.cell_values`."""
    return Table(
        FINDINGS_COLUMNS,
        [
            (number, entry.sub_unit, *finding.cell_values())
            for number, (entry, finding) in enumerate(placed, start=1)
        ],
    )


E = TypeVar("E", Entry, FileResult)


def _facts(entry: Entry | FileResult) -> Submitted | None:
    return entry.submission if isinstance(entry, FileResult) else submitted(entry)


def cross_checks(entries: Sequence[E], profile: Profile) -> list[tuple[E, Finding]]:
    """Across submissions: the same 项目编码 twice, the same sub-unit twice, mixed templates.

    Each finding comes with the entry it belongs to (its file), so both sides get it.  Works on
    entries (whole submissions) and on :class:`FileResult` (what the workers send back) alike."""
    scope = Scope(profile)
    found: list[tuple[E, Finding | None]] = []
    read = [(entry, facts) for entry in entries if (facts := _facts(entry)) is not None]
    codes: dict[str, list[tuple[E, CodeFact]]] = defaultdict(list)
    units: dict[tuple[str, str], list[E]] = defaultdict(list)
    usual = _usual_template(read)
    for entry, facts in read:  # per template: a unit may send a 绩效目标表 and a 申报表
        units[(facts.unit_key, facts.template or usual)].append(entry)
        for fact in facts.codes:
            codes[fact.code].append((entry, fact))
    for code, places in codes.items():
        if len({e.file for e, _ in places}) < 2:
            continue  # within one file the submission's own check already said it
        for entry, fact in places:
            others = "、".join(f"{e.sub_unit}（{e.file}）" for e, f in places if f is not fact)
            owner = Project(name=fact.name, code=fact.code, number=fact.number)
            where = PROJECT_CODE_DUPLICATE.at(
                scope.for_project(owner), fact.where, code=code, others=others
            )
            found.append((entry, where))
    for (unit, _), same in units.items():
        if len(same) > 1:
            listed = "、".join(e.file for e in same)
            found += [
                (
                    e,
                    SUBMISSION_DUPLICATE.at(
                        scope, Location(file=e.file), unit=unit, count=len(same), files=listed
                    ),
                )
                for e in same
            ]
    found += [flag for same in _by_template(read) for flag in _template_versions(same, scope)]
    return [(entry, f) for entry, f in found if f is not None]


def _by_template(read: Sequence[tuple[E, Submitted]]) -> list[list[tuple[E, str]]]:
    """The files' template versions, one group per template: a 申报表 is never compared with
    a 绩效目标表.  Interchange JSON (made by no template) is compared with the most common
    template's files, as an old template would be."""
    usual = _usual_template(read)
    groups: dict[str, list[tuple[E, str]]] = defaultdict(list)
    for entry, facts in read:
        groups[facts.template or usual].append((entry, facts.template_version))
    return [groups[template] for template in sorted(groups)]


def _usual_template(read: Sequence[tuple[E, Submitted]]) -> str:
    """The template most files were made from: interchange JSON counts as made from it."""
    templates = Counter(f.template for _, f in read if f.template)
    return templates.most_common(1)[0][0] if templates else ""


def _template_versions(
    versions: Sequence[tuple[E, str]], scope: Scope
) -> list[tuple[E, Finding | None]]:
    counts = Counter(version for _, version in versions)
    if len(counts) < 2:
        return []
    majority = counts.most_common(1)[0][0]
    return [
        (
            entry,
            TEMPLATE_VERSION_MIXED.at(
                scope, Location(file=entry.file), version=version, majority=majority
            ),
        )
        for entry, version in versions
        if version != majority
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
    columns = project_columns(summary_levels())
    projects = Table(columns, joined([r.project_rows for r in results]))
    return Consolidation(
        money_unit=money_unit,
        entries=results,
        projects=projects,
        sub_units=Table(SUB_UNIT_COLUMNS, [r.sub_unit_row for r in results]),
        plan=unit_plan(projects, minimum_plan(results, named)),
        indicators=Table(INDICATOR_COLUMNS, joined([r.indicator_rows for r in results])),
        department=Table(DEPARTMENT_COLUMNS, joined([r.department_rows for r in results])),
        findings=joined([r.findings for r in results]),
    )


def with_cross_findings(results: Sequence[FileResult], profile: Profile) -> list[FileResult]:
    """Copies of ``results`` with the cross-file findings added (not in place): each file's
    findings, and the 错误/警告/状态 of its 下属单位 row and of the project rows they concern.
    A spooled file's findings and rows stay views: the additions are made as they are read."""
    added: dict[int, list[Finding]] = defaultdict(list)
    for result, finding in cross_checks(results, profile):
        added[id(result)].append(finding)  # cross-file findings count against their files
    copies = []
    for result in results:
        extra = added.get(id(result), [])
        copy = dataclasses.replace(result, findings=_appended(result.findings, extra))
        if extra:
            copy.sub_unit_row = _recounted(result.sub_unit_row, extra)
            copy.project_rows = _recounted_projects(result, extra)
        copies.append(copy)
    return copies


def _appended(findings: Sequence[Finding], extra: list[Finding]) -> Sequence[Finding]:
    if isinstance(findings, list):
        return [*findings, *extra]
    if not extra:
        return findings
    facts = findings.facts if isinstance(findings, Deferred) else None
    more = facts.plus(FindingFacts.of(extra)) if facts is not None else None
    return Deferred(len(findings) + len(extra), partial(_concatenated, findings, extra), more)


def _concatenated(first: Sequence[Finding], extra: list[Finding]) -> list[Finding]:
    return [*first, *extra]


def _recounted(row: Row, extra: Sequence[Finding]) -> Row:
    """``row`` (ending in 错误, 警告, 状态) with ``extra`` findings counted in."""
    *rest, errors, warnings, _ = row
    assert isinstance(errors, int) and isinstance(warnings, int)
    more = Tally.of(extra)
    tally = Tally(errors + more.errors, warnings + more.warnings)
    return (*rest, tally.errors, tally.warnings, tally.status)


def _recounted_projects(result: FileResult, extra: Sequence[Finding]) -> Sequence[Row]:
    rows, keys = result.project_rows, result.project_keys
    recount = partial(_recounted_rows, rows, keys, tuple(extra))
    return recount() if isinstance(rows, list) else Deferred(len(rows), recount)


def _recounted_rows(
    rows: Sequence[Row], keys: Sequence[ProjectKey], extra: Sequence[Finding]
) -> list[Row]:
    by_project: dict[ProjectKey, list[Finding]] = defaultdict(list)
    for finding in extra:
        by_project[_key_of(finding)].append(finding)
    return [
        _recounted(row, by_project[key]) if key in by_project else row
        for row, key in zip(rows, keys, strict=True)
    ]


def minimum_plan(results: Sequence[FileResult], named: Profile | None) -> dict[str, Decimal] | None:
    """The minimum progress per checkpoint the unit's line is held to: the named profile's, or
    the one every readable submission's profile states alike; None when there is none."""
    if named is not None:
        return dict(named.min_plan) if named.min_plan else None
    minimums = {r.submission.minimum_plan for r in results if r.submission is not None}
    if len(minimums) != 1:
        return None
    (only,) = minimums
    return dict(only) or None
