"""The summary tables' columns: 下属单位, 支出计划 (and the notes said beside it), 项目汇总 (with
its 一级 count columns), 指标明细, 部门整体 and 问题清单 — each table's keys, Chinese headings,
kinds and widths, written once here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from jixiao.consolidation.table import Column, Kind
from jixiao.findings import FINDING_COLUMNS
from jixiao.model import CHECKPOINTS
from jixiao.profiles import Profile, load_profile
from jixiao.values import ValueKind

_CODE = 23.0
"""A 项目编码 is 21 characters: shown whole."""


def checkpoint_key(checkpoint: str) -> str:
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
            Column(f"percent_{checkpoint_key(checkpoint)}", f"{checkpoint}%", Kind.PERCENT, 7),
            Column(f"amount_{checkpoint_key(checkpoint)}", f"{checkpoint}金额", Kind.MONEY, 11),
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


@cache
def summary_levels() -> tuple[str, ...]:
    """项目汇总's 一级 count columns (the same for every run: the built-in frameworks)."""
    return tuple(level_columns(load_profile(p) for p in ("hebei", "central-2021")))
