"""What the publication prints for a value: plain texts from the model, no python-docx.

Amounts with two decimals unless they have more (``1111.00``), a plan's percents and the
sentence the narrative states them in (``累计支出进度3月底、6月底…分别达到30%、60%…``),
Chinese numerals for the (一)(二) headings, the running numbers projects are published under
and the note for the ones left out (``6-13号项目绩效目标按规定暂不公开。``), and the small
decisions on what a part shows (a 指标值确定依据 column, a narrative).  The writers
(:mod:`jixiao.outputs.publish`, :mod:`jixiao.outputs.publish_department`,
:mod:`jixiao.outputs.publish_application`) put these texts into the document.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal

from jixiao.model import Department, PlanEntry, Project

NUMERALS = "一二三四五六七八九十"


def numeral(index: int) -> str:
    """0 → 一, 9 → 十, 10 → 十一, 19 → 二十."""
    n = index + 1
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{NUMERALS[tens - 1] if tens > 1 else ''}十{NUMERALS[ones - 1] if ones else ''}"


def amount_text(value: Decimal | None) -> str:
    """``1111.00``: two decimals unless the amount has more (nothing is rounded away)."""
    if value is None:
        return ""
    if value == value.quantize(Decimal("0.01")):
        return f"{value:.2f}"
    return format(value.normalize(), "f")


def percent(entry: PlanEntry | None) -> str:
    if entry is None:
        return ""
    if entry.percent is None:
        return entry.text or ""
    return f"{format(entry.percent.normalize(), 'f')}%"


def plan_sentence(plan: Sequence[PlanEntry]) -> str:
    """``累计支出进度3月底、6月底、10月底、12月底分别达到30%、60%、80%、100%。``"""
    stated = [e for e in plan if e.percent is not None]
    if len(stated) < 2:
        return ""
    checkpoints = "、".join(e.checkpoint for e in stated)
    percents = "、".join(percent(e) for e in stated)
    return f"累计支出进度{checkpoints}分别达到{percents}。"


def opens_with(text: str, title: str) -> bool:
    """Whether a measure's text opens with its title as a sentence (``完善制度建设。包括…``):
    then the numbered item alone says both, as the published documents write it."""
    return text.startswith(title + "。") and len(title) <= 10


def wants_basis(project: Project) -> bool:
    """A table with a 项目编码 is the Hebei layout, which has the 指标值确定依据 column."""
    return project.code is not None


def has_narrative(department: Department | None) -> bool:
    if department is None:
        return False
    return bool((department.overall_goal or "").strip() or department.blocks or department.measures)


def withheld(run: tuple[int, int]) -> str:
    first, last = run
    numbers = f"{first}" if first == last else f"{first}-{last}"
    return f"{numbers}号项目绩效目标按规定暂不公开。"


def running_numbers(projects: Sequence[Project]) -> list[int]:
    """The numbers the projects are published under: their own when those are distinct and
    rising (a gap is a withheld project), else 1, 2, 3…"""
    numbers = [p.number for p in projects]
    if all(isinstance(n, int) and n >= 1 for n in numbers):
        ints = [int(n) for n in numbers if n is not None]
        if all(a < b for a, b in itertools.pairwise(ints)):
            return ints
    return list(range(1, len(projects) + 1))
