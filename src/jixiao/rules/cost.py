"""成本指标 against the project's 预算数, after converting 元/万元/亿元 to the table's unit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from jixiao.findings import Finding
from jixiao.model import Indicator, Project
from jixiao.rules.base import Scope, define, indicator_check, project_check
from jixiao.rules.meaning import memo_of, remember
from jixiao.rules.money import TOLERANCE
from jixiao.values import (
    ParsedValue,
    Symbol,
    ValueKind,
    format_number,
    money_amount,
    parse_value,
)

COST_EXCEEDS_BUDGET = define(
    "cost-exceeds-budget",
    "error",
    "成本指标超过预算数",
    "成本指标“{name}”{value}（折合 {amount}{unit}）超过预算数 {budget}{unit}",
    "成本指标不能超过项目预算数：核对金额和单位（元/万元）",
)
COST_SUM_EXCEEDS_BUDGET = define(
    "cost-sum-exceeds-budget",
    "warning",
    "成本指标合计超过预算数",
    "{count} 项成本指标合计 {total}{unit}，超过预算数 {budget}{unit}",
    "核对各项成本指标的金额和单位，使合计不超过预算数",
)
UNIT_COST_EXCEEDS_BUDGET = define(
    "unit-cost-exceeds-budget",
    "warning",
    "单位成本达到预算数",
    "单位成本“{name}”{value}（折合 {amount}{unit}）不低于预算数 {budget}{unit}",
    "核对单位成本（人均、单价、标准）的金额和单位",
)
COST_PARTS_EXCEED_TOTAL = define(
    "cost-parts-exceed-total",
    "warning",
    "分项成本超过成本总额指标",
    "{count} 项分项成本合计 {total}{unit}，超过成本总额指标“{name}”{value}（折合 {amount}{unit}）",
    "核对成本总额指标与各分项成本：分项之和不应超过总额",
)
MONEY_UNIT_MIXED = define(
    "money-unit-mixed",
    "warning",
    "成本指标的金额单位与表格不一致",
    "成本指标“{name}”{value}以“{written}”计，而本表金额单位为“{unit}”（折合 {amount}{unit}）",
    "按表格的金额单位填写：{canonical}",
)
COST_ZERO = define(
    "cost-zero",
    "warning",
    "成本指标为 0",
    "成本指标“{name}”的指标值是 {value}",
    "成本为 0 不约束任何支出：按测算填写金额（金额小于表格单位时改用元，免得四舍五入成 0），"
    "或删去此行",
)

_PER_UNIT_WORDS = re.compile(
    "人均|单价|每人|每次|每件|每个|每户|每台|每套|每场|单位成本|标准|单次|平均|户均|次均"
)  # not a bare 每: 每年运维费 is a total
_TOTAL_SYMBOLS = (Symbol.LE, Symbol.LT, Symbol.EQ, None)
_WHOLE_WORDS = re.compile(
    "本项目|项目|本年度|年度|全年|本年|预算|合计|总计|总额|总|成本|费用|经费|资金|支出|金额"
    "|控制数|控制|指标|数|额"
)
"""Words that name the project's whole cost, not a part of it: a cost name made only of them
(年度预算总成本, 项目总成本, 成本合计, 预算控制数) is the total of the other cost rows."""


def is_cost(indicator: Indicator, scope: Scope) -> bool:
    """成本指标 as 二级 (legacy framework) or 一级 (central-2021)."""
    profile = scope.profile
    memo = memo_of(profile)
    key = ("cost", indicator.level1, indicator.level2)
    found = memo.get(key)
    if found is None:
        levels = (
            profile.normalize_level(indicator.level1),
            profile.normalize_level(indicator.level2),
        )
        found = remember(memo, key, "成本指标" in levels)
    return found is True


def is_per_unit(indicator: Indicator, value: ParsedValue) -> bool:
    """人均, 单价, 标准… or a unit like 元/人: a cost per person or item, not a total."""
    return value.is_per_unit or bool(_PER_UNIT_WORDS.search(indicator.name))


def cost_amount(indicator: Indicator, scope: Scope) -> tuple[ParsedValue, Decimal] | None:
    """A cost row's money value in the table unit, when it is a cap (≤ < = or no symbol)."""
    if not is_cost(indicator, scope):
        return None
    value = parse_value(indicator.value)
    if value.kind is not ValueKind.QUANTITATIVE or value.symbol not in _TOTAL_SYMBOLS:
        return None
    amount = money_amount(value, scope.money_unit)
    return None if amount is None else (value, amount)


