"""The unit's cumulative spending plan (支出计划): budget-weighted progress per checkpoint from
the 项目汇总 rows, and the minimum progress it is held to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.consolidation.columns import PLAN_COLUMNS, checkpoint_key
from jixiao.consolidation.results import FileResult
from jixiao.consolidation.rows import HUNDRED
from jixiao.consolidation.table import Row, Table, in_unit
from jixiao.model import CHECKPOINTS
from jixiao.money import MoneyUnit
from jixiao.profiles import Profile


@dataclass(slots=True)
class _Progress:
    """One checkpoint's running sums while the project rows are read."""

    budget: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    left: int = 0
    left_budget: Decimal = Decimal(0)


def unit_plan(
    projects: Table, minimum: dict[str, Decimal] | None, money_unit: str = MoneyUnit.WAN
) -> Table:
    """The unit's cumulative spending plan: budget-weighted % and amounts per checkpoint,
    exactly (the % of a sum of amounts, never a mean of rounded percentages), its amounts'
    headings saying ``money_unit``.  The project rows are read once, in order (they may be
    waiting on disk)."""
    budget_at = projects.index("budget")
    places = [
        (projects.index(f"percent_{key}"), projects.index(f"amount_{key}"))
        for key in map(checkpoint_key, CHECKPOINTS)
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
    return Table(in_unit(PLAN_COLUMNS, money_unit), rows)


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
