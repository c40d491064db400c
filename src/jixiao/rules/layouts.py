"""Rules for what the other provinces' layouts carry (issue 14): weights, 定性 values, values
shown as Excel serial dates or stripped of their percent format, template hints and values left
in 三级 names, roll-up rows and the 部门整体支出 split.

Each rule judges only what a table states: a project without weights has no weight-sum, and a
table the document breaks off inside (``Project.cut_off``) is not held to totals it cannot show.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from jixiao.findings import Finding
from jixiao.model import DutyBlock, Indicator, Location, Project, Rollup, Submission
from jixiao.rules.base import (
    INDICATOR_CHECKS,
    Scope,
    define,
    indicator_check,
    project_check,
    submission_check,
)
from jixiao.values import ValueKind, format_number, parse_value

TOLERANCE = Decimal("0.005")

WEIGHT_INVALID = define(
    "weight-invalid",
    "error",
    "权重不可读",
    "权重（分值）“{text}”{problem}",
    "只填写 0～100 之间的数字，如 10",
)
WEIGHT_SUM = define(
    "weight-sum",
    "warning",
    "权重合计不符",
    "{what}的权重（分值）合计 {total}，应为 {target}",
    "调整各指标的权重，使合计等于 {target}（表头写明的分值，未写明时为 100）",
)
QUALITATIVE_VALUE_MISSING = define(
    "qualitative-value-missing",
    "error",
    "定性指标没有指标值",
    "定性指标“{name}”没有填写指标值",
    "定性指标也要写明要达到的程度，如“达到预期”“明显改善”之外的具体标准或“是/否”",
)
NAME_PLACEHOLDER = define(
    "name-placeholder",
    "warning",
    "指标名称中留有模板提示",
    "三级指标“{name}”中留有模板提示“{hint}”",
    "删去名称中的提示，把目标值只写在指标值一栏",
)
NAME_VALUE_MISMATCH = define(
    "name-value-mismatch",
    "warning",
    "指标名称中的数值与指标值不符",
    "三级指标“{name}”的名称写着 {stated}，指标值却是“{value}”",
    "名称只写衡量什么，数值只写在指标值一栏，并核对哪一个是本年目标",
)
NAME_IS_VALUE = define(
    "name-is-value",
    "warning",
    "指标名称只是一个数值",
    "三级指标的名称“{name}”只是一个数值，没有说明衡量什么（指标值“{value}”）",
    "写明衡量的内容，如“补贴发放总额”，把数值写在指标值一栏",
)
SERIAL_DATE = define(
    "serial-date",
    "info",
    "日期写成了 Excel 序号",
    "“{name}”的指标值写成了 Excel 日期序号“{written}”，按日期 {value} 读取",
    "在该单元格直接填写日期 {value}（或把数字设为日期格式），使公开的表格显示日期",
)
VALUE_FORMAT_LOST = define(
    "value-format-lost",
    "warning",
    "目标值可能丢失了百分比格式",
    "“{name}”的目标值是“{value}”，而指标解释是“{remark}”：可能是 {percent} 丢失了百分比格式",
    "核对目标值，写成带单位的数值（如 100%）",
)
ROLLUP_MISMATCH = define(
    "rollup-mismatch",
    "warning",
    "汇总行与明细不符",
    "汇总行“{name}”为 {amount}，它汇总的各行合计 {total}（差 {diff}）",
    "核对汇总行与它汇总的各行金额；汇总行只用于核对，不计入合计",
)
DEPARTMENT_SPLIT_MISMATCH = define(
    "department-split-mismatch",
    "warning",
    "部门整体支出的分项与合计不符",
    "{what}",
    "核对年度预算安排（资金总额 = 项目支出 + 基本支出）与年度履职目标各行的预算金额",
)

_HINT = re.compile(r"[(（]?\s*[≥≤>=<]*\s*[*＊]{2}[^()（）\s]*\s*[)）]?|[≥≤>=<]\s*[*＊]{2}\S*")
_NAME_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*%$")
_STATED_TOTAL = re.compile(r"权重分值\s*(\d+(?:\.\d+)?)\s*分")
_LEVEL_TOTAL = re.compile(r"(产出指标|效益指标|满意度指标|成本指标)权重分值\s*(\d+(?:\.\d+)?)\s*分")


@project_check
def weight_sum(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """Weights, where given, total 100 (or the total the header states), and each 一级 the
    share the header states for it."""
    weights = [i for i in project.indicators if i.weight is not None]
    if not weights or project.cut_off:
        return
    note = project.attributes.get("绩效指标", "")
    stated = _STATED_TOTAL.search(note)
    target = Decimal(stated.group(1)) if stated else Decimal(100)
    total = sum((i.weight for i in weights if i.weight is not None), Decimal(0))
    where = project.at("indicators")
    if abs(total - target) > TOLERANCE:
        yield WEIGHT_SUM.at(scope, where, what="全部指标", total=total, target=target)
    for level1, share in _LEVEL_TOTAL.findall(note):
        part = sum((i.weight or Decimal(0) for i in weights if i.level1 == level1), Decimal(0))
        if abs(part - Decimal(share)) > TOLERANCE:
            yield WEIGHT_SUM.at(scope, where, what=level1, total=part, target=Decimal(share))


@indicator_check
def qualitative_value(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A 定性 indicator needs a value like any other."""
    if (indicator.nature or "").startswith("定性") and not (indicator.value or "").strip():
        yield QUALITATIVE_VALUE_MISSING.at(scope, indicator.at("value"), name=indicator.name)