@indicator_check
def cost_against_budget(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A cost above the budget is an error; a per-unit cost equal to it is questioned."""
    budget = scope.budget
    priced = cost_amount(indicator, scope)
    if budget is None or priced is None:
        return
    value, amount = priced
    if amount > budget + TOLERANCE:
        # Even per unit: one person's or item's cost above the whole budget makes the table wrong.
        rule = COST_EXCEEDS_BUDGET
    elif is_per_unit(indicator, value) and amount >= budget - TOLERANCE:
        rule = UNIT_COST_EXCEEDS_BUDGET
    else:
        return
    yield rule.at(
        scope,
        indicator.at("value"),
        name=indicator.name,
        value=value.raw.strip(),
        amount=amount,
        budget=budget,
        unit=scope.money_unit.value,
    )


@indicator_check
def cost_zero(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A cost of 0 (``= 0 万元``, ``≤0元/人``): no cost a project has, most often a small
    amount rounded to 0 in the table's unit (review17: seed 105's 出差单位成本 = 0 万元/人 for
    8 trips costing 1 万元, and 办公费总成本 = 0 万元)."""
    if not is_cost(indicator, scope):
        return
    value = parse_value(indicator.value)
    zero = value.kind is ValueKind.QUANTITATIVE and value.number == 0 and value.is_money
    if zero and value.symbol in _TOTAL_SYMBOLS:
        yield COST_ZERO.at(
            scope, indicator.at("value"), name=indicator.name, value=value.raw.strip()
        )


@indicator_check
def cost_money_unit(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A total cost in 元 inside a 万元 table (or the reverse) is converted, with a warning."""
    priced = cost_amount(indicator, scope)
    if priced is None:
        return
    value, amount = priced
    if value.is_per_unit or is_per_unit(indicator, value) or value.unit in (None, scope.money_unit):
        return
    canonical = (
        (value.symbol.value if value.symbol else "") + format_number(amount) + scope.money_unit
    )
    yield MONEY_UNIT_MIXED.at(
        scope,
        indicator.at("value"),
        name=indicator.name,
        value=value.raw.strip(),
        written=value.unit,
        unit=scope.money_unit.value,
        amount=amount,
        canonical=canonical,
    )


def is_cost_total(indicator: Indicator) -> bool:
    """True when a cost row names the project's whole cost (``年度预算总成本``), so the other
    cost rows are its parts; ``出差总成本`` or ``办公费总成本`` name one part's total."""
    name = "".join(indicator.name.split())
    return bool(name) and not _WHOLE_WORDS.sub("", name)


@project_check
def cost_sum(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """Several total-type cost rows together must not exceed the budget.

    A row that names the whole cost (:func:`is_cost_total`) is not added to its parts: it is
    held to the budget on its own (``cost-exceeds-budget``) and the parts are held to it
    (``cost-parts-exceed-total``), so 出差 1 + 劳务 2 + 办公 0 with 年度预算总成本 3 on a budget
    of 3 is consistent, not 6 against 3."""
    totals: list[tuple[Indicator, ParsedValue, Decimal]] = []
    parts: list[tuple[Indicator, ParsedValue, Decimal]] = []
    for indicator in project.indicators:
        priced = cost_amount(indicator, scope)
        if priced and not is_per_unit(indicator, priced[0]):
            (totals if is_cost_total(indicator) else parts).append((indicator, *priced))
    total = sum((amount for _, _, amount in parts), Decimal(0))
    if project.budget is not None and len(parts) >= 2 and total > project.budget + TOLERANCE:
        yield COST_SUM_EXCEEDS_BUDGET.at(
            scope,
            parts[-1][0].at("value"),
            count=len(parts),
            total=total,
            budget=project.budget,
            unit=scope.money_unit.value,
        )
    for indicator, value, amount in totals:
        if parts and total > amount + TOLERANCE:
            yield COST_PARTS_EXCEED_TOTAL.at(
                scope,
                indicator.at("value"),
                count=len(parts),
                total=total,
                name=indicator.name,
                value=value.raw.strip(),
                amount=amount,
                unit=scope.money_unit.value,
            )
