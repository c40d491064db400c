"""Project money: 预算数 = 财政资金 + 其他资金, and amounts quoted in 资金用途."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from jixiao.findings import Finding
from jixiao.model import Project
from jixiao.money import convert
from jixiao.rules.base import Scope, define, project_check
from jixiao.values import normalize_text

TOLERANCE = Decimal("0.005")
"""Half a cent of the table unit: published amounts carry two decimals."""

BUDGET_SUM_MISMATCH = define(
    "budget-sum-mismatch",
    "error",
    "预算数与资金来源合计不符",
    "{budget_label} {budget} ≠ {fiscal_label} {fiscal} + {other_label} {other}"
    "（合计 {total}，差 {diff}）",
    "核对{budget_label}、{fiscal_label}和{other_label}，"
    "使{budget_label}等于两者之和（空白按 0 计）",
)
AMOUNT_INVALID = define(
    "amount-invalid",
    "error",
    "金额不可读",
    "{field}“{text}”{problem}",
    "只填写数字（金额单位见表头“单位：”），如 1111.00",
)
AMOUNT_NEGATIVE = define(
    "amount-negative",
    "error",
    "金额为负数",
    "{field} {amount} 是负数",
    "预算数、财政资金和其他资金都不能为负数",
)
AMOUNT_TEXT_MISMATCH = define(
    "amount-text-mismatch",
    "warning",
    "资金用途中的金额与预算数不符",
    "资金用途写明金额 {stated}{unit_text}，折合 {converted}{table_unit}，"
    "与预算数 {budget}{table_unit} 不一致",
    "修改资金用途中的金额或预算数，使两者一致",
)

SPLIT_LABELS: dict[bool, tuple[str, str, str]] = {
    False: ("预算数", "财政资金", "其他资金"),
    True: ("年度资金总额", "财政拨款", "其他资金"),
}
"""What the budget and its two sources are called: in the 绩效目标表 (False), and in the other
provinces' forms and the 申报表 workbook (True: 年度资金总额, 其中：财政拨款, 其他资金)."""

AMOUNT_FIELDS: tuple[tuple[str, str], ...] = (
    ("budget", "预算数"),
    ("fiscal", "财政资金"),
    ("other", "其他资金"),
)
"""The money fields of a project (model field, what the clerk calls it)."""

_STATED_AMOUNT = re.compile(
    r"(?:预算|资金|金额|经费)[^，。；,;\d]{0,8}?(?:为|共计|合计|是|总额)\s*"
    r"(?P<number>\d+(?:\.\d+)?)(?P<magnitude>[十百千])?(?P<unit>亿元|万元|元)"
)
"""An amount stated in prose: a number, a Chinese magnitude before the unit if any (``2千万元``
is 2000 万元, ``5百万元``, ``3千元``: issue 15's grammar gaps, the magnitude hid the amount from
the check), and a money unit."""
MAGNITUDES: dict[str, Decimal] = {"十": Decimal(10), "百": Decimal(100), "千": Decimal(1000)}


def _amount(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal(0)


def split_stated(project: Project, workbook: str | None = None) -> bool:
    """True when the project states how its 预算数 is funded, so there is a sum to compare.

    * The 绩效目标表 (``layout`` None, ``workbook`` None: the Hebei/Tianjin workbook and its
      published form) always has the 财政资金 and 其他资金 cells, and its contract is that a
      blank cell is 0: its native check and ``JX_CHECK_BUDGET`` judge the same cells the
      same way.
    * The 申报表 workbook (``workbook`` is its layout, ``Scope.layout``) has the cells too, but
      both left blank state no split, as the published forms it is filled from often do (a
      批复表 has none: review17 found 102 and 104 refused by their own import, 3000000 ≠ 0 +
      0); its native check agrees (:attr:`IndicatorGrid.blank_split_is_zero`).
    * Another layout states a split when it gives at least one source.  A 批复表 with only
      绩效金额, a wide table with only 预算数, a 申报表 whose 财政拨款 and 其他资金 fields are
      both empty state no split: there is nothing to compare, and nothing is invented.
    * A split stated partially (财政拨款 given, 其他资金 empty) is compared with the empty source
      as 0, as in the template: a form that has the field and leaves it empty says "none", and
      if the budget then differs, either the budget or the missing source is wrong — a
      reviewer would ask either way.
    """
    if project.fiscal is not None or project.other is not None:
        return True
    return project.layout is None and workbook is None and project.budget is not None


@project_check
def budget_sum(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """预算数 must equal 财政资金 + 其他资金 (a blank source counts as 0) wherever a split is
    stated (:func:`split_stated`)."""
    if not split_stated(project, scope.layout):
        return
    total = _amount(project.fiscal) + _amount(project.other)
    diff = _amount(project.budget) - total
    if abs(diff) > TOLERANCE:
        budget_label, fiscal_label, other_label = SPLIT_LABELS[scope.table_layout is not None]
        yield BUDGET_SUM_MISMATCH.at(
            scope,
            project.at("budget"),
            budget_label=budget_label,
            fiscal_label=fiscal_label,
            other_label=other_label,
            budget=_amount(project.budget),
            fiscal=_amount(project.fiscal),
            other=_amount(project.other),
            total=total,
            diff=diff,
        )


@project_check
def amounts_not_negative(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """No amount of the budget block is negative."""
    for field, label in AMOUNT_FIELDS:
        amount = getattr(project, field)
        if amount is not None and amount < 0:
            yield AMOUNT_NEGATIVE.at(scope, project.at(field), field=label, amount=amount)


@project_check
def amount_in_purpose(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """An amount stated in 资金用途 ("资金额为 134 万元") should equal 预算数."""
    if not project.purpose or project.budget is None:
        return
    for match in _STATED_AMOUNT.finditer(normalize_text(project.purpose)):
        stated, unit = Decimal(match.group("number")), match.group("unit")
        magnitude = MAGNITUDES.get(match.group("magnitude") or "", Decimal(1))
        converted = convert(stated * magnitude, unit, scope.money_unit)
        rounding = _rounding(stated, unit, scope) * magnitude
        rounding = min(rounding, abs(project.budget) * ROUNDING_SHARE)
        if abs(converted - project.budget) > max(TOLERANCE, rounding):
            yield AMOUNT_TEXT_MISMATCH.at(
                scope,
                project.at("purpose"),
                stated=stated,
                unit_text=(match.group("magnitude") or "") + unit,
                converted=converted,
                budget=project.budget,
                table_unit=scope.money_unit.value,
            )


ROUNDING_SHARE = Decimal("0.01")
"""The most an amount stated in prose may round the budget by, as a share of it: ``1亿元`` for
a budget of 1.4 亿 is no rounding (review15), ``162万元`` for 161.64 万 is."""


def _rounding(stated: Decimal, unit: str, scope: Scope) -> Decimal:
    """How far a budget may lie from an amount stated in prose that rounds it: half of the
    stated amount's last digit, in the table's unit (``161.64万元`` stands for anything from
    161.635 to 161.645 万元, so a 元 table's 1616387.84 agrees with it; review14 found the
    correctly rounded statement reported)."""
    half_digit = Decimal(5).scaleb(int(stated.as_tuple().exponent) - 1)
    return convert(half_digit, unit, scope.money_unit)
