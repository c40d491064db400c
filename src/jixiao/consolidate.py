"""汇总: many sub-unit submissions → one checked unit-level picture (pure, on the model + pandas).

Money is converted to one money unit before anything is added (never 元 + 万元); projects are
never merged by name; the same 项目编码 or the same sub-unit twice is flagged on both sides,
never silently resolved.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from jixiao.findings import FileReport, Finding, Severity
from jixiao.model import CHECKPOINTS, Location, Project, Submission
from jixiao.money import MoneyUnit
from jixiao.profiles import Profile, load_profile
from jixiao.rules.base import Scope
from jixiao.rules.cross import SUBMISSION_DUPLICATE, TEMPLATE_VERSION_MIXED
from jixiao.rules.identity import PROJECT_CODE_DUPLICATE
from jixiao.rules.plan import plan_percents
from jixiao.values import parse_value

STATUS_ERROR, STATUS_WARNING, STATUS_OK, STATUS_UNREADABLE = "有错误", "有警告", "通过", "无法读取"


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


@dataclass(slots=True)
class Consolidation:
    """The unit view: tables ready to be written, and every finding."""

    money_unit: MoneyUnit
    entries: list[Entry]
    projects: pd.DataFrame
    sub_units: pd.DataFrame
    plan: pd.DataFrame
    indicators: pd.DataFrame
    department: pd.DataFrame
    findings: list[Finding]

    @property
    def has_errors(self) -> bool:
        """True when any finding is an error (the CLI exits 1)."""
        return any(f.severity is Severity.ERROR for f in self.findings)


def convert(amount: Decimal | None, source: MoneyUnit, target: MoneyUnit) -> Decimal | None:
    """An amount from one money unit into another (万元 ⇄ 元), exactly."""
    if amount is None:
        return None
    return amount * source.yuan / target.yuan


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _status(findings: Sequence[Finding]) -> str:
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return STATUS_ERROR
    return STATUS_WARNING if Severity.WARNING in severities else STATUS_OK


def project_row(
    entry: Entry,
    project: Project,
    target: MoneyUnit,
    findings: Sequence[Finding],
    levels: Sequence[str],
) -> dict[str, object]:
    """One row of 项目汇总: money converted, plan % and amounts, indicator counts, status."""
    assert entry.submission is not None
    source = entry.submission.unit.money_unit
    budget = convert(project.budget, source, target)
    row: dict[str, object] = {
        "下属单位": entry.sub_unit,
        "文件": entry.file,
        "工作表": project.source.sheet,
        "填报部门": project.department,
        "项目编码": project.code,
        "项目名称": project.name,
        "预算数": _number(budget),
        "财政资金": _number(convert(project.fiscal, source, target)),
        "其他资金": _number(convert(project.other, source, target)),
    }
    percents = {c: p for c, p, _ in plan_percents(project.plan)}
    for checkpoint in CHECKPOINTS:
        percent = percents.get(checkpoint)
        row[f"{checkpoint}%"] = _number(percent)
        amount = None if percent is None or budget is None else budget * percent / 100
        row[f"{checkpoint}金额"] = _number(amount)
    counts = Counter(
        _LEVELS.normalize_level(i.level1) or "（一级空白）" for i in project.indicators
    )
    for level in levels:
        row[level] = counts.get(level, 0)
    row["错误"] = sum(f.severity is Severity.ERROR for f in findings)
    row["警告"] = sum(f.severity is Severity.WARNING for f in findings)
    row["状态"] = _status(findings)
    return row


_LEVELS: Profile = load_profile()
"""Label normalisation (aliases are the same in every built-in profile)."""


def level_columns(profiles: Iterable[Profile]) -> list[str]:
    """The 一级 columns of 项目汇总: every 一级 of the profiles involved, in framework order."""
    seen: dict[str, None] = {}
    for profile in profiles:
        for level1 in profile.framework:
            seen.setdefault(level1, None)
    return list(seen)


ProjectKey = tuple[str | None, str | None, int | None]


def _project_findings(entry: Entry) -> dict[ProjectKey, list[Finding]]:
    """Findings per project: by code, name and running number, never by name alone."""
    grouped: dict[ProjectKey, list[Finding]] = defaultdict(list)
    for f in entry.findings:
        grouped[(f.project_code, f.project_name, f.project_number)].append(f)
    return grouped


def projects_table(entries: Sequence[Entry], target: MoneyUnit) -> pd.DataFrame:
    """项目汇总: one row per project of every readable submission."""
    levels = level_columns(load_profile(p) for p in ("hebei", "central-2021"))
    rows = []
    for entry in entries:
        if entry.submission is None:
            continue
        by_project = _project_findings(entry)
        for project in entry.submission.projects:
            findings = by_project.get((project.code, project.name, project.number), [])
            rows.append(project_row(entry, project, target, findings, levels))
    return pd.DataFrame(rows)


def sub_units_table(projects: pd.DataFrame, entries: Sequence[Entry]) -> pd.DataFrame:
    """Totals per sub-unit, with the status of its whole submission."""
    money = ["预算数", "财政资金", "其他资金"]
    rows = []
    for entry in entries:
        mine = (
            projects[(projects["文件"] == entry.file) & (projects["下属单位"] == entry.sub_unit)]
            if not projects.empty
            else projects
        )
        totals = {k: float(mine[k].fillna(0).sum()) if not mine.empty else 0.0 for k in money}
        rows.append(
            {
                "下属单位": entry.sub_unit,
                "文件": entry.file,
                "项目数": len(mine),
                **totals,
                "错误": sum(f.severity is Severity.ERROR for f in entry.findings),
                "警告": sum(f.severity is Severity.WARNING for f in entry.findings),
                "状态": STATUS_UNREADABLE if entry.submission is None else _status(entry.findings),
            }
        )
    return pd.DataFrame(rows)


def unit_plan(projects: pd.DataFrame, minimum: dict[str, Decimal] | None) -> pd.DataFrame:
    """The unit's cumulative spending plan: budget-weighted % and amounts per checkpoint."""
    rows = []
    for checkpoint in CHECKPOINTS:
        if projects.empty:
            planned = pd.DataFrame(columns=["预算数", f"{checkpoint}金额"])
        else:
            percent_column = projects[f"{checkpoint}%"]
            # A percentage outside 0–100 is an error of its own table; it must not bend the
            # unit's line (the project still counts in the totals).
            valid = percent_column.notna() & percent_column.between(0, 100)
            planned = projects[valid & projects["预算数"].notna()]
        budget = float(planned["预算数"].sum())
        amount = float(planned[f"{checkpoint}金额"].sum())
        required = (
            None if minimum is None or checkpoint not in minimum else float(minimum[checkpoint])
        )
        percent = amount / budget * 100 if budget else None
        rows.append(
            {
                "时间节点": checkpoint,
                "累计支出金额": amount,
                "计划内预算数": budget,
                "累计支出进度%": percent,
                "最低要求%": required,
                "是否达标": None
                if required is None or percent is None
                else ("达标" if percent + 1e-9 >= required else "未达标"),
            }
        )
    return pd.DataFrame(rows)


