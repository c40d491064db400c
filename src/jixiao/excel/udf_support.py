"""What the worksheet functions (udfs/jixiao_udfs) need: argument conversion and a safety net.

xlwings hands a UDF exactly what Excel has: None for empty cells, float for numbers, Decimal
from currency formats, datetime for dates, str, bool, nested lists for ranges, and sometimes
error values.  These helpers turn that into engine inputs; :func:`never_raise` makes sure a
worksheet cell shows a short Chinese message instead of a Python exception.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import ParamSpec, TypeVar

from jixiao import cells
from jixiao.cells import is_blank, plan_percent
from jixiao.findings import Finding
from jixiao.model import CHECKPOINTS, NOWHERE, Indicator, PlanEntry, Project
from jixiao.money import MoneyUnit, table_unit
from jixiao.profiles import DEFAULT_PROFILE, ProfileError, builtin_names, load_profile
from jixiao.readers.xlsx_projects import project_from_values
from jixiao.rules import Scope
from jixiao.rules.levels import LEVEL_INVALID, LEVEL_MISMATCH
from jixiao.rules.money import AMOUNT_FIELDS, AMOUNT_INVALID, amounts_not_negative, budget_sum
from jixiao.rules.plan import plan_checkpoints, plan_progress
from jixiao.validate import check_indicator, validate_project
from jixiao.values import format_value, parse_value

P = ParamSpec("P")
R = TypeVar("R")


def safely(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | str:
    """Call ``func``; return a short Chinese message instead of raising into Excel.

    Used inside each UDF (not as a decorator) so xlwings still sees the UDF's own signature.
    """
    try:
        return func(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001  (a worksheet cell must never show a traceback)
        return f"jixiao 无法检查：{type(exc).__name__}"


def text(value: object) -> str | None:
    """Any cell value as the engine reads it from a file (:func:`jixiao.cells.text`)."""
    return cells.text(value)


def money_unit(value: object) -> MoneyUnit:
    """``万元``/``元`` (default 万元, as the workbook reader does)."""
    return table_unit(cells.text(value)) or MoneyUnit.WAN


def amount(value: object, unit: MoneyUnit = MoneyUnit.WAN) -> Decimal | None:
    """A money cell in the table's unit (:func:`jixiao.cells.money`)."""
    return cells.money(value, unit).amount


def scope(
    profile: object = None, unit: object = None, year_value: object = None, budget: object = None
) -> Scope:
    """The engine scope of one worksheet call (unknown profile names fall back to the default)."""
    name = text(profile) or DEFAULT_PROFILE
    try:
        chosen = load_profile(name if name in builtin_names() else DEFAULT_PROFILE)
    except ProfileError:
        chosen = load_profile(DEFAULT_PROFILE)
    table = money_unit(unit)
    return Scope(chosen, table, cells.year(year_value), "", Project(budget=amount(budget, table)))


def describe(findings: list[Finding]) -> str:
    """Findings as one cell's text: ``message（code）；…``, or "" when there are none."""
    return "；".join(f"{f.message}（{f.code}）" for f in findings)


def row_findings(
    level1: object, level2: object, level3: object, value: object, basis: object, context: Scope
) -> list[Finding]:
    """The engine's findings for one indicator row.

    A blank 一级 continues the 一级 above (the printed table merges those cells, and the reader
    and the template's own formula read it so); one row alone cannot see it, so its levels are
    not judged here rather than called blank.
    """
    indicator = Indicator(text(level1), text(level2), text(level3), None, text(value), text(basis))
    if not any((indicator.level3, indicator.value, indicator.basis)):
        return []
    findings = check_indicator(
        indicator,
        budget=context.budget,
        money_unit=context.money_unit,
        year=context.year,
        profile=context.profile,
    )
    if indicator.level1 is None:
        findings = [f for f in findings if f.code not in _LEVELS_FROM_ABOVE]
    return findings


_LEVELS_FROM_ABOVE = frozenset((LEVEL_INVALID.code, LEVEL_MISMATCH.code))
"""Level rules that need the 一级 a blank cell continues from the rows above."""


def plan_findings(plan_cells: list[object], context: Scope) -> list[Finding]:
    """The plan rules for the four checkpoint cells."""
    entries = tuple(
        PlanEntry(checkpoint, *plan_percent(cell))
        for checkpoint, cell in zip(CHECKPOINTS, plan_cells, strict=True)
        if not is_blank(cell)
    )
    if not entries:
        return []  # an untouched plan is not an error while the clerk is still typing
    project = Project(plan=entries)
    checks = (plan_checkpoints, plan_progress)
    return [f for check in checks for f in check(project, context) if f is not None]


def budget_findings(budget: object, fiscal: object, other: object, context: Scope) -> list[Finding]:
    """The three money cells as the reader judges them: each readable (amount-invalid), none
    negative, and 预算数 = 财政资金 + 其他资金 (an unreadable amount counts as blank)."""
    findings: list[Finding | None] = []
    amounts: dict[str, Decimal | None] = {}
    for (field, label), cell in zip(AMOUNT_FIELDS, (budget, fiscal, other), strict=True):
        reading = cells.money(cell, context.money_unit)
        amounts[field] = reading.amount
        if reading.problem:
            written = cells.text(cell) or ""
            findings.append(
                AMOUNT_INVALID.at(
                    context, NOWHERE, field=label, text=written, problem=reading.problem
                )
            )
    project = Project(budget=amounts["budget"], fiscal=amounts["fiscal"], other=amounts["other"])
    findings += [*amounts_not_negative(project, context), *budget_sum(project, context)]
    return [f for f in findings if f is not None]


def project_from_block(rows: object, unit: MoneyUnit = MoneyUnit.WAN) -> Project | None:
    """A project from the values of a whole project sheet block (A1 to the last indicator row),
    read by the workbook reader itself; None for a blank block."""
    grid = rows if isinstance(rows, list) else [[rows]]
    if grid and not all(isinstance(row, list) for row in grid):
        grid = [grid]  # xlwings hands a single row as a flat list
    return project_from_values(grid, unit)


def project_problem_count(rows: object, context: Scope) -> int:
    """How many findings the engine has for one project block (0 for a blank sheet)."""
    project = project_from_block(rows, context.money_unit)
    if project is None:
        return 0
    return sum(1 for _ in validate_project(project, context.for_project(project)))


# ---------------------------------------------------------------- what each UDF returns


def check_row(
    level1: object,
    level2: object,
    level3: object,
    value: object,
    basis: object,
    budget: object = None,
    unit: object = None,
    year_value: object = None,
    profile: object = None,
) -> str:
    """JX_CHECK_ROW: the findings of one indicator row as one cell's text."""
    context = scope(profile, unit, year_value, budget)
    return describe(row_findings(level1, level2, level3, value, basis, context))


def check_plan(
    march: object, june: object, october: object, december: object, profile: object = None
) -> str:
    """JX_CHECK_PLAN: the plan rules on the four checkpoint cells."""
    return describe(plan_findings([march, june, october, december], scope(profile)))


def check_budget(budget: object, fiscal: object, other: object) -> str:
    """JX_CHECK_BUDGET: 预算数 = 财政资金 + 其他资金."""
    return describe(budget_findings(budget, fiscal, other, scope()))


def normalize(value: object) -> str:
    """JX_NORMALIZE: the canonical spelling of a 指标值."""
    return format_value(parse_value(text(value)))


def project_problems(
    block: object, unit: object = None, year_value: object = None, profile: object = None
) -> int:
    """JX_PROJECT_PROBLEMS: the number of findings of one project block."""
    return project_problem_count(block, scope(profile, unit, year_value))