@indicator_check
def name_texts(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """Template hints (``( ≥**个 )``) and values (``达标率100%``) left in a 三级 name; a name
    that is nothing but an amount (``20万元``)."""
    name = indicator.level3 or ""
    if not name or not indicator.value:
        return
    read = _name_texts(name)
    if read.hint is not None:
        where = indicator.at("level3")
        yield NAME_PLACEHOLDER.at(scope, where, name=name, hint=read.hint)
        return
    parsed = parse_value(indicator.value)
    if read.stated is not None and parsed.number is not None and parsed.unit == "%":
        stated, number = read.stated
        if number != parsed.number:
            yield NAME_VALUE_MISMATCH.at(
                scope, indicator.at("level3"), name=name, stated=stated, value=indicator.value
            )
        return
    if read.is_value:
        yield NAME_IS_VALUE.at(scope, indicator.at("level3"), name=name, value=indicator.value)


class _NameTexts(NamedTuple):
    """What a 三级 name holds besides a name (:func:`name_texts`)."""

    hint: str | None
    """A template hint left in it (``( ≥**个 )``)."""
    stated: tuple[str, Decimal] | None
    """A percentage at its end, as written and as a number (``达标率100%``)."""
    is_value: bool
    """The whole name reads as a value with a number and a unit (``20万元``)."""


@lru_cache(maxsize=8192)
def _name_texts(name: str) -> _NameTexts:
    """:class:`_NameTexts` of a name, remembered: it depends on the name alone, and a
    workbook's rows repeat a few dozen names."""
    hint = _HINT.search(name)
    stated = _NAME_NUMBER.search(name)
    as_value = parse_value(name)
    return _NameTexts(
        hint.group().strip() if hint else None,
        (stated.group(), Decimal(stated.group(1))) if stated else None,
        as_value.kind == ValueKind.QUANTITATIVE
        and as_value.number is not None
        and bool(as_value.unit),
    )


@indicator_check
def value_forms(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A date shown as its serial number; a bare ``1`` where the explanation gives a percent.
    (The value's Location is looked up only for a finding: a workbook row makes it on demand.)"""
    if indicator.written and indicator.number and indicator.written == indicator.number:
        yield SERIAL_DATE.at(
            scope,
            indicator.at("value"),
            name=indicator.name,
            written=indicator.written,
            value=indicator.value,
        )
        return
    remark = indicator.remark or ""
    value = (indicator.value or "").strip()
    if value in ("1", "1.0", "1.00") and "%" in remark:
        yield VALUE_FORMAT_LOST.at(
            scope,
            indicator.at("value"),
            name=indicator.name,
            value=value,
            remark=remark,
            percent="100%",
        )


DEPARTMENT_PARTS = ("项目支出", "基本支出")
"""The parts of a 部门整体支出 资金总额 (年度预算安排); a roll-up of the whole names them."""
TOTAL_NAMES = ("合计", "小计", "总计", "资金总额")
"""支出项目名称 of a 年度履职目标 row that adds up the others."""


def _amount_at(duty: DutyBlock) -> Location:
    """Where a 履职目标 row's 预算金额 is (its cell in the workbook; the row in a document)."""
    return duty.sources.get("amount") or duty.source


def row_name(duty: DutyBlock) -> str:
    """The name a 年度履职目标 row goes by: its 支出项目名称, or its 部门职能 when that is blank
    (a ``合计`` written in the first column); spaces removed and a trailing colon dropped
    (``合计：``, ``基本支出　``).  The sheet's live checks read a row's name the same way
    (template/department_spending_build.py ``_row_name``)."""
    for text in (duty.project, duty.title):
        if key := "".join((text or "").split()):
            return key.rstrip(":：")
    return ""


def split_rollups(
    duties: list[DutyBlock], total: Decimal | None, stated: Collection[str]
) -> tuple[list[DutyBlock], list[Rollup]]:
    """年度履职目标 rows that are roll-ups, taken apart from the rows they add up: the one
    reading of these rows, for the document reader and the workbook reader alike.

    A row named 合计/小计/总计/资金总额 is one; so is a row whose 预算金额 is the department's
    资金总额 while other rows carry amounts too — it cannot be one part of a whole it equals.
    Seed 106's ``基本支出 171.41`` (资金总额 171.41 = 项目支出 60.8 + 基本支出 110.61) is such a
    row.  The row stays a duty (its 部门职能 and 年度目标任务 are real), its amount moves to a
    :class:`Rollup` over the parts of :data:`DEPARTMENT_PARTS` that are ``stated``, so nothing
    that adds the rows adds it twice."""
    others = [d for d in duties if d.amount is not None]
    kept: list[DutyBlock] = []
    rollups: list[Rollup] = []
    for duty in duties:
        named = row_name(duty) in TOTAL_NAMES
        whole = total is not None and duty.amount == total and len(others) > 1
        if duty.amount is None or not (named or whole):
            kept.append(duty)
            continue
        parts = tuple(p for p in DEPARTMENT_PARTS if p in stated)
        rollups.append(
            Rollup(
                name=row_name(duty) or duty.project or duty.title or "",
                amount=duty.amount,
                parts=parts,
                complete=len(parts) == len(DEPARTMENT_PARTS),
                source=_amount_at(duty),
            )
        )
        kept.append(replace(duty, amount=None))
    return kept, rollups


def _department_parts(submission: Submission) -> dict[str, Decimal | None]:
    """The 年度预算安排 parts of a 部门整体支出 table, by the name a roll-up gives them."""
    department = submission.department
    if department is None:
        return {}
    amounts = (department.project_spending, department.basic_spending)
    return dict(zip(DEPARTMENT_PARTS, amounts, strict=True))


def _parts_total(rollup: Rollup, submission: Submission) -> Decimal | None:
    """What a roll-up's parts add up to: the department's 项目支出 + 基本支出 when it rolls
    those up, else the budgets of the projects of its units; None when a part is not stated."""
    split = _department_parts(submission)
    if any(part in split for part in rollup.parts):
        amounts = [split.get(part) for part in rollup.parts]
        if any(a is None for a in amounts):
            return None
        return sum((a for a in amounts if a is not None), Decimal(0))
    budgets = [p.budget for p in submission.projects if p.implementer in rollup.parts]
    return sum((b for b in budgets if b is not None), Decimal(0))


@submission_check
def rollups(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """A roll-up row agrees with its parts (the projects of its units, or a department's
    项目支出 + 基本支出) — when all of them are shown."""
    for rollup in submission.rollups:
        if (row := _duty_row(submission, rollup)) is not None:
            yield from _department_rollup(submission, rollup, row, scope)
            continue
        if not rollup.complete or rollup.amount is None or not rollup.parts:
            continue
        total = _parts_total(rollup, submission)
        if total is None:
            continue
        if abs(total - rollup.amount) > TOLERANCE:
            yield _mismatch(rollup, total, scope)


def _mismatch(rollup: Rollup, total: Decimal, scope: Scope) -> Finding | None:
    """``rollup-mismatch``: the roll-up's amount is not ``total``, what its parts add up to."""
    assert rollup.amount is not None
    return ROLLUP_MISMATCH.at(
        scope,
        rollup.source,
        name=rollup.name,
        amount=rollup.amount,
        total=total,
        diff=rollup.amount - total,
    )


def _duty_row(submission: Submission, rollup: Rollup) -> int | None:
    """The index of a 部门整体支出 roll-up's own 履职目标 row (kept, its amount taken off)."""
    department = submission.department
    if department is None:
        return None
    for index, duty in enumerate(department.blocks):
        if rollup.source in (duty.source, _amount_at(duty)) and duty.amount is None:
            return index
    return None


def _department_rollup(
    submission: Submission, rollup: Rollup, row: int, scope: Scope
) -> Iterator[Finding | None]:
    """A 年度履职目标 roll-up is compared with the rows it adds: the amounts of the rows above
    it (``合计 60.8`` under 49.8 + 11).  One that holds the department's 资金总额 (106's
    ``基本支出 171.41``, or 项目支出 + 基本支出) is the table's total, not a sum of the rows
    above: it agrees.  Without rows above to add, nothing is compared.  (A roll-up named as a
    part is reported by ``department_split``.)"""
    department = submission.department
    assert department is not None
    if rollup.amount is None:
        return
    above = [b.amount for b in department.blocks[:row] if b.amount is not None]
    if not above:
        return
    added = sum(above, Decimal(0))
    wholes = [added, department.total]
    split = _department_parts(submission)
    if all(split.get(p) is not None for p in DEPARTMENT_PARTS):
        wholes.append(sum((a for a in split.values() if a is not None), Decimal(0)))
    if any(w is not None and abs(w - rollup.amount) <= TOLERANCE for w in wholes):
        return
    yield _mismatch(rollup, added, scope)


def _show(amount: Decimal) -> str:
    return format_number(amount)


@submission_check
def department_split(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """部门整体支出: 资金总额 = 项目支出 + 基本支出; the 履职目标 rows agree with them; the
    department's own indicator table is judged like any other."""
    department = submission.department
    if department is None:
        return
    dept_scope = scope.for_project(None)
    for indicator in department.indicators:
        for check in INDICATOR_CHECKS:
            yield from check(indicator, dept_scope)
    total, projects, basic = (
        department.total,
        department.project_spending,
        department.basic_spending,
    )
    where = department.at("total")
    if (
        total is not None
        and projects is not None
        and basic is not None
        and abs(projects + basic - total) > TOLERANCE
    ):
        what = f"资金总额 {_show(total)} ≠ 项目支出 {_show(projects)} + 基本支出 {_show(basic)}"
        yield DEPARTMENT_SPLIT_MISMATCH.at(dept_scope, where, what=what)
    yield from _rollup_named_as_part(submission, dept_scope)
    rows = [b for b in department.blocks if b.amount is not None]
    basic_rows = [b for b in rows if row_name(b) == DEPARTMENT_PARTS[1]]
    project_rows = [b for b in rows if b not in basic_rows]
    for row in basic_rows:
        if basic is not None and row.amount is not None and abs(row.amount - basic) > TOLERANCE:
            also = "，等于资金总额（汇总数不是基本支出）" if row.amount == total else ""
            what = (
                f"年度履职目标“{row.title}”的基本支出 {_show(row.amount)} 与年度预算安排的"
                f"基本支出 {_show(basic)} 不符{also}"
            )
            yield DEPARTMENT_SPLIT_MISMATCH.at(dept_scope, _amount_at(row), what=what)
    if projects is not None and project_rows:
        amount = sum((b.amount for b in project_rows if b.amount is not None), Decimal(0))
        if abs(amount - projects) > TOLERANCE:
            what = (
                f"年度履职目标各项目的预算金额合计 {_show(amount)} 与项目支出 "
                f"{_show(projects)} 不符"
            )
            where = _amount_at(project_rows[0])
            yield DEPARTMENT_SPLIT_MISMATCH.at(dept_scope, where, what=what)


def _rollup_named_as_part(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """A 年度履职目标 row labelled as one part (基本支出) that holds the whole 资金总额: read as
    the roll-up it is, and reported, since the table shows the total where the part belongs."""
    department = submission.department
    split = _department_parts(submission)
    if department is None or department.total is None:
        return
    for rollup in submission.rollups:
        part = split.get(rollup.name)
        if rollup.name not in split or part is None or rollup.amount is None:
            continue
        if abs(rollup.amount - part) <= TOLERANCE:
            continue
        name, amount = rollup.name, _show(rollup.amount)
        what = f"年度履职目标“{name}”一行为 {amount}，不是{name} {_show(part)}"
        if abs(rollup.amount - department.total) <= TOLERANCE:
            what += "，而是资金总额：按汇总行读取，不计入合计"
        yield DEPARTMENT_SPLIT_MISMATCH.at(scope, rollup.source, what=what)
