"""One file's rows of the summary tables (:func:`file_result`): 项目汇总 (money converted
exactly, plan amounts, indicator counts per 一级), 下属单位, 指标明细 and 部门整体, and the facts
of its submission the checks across files need (:func:`submitted`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from jixiao.consolidation.columns import COST, KIND_NAMES, OTHER_LEVEL, summary_levels
from jixiao.consolidation.results import (
    CodeFact,
    Entry,
    FileResult,
    ProjectKey,
    Submitted,
    key_of,
)
from jixiao.consolidation.table import Row, Value
from jixiao.findings import STATUS_UNREADABLE, Finding, Tally
from jixiao.model import CHECKPOINTS, Indicator, Project, Submission
from jixiao.money import MoneyUnit, convert
from jixiao.profiles import Profile, load_profile
from jixiao.rules.base import Scope
from jixiao.rules.cost import is_cost
from jixiao.rules.plan import plan_percents
from jixiao.values import parse_value

HUNDRED = Decimal(100)


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


def _project_findings(entry: Entry) -> dict[ProjectKey, list[Finding]]:
    """Findings per project: by code, name and running number, never by name alone."""
    grouped: dict[ProjectKey, list[Finding]] = defaultdict(list)
    for f in entry.findings:
        grouped[key_of(f)].append(f)
    return grouped


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
        year=unit.year,
    )


def _sum(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((a for a in amounts if a is not None), Decimal(0))


def sub_unit_row(entry: Entry, target: MoneyUnit) -> Row:
    """One row of the sub-units table (:data:`SUB_UNIT_COLUMNS`): exact totals of its
    projects and the status of its whole submission.  A file with no project (a department
    part only, or unreadable) has no totals: blank, not 0.00 (review17: seed 106, whose
    部门整体 states 171.41万元, stood at 0.00 with an empty bar in the chart)."""
    tally = Tally.of(entry.findings)
    status = STATUS_UNREADABLE if entry.submission is None else tally.status
    projects = entry.submission.projects if entry.submission else ()
    source = entry.submission.unit.money_unit if entry.submission else target
    sums: list[Decimal | None] = [
        _sum(convert(getattr(p, field), source, target) for p in projects) if projects else None
        for field in ("budget", "fiscal", "other")
    ]
    return (
        entry.sub_unit,
        entry.file,
        len(projects),
        *sums,
        tally.errors,
        tally.warnings,
        status,
    )


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
            rows.append((unit, "年度预算安排", label, f"{plain(stated)}{money}"))
    amounts = (department.total, department.project_spending, department.basic_spending)
    spending_table = (
        any(a is not None for a in amounts)
        or bool(department.indicators)
        or any(b.project or b.amount is not None for b in department.blocks)
    )
    rolled = {r.source: r for r in entry.submission.rollups if r.amount is not None}
    for block in department.blocks:
        values = "；".join(f"{i.name} {i.value or ''}".strip() for i in block.indicators)
        amount = "" if block.amount is None else f"{plain(block.amount)}{money}"
        rollup = rolled.get(block.sources.get("amount") or block.source) or rolled.get(block.source)
        if block.amount is None and rollup is not None and rollup.amount is not None:
            amount = f"{plain(rollup.amount)}{money}（汇总行，不计入合计）"
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


def plain(amount: Decimal) -> str:
    """``1,234.56`` for a note."""
    try:
        return f"{amount:,.2f}"
    except (ValueError, ArithmeticError):  # pragma: no cover - a sum beyond any format
        return str(amount)