def indicators_table(entries: Sequence[Entry]) -> pd.DataFrame:
    """Every indicator in one long table, with its value parsed (ready for pivoting)."""
    rows = []
    for entry in entries:
        if entry.submission is None:
            continue
        for project in entry.submission.projects:
            for indicator in project.indicators:
                value = parse_value(indicator.value)
                where = indicator.at("value")
                rows.append(
                    {
                        "下属单位": entry.sub_unit,
                        "文件": entry.file,
                        "工作表": where.sheet,
                        "单元格": where.cell,
                        "项目编码": project.code,
                        "项目名称": project.name,
                        "一级指标": indicator.level1,
                        "二级指标": indicator.level2,
                        "三级指标": indicator.level3,
                        "指标值": indicator.value,
                        "符号": value.symbol.value if value.symbol else None,
                        "数值": _number(value.number),
                        "计量单位": value.unit,
                        "类型": value.kind.value,
                        "指标值确定依据": indicator.basis,
                    }
                )
    return pd.DataFrame(rows)


def department_table(entries: Sequence[Entry]) -> pd.DataFrame:
    """The department-level parts gathered per sub-unit."""
    rows = []
    for entry in entries:
        department = entry.submission.department if entry.submission else None
        if department is None:
            continue
        unit = entry.sub_unit
        if department.overall_goal:
            rows.append(
                {
                    "下属单位": unit,
                    "部分": "总体绩效目标",
                    "名称": None,
                    "内容": department.overall_goal,
                }
            )
        for block in department.blocks:
            values = "；".join(f"{i.name} {i.value or ''}".strip() for i in block.indicators)
            rows.append(
                {
                    "下属单位": unit,
                    "部分": "分项绩效目标",
                    "名称": block.title,
                    "内容": "\n".join(x for x in (block.goal, values) if x),
                }
            )
        for measure in department.measures:
            rows.append(
                {
                    "下属单位": unit,
                    "部分": "工作保障措施",
                    "名称": measure.title,
                    "内容": measure.text,
                }
            )
        for row in department.overall_table:
            rows.append(
                {
                    "下属单位": unit,
                    "部分": "整体绩效目标表",
                    "名称": row.indicator,
                    "内容": " ".join(x for x in (row.symbol, row.target, row.unit) if x),
                }
            )
    return pd.DataFrame(rows, columns=["下属单位", "部分", "名称", "内容"])


