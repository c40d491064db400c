"""资金支出计划（%）: four cumulative checkpoints, each once, rising to exactly 100%."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from jixiao.findings import Finding
from jixiao.model import CHECKPOINTS, PlanEntry, Project
from jixiao.rules.base import Scope, define, project_check
from jixiao.values import format_number

HUNDRED = Decimal(100)

PLAN_CHECKPOINT_MISSING = define(
    "plan-checkpoint-missing",
    "error",
    "资金支出计划缺少时间节点",
    "资金支出计划缺少 {missing}",
    f"按 {'、'.join(CHECKPOINTS)} 四个节点填写累计支出进度（%）",
)
PLAN_CHECKPOINT_DUPLICATE = define(
    "plan-checkpoint-duplicate",
    "error",
    "资金支出计划时间节点重复",
    "资金支出计划的 {checkpoint} 出现了 {count} 次",
    "每个时间节点只保留一个累计支出进度",
)
PLAN_VALUE_INVALID = define(
    "plan-value-invalid",
    "error",
    "资金支出计划进度不是百分数",
    "资金支出计划 {checkpoint} 的进度“{text}”不是百分数",
    "填写 0～100 之间的累计百分比，如 25%",
)
PLAN_NOT_CUMULATIVE = define(
    "plan-not-cumulative",
    "error",
    "资金支出计划不是累计进度",
    "资金支出计划 {checkpoint} 为 {percent}%，{reason}",
    "支出计划填写累计进度：各节点在 0～100% 之间，且后一节点不低于前一节点",
)
PLAN_FINAL_NOT_100 = define(
    "plan-final-not-100",
    "error",
    f"{CHECKPOINTS[-1]}累计支出进度不是100%",
    f"资金支出计划 {CHECKPOINTS[-1]} 为 {{percent}}%，应为 100%",
    "年底累计支出进度应达到 100%",
)
PLAN_BELOW_MINIMUM = define(
    "plan-below-minimum",
    "warning",
    "支出进度低于要求",
    "资金支出计划 {checkpoint} 为 {percent}%，低于要求的 {minimum}%",
    "按本地区支出进度要求调整累计支出计划",
)

_CHECKPOINT_LABEL = re.compile(r"^\s*(\d{1,2})\s*月\s*(?:底|末|份)?\s*$")


def normalize_checkpoint(label: str) -> str:
    """``3月``, ``3 月末`` → ``3月底``; anything else is returned stripped."""
    match = _CHECKPOINT_LABEL.match(label)
    return f"{int(match.group(1))}月底" if match else label.strip()


def _entries_by_checkpoint(plan: Iterable[PlanEntry]) -> dict[str, list[PlanEntry]]:
    grouped: dict[str, list[PlanEntry]] = {}
    for entry in plan:
        grouped.setdefault(normalize_checkpoint(entry.checkpoint), []).append(entry)
    return grouped


@project_check
def plan_checkpoints(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """Each of 3月底 6月底 10月底 12月底 exactly once, each a percentage."""
    if not project.plan and not scope.requires("spending_plan"):
        return
    grouped = _entries_by_checkpoint(
        e for e in project.plan if e.percent is not None or (e.text or "").strip()
    )
    missing = [c for c in CHECKPOINTS if c not in grouped]
    if missing:
        yield PLAN_CHECKPOINT_MISSING.at(scope, project.at("plan"), missing="、".join(missing))
    for checkpoint, entries in grouped.items():
        if len(entries) > 1:
            yield PLAN_CHECKPOINT_DUPLICATE.at(
                scope,
                entries[1].source or project.at("plan"),
                checkpoint=checkpoint,
                count=len(entries),
            )
        for entry in entries:
            if entry.percent is None and entry.text:
                yield PLAN_VALUE_INVALID.at(
                    scope,
                    entry.source or project.at("plan"),
                    checkpoint=checkpoint,
                    text=entry.text,
                )


def plan_percents(plan: Sequence[PlanEntry]) -> list[tuple[str, Decimal, PlanEntry]]:
    """The readable checkpoints in calendar order (first entry of each), as (label, %, entry)."""
    grouped = _entries_by_checkpoint(plan)
    return [
        (c, grouped[c][0].percent, grouped[c][0])  # type: ignore[misc]
        for c in CHECKPOINTS
        if c in grouped and grouped[c][0].percent is not None
    ]


@project_check
def plan_progress(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """Cumulative, within 0–100, reaching exactly 100% at 12月底, above the profile minimum."""
    previous: Decimal | None = None
    for checkpoint, percent, entry in plan_percents(project.plan):
        where = entry.source or project.at("plan")
        if percent < 0 or percent > HUNDRED:
            yield PLAN_NOT_CUMULATIVE.at(
                scope, where, checkpoint=checkpoint, percent=percent, reason="超出 0～100% 的范围"
            )
        elif previous is not None and percent < previous:
            yield PLAN_NOT_CUMULATIVE.at(
                scope,
                where,
                checkpoint=checkpoint,
                percent=percent,
                reason=f"低于上一节点的 {format_number(previous)}%",
            )
        if checkpoint == CHECKPOINTS[-1] and percent != HUNDRED:
            yield PLAN_FINAL_NOT_100.at(scope, where, percent=percent)
        minimum = (scope.profile.min_plan or {}).get(checkpoint)
        if minimum is not None and percent < minimum:
            yield PLAN_BELOW_MINIMUM.at(
                scope, where, checkpoint=checkpoint, percent=percent, minimum=minimum
            )
        previous = percent