Placed = tuple[Entry, Finding | None]


def cross_checks(entries: Sequence[Entry], profile: Profile) -> list[tuple[Entry, Finding]]:
    """Across submissions: the same 项目编码 twice, the same sub-unit twice, mixed templates.

    Each finding comes with the entry it belongs to (its file), so both sides get it."""
    scope = Scope(profile)
    findings: list[Placed] = []
    codes: dict[str, list[tuple[Entry, Project]]] = defaultdict(list)
    units: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.submission is None:
            continue
        units[_unit_key(entry)].append(entry)
        for project in entry.submission.projects:
            if project.code:
                codes[project.code].append((entry, project))
    for code, places in codes.items():
        files = {e.file for e, _ in places}
        if len(files) < 2:
            continue  # within one file the submission's own check already said it
        for entry, project in places:
            others = "、".join(f"{e.sub_unit}（{e.file}）" for e, p in places if p is not project)
            findings.append(
                (
                    entry,
                    PROJECT_CODE_DUPLICATE.at(
                        scope.for_project(project), project.at("code"), code=code, others=others
                    ),
                )
            )
    for unit, same in units.items():
        if len(same) > 1:
            listed = "、".join(e.file for e in same)
            findings += [
                (
                    e,
                    SUBMISSION_DUPLICATE.at(
                        scope, Location(file=e.file), unit=unit, count=len(same), files=listed
                    ),
                )
                for e in same
            ]
    findings += _template_versions(entries, scope)
    return [(entry, f) for entry, f in findings if f is not None]


def _unit_key(entry: Entry) -> str:
    assert entry.submission is not None
    unit = entry.submission.unit
    base = unit.code or unit.name
    return f"{base}/{entry.group}" if entry.group else base


def _template_versions(entries: Sequence[Entry], scope: Scope) -> list[Placed]:
    versions = [
        (e, str(e.submission.template.get("version") or "交换格式 JSON"))
        for e in entries
        if e.submission is not None
    ]
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
    profile = profile or load_profile()
    entries = [dataclasses.replace(e, findings=list(e.findings)) for e in entries]  # not in place
    for entry, finding in cross_checks(entries, profile):
        entry.findings.append(finding)  # cross-file findings count against their files
    projects = projects_table(entries, money_unit)
    return Consolidation(
        money_unit=money_unit,
        entries=list(entries),
        projects=projects,
        sub_units=sub_units_table(projects, entries),
        plan=unit_plan(projects, dict(profile.min_plan) if profile.min_plan else None),
        indicators=indicators_table(entries),
        department=department_table(entries),
        findings=[f for e in entries for f in e.findings],
    )
