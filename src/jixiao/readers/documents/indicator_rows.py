"""Indicator rows of the other provinces' tables, read by what their cells hold (issue 14).

The header names the columns after the three levels (指标值 or 目标值, 指标性质, 指标方向(性),
度量/计量单位, 权重 or 分值, 备注 or 指标解释); the cells themselves decide which is which: a
``正向``/``反向`` cell is the direction and a ``≥``/``=`` cell the symbol whatever the header
calls them (指标性质 is the symbol in Sichuan and the direction in Inner Mongolia).  Space-joined
rows lose their empty cells, so the parts are found by content, never by position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.model import Indicator, Location
from jixiao.readers.documents import labels as lb

COLUMN_KINDS = {
    "指标值": "value",
    "目标值": "value",
    "年度指标值": "value",
    "指标性质": "symdir",
    "指标方向": "symdir",
    "指标方向性": "symdir",
    "度量单位": "unit",
    "计量单位": "unit",
    "单位": "unit",
    "权重": "weight",
    "权重(%)": "weight",
    "分值": "weight",
    "备注": "remark",
    "指标解释": "remark",
    "指标说明": "remark",
}
_LEVEL_HEADERS = ("一级指标", "二级指标", "三级指标", "指标内容", "指标名称")


def header_columns(tokens: Sequence[str]) -> list[str] | None:
    """The column kinds after the levels when ``tokens`` are an indicator header row
    (``一级指标 二级指标 三级指标 指标值 备注``), else None."""
    keys = [lb.norm(t) for t in tokens]
    if "一级指标" not in keys or not ({"二级指标", "三级指标", "指标内容"} & set(keys)):
        return None
    last = max(i for i, k in enumerate(keys) if k in _LEVEL_HEADERS)
    return [COLUMN_KINDS.get(k, "remark") for k in keys[last + 1 :]]


@dataclass(slots=True)
class Levels:
    """The 一级/二级 labels carried down from the first row of their (merged) group."""

    level1: str | None = None
    level2: str | None = None
    written: dict[str, str] = field(default_factory=dict)

    def take(self, tokens: list[str]) -> list[str]:
        """Consume the level labels that open a row; return the rest of the row."""
        at = 0
        first_is_cost_level1 = (
            at < len(tokens)
            and lb.level_name(tokens[0]) == "成本指标"
            and len(tokens) > 1
            and lb.is_level2(tokens[1])
        )
        if at < len(tokens) and (
            (lb.is_level1(tokens[at]) and lb.level_name(tokens[at]) != "成本指标")
            or first_is_cost_level1
        ):
            self.level1, self.level2 = lb.level_name(tokens[at]), None
            at += 1
        if at < len(tokens) and lb.is_level2(tokens[at]):
            self.level2 = lb.level_name(tokens[at])
            at += 1
        return tokens[at:]


def merge_wrapped_levels(rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Join level labels wrapped over two lines: ``经济效益`` / ``指标`` → ``经济效益指标``,
    ``服务对象`` / ``满意度指标`` → ``服务对象满意度指标``."""
    out: list[tuple[int, list[str]]] = []
    for line, tokens in rows:
        tokens = list(tokens)
        if out and tokens and out[-1][1]:
            before = out[-1][1]
            joined = before[-1] + tokens[0]
            if not lb.is_level2(before[-1]) and (lb.is_level2(joined) or lb.is_level1(joined)):
                before[-1] = joined
                tokens = tokens[1:]
                if not tokens:
                    continue
        out.append((line, tokens))
    return out


def _weight(text: str) -> Decimal | None:
    return lb.amount(text.rstrip("%分"))


def read_row(
    tokens: list[str], line: int, kinds: list[str], levels: Levels, file: str
) -> Indicator | str | None:
    """One space-joined (or pipe) indicator row: an Indicator, None when the row only set the
    levels, or the reason it could not be read (the caller reports it, nothing is invented)."""
    rest = levels.take(tokens)
    if not rest:
        return None
    split = any(k in kinds for k in ("unit", "symdir", "weight"))
    where = Location(file=file, line=line)
    if split:
        return _split_row(rest, kinds, levels, where)
    return _single_row(rest, kinds, levels, where)


def _single_row(
    rest: list[str], kinds: list[str], levels: Levels, where: Location
) -> Indicator | str:
    remark_first = (
        "remark" in kinds and "value" in kinds and kinds.index("remark") < kinds.index("value")
    )
    remark: str | None = None
    if remark_first:
        at = len(rest) - 1
        if at < 1 or not lb.is_value_like(rest[at]):
            return "找不到目标值"
        if at >= 2 and (lb.is_value_like(rest[at - 1]) or "标准" in rest[at - 1]):
            remark = rest[at - 1]
            name = rest[: at - 1]
        else:
            name = rest[:at]
    else:
        found = [i for i in range(1, len(rest)) if lb.is_value_like(rest[i])]
        if not found:
            return "找不到指标值"
        at = found[-1]
        name = rest[:at]
        remark = " ".join(rest[at + 1 :]) or None
    written = rest[at]
    value = lb.normalise_value(written)
    return Indicator(
        level1=levels.level1,
        level2=levels.level2,
        level3=" ".join(name),
        value=value,
        written=written if written != value else None,
        remark=remark,
        source=where,
    )


def _split_row(
    rest: list[str], kinds: list[str], levels: Levels, where: Location
) -> Indicator | str:
    marks = lb.DIRECTIONS | lb.NATURES
    cut = next((i for i, t in enumerate(rest) if t in marks or lb.symbol(t) is not None), None)
    if cut is None:
        cut = next((i for i in range(1, len(rest)) if lb.amount(rest[i]) is not None), None)
    if cut is None or cut == 0:
        return "找不到指标值"
    name, cells = rest[:cut], rest[cut:]
    direction = next((c for c in cells if c in lb.DIRECTIONS), None)
    nature = next((c for c in cells if c in lb.NATURES), None)
    sym = next((c for c in cells if lb.symbol(c) is not None), None)
    others = [c for c in cells if c not in marks and lb.symbol(c) is None]
    remark = None
    if "remark" in kinds and len(others) >= 3 and _weight(others[-1]) is None:
        remark = others.pop()
    weight = None
    if "weight" in kinds and len(others) >= 2 and (w := _weight(others[-1])) is not None:
        weight = w
        others.pop()
    number = others[0] if others else None
    unit = others[1] if len(others) > 1 else None
    if len(others) > 2:
        remark = " ".join([*others[2:], *([remark] if remark else [])])
    if number is None and nature is None:
        return "找不到指标值"
    if number is None:  # a 定性 row whose value is blank: read, and left for the rules to judge
        return Indicator(
            level1=levels.level1,
            level2=levels.level2,
            level3=" ".join(name),
            source=where,
            weight=weight,
            direction=direction,
            symbol=sym,
            nature=nature,
        )
    day = lb.serial_date(number)
    if day is not None and (unit is None or unit == number or lb.serial_date(unit) is not None):
        value = lb.chinese_date(day)  # a date cell shown as its serial number
    else:
        value = (lb.symbol(sym or "") or "") + number + (unit or "")
    written = number if day is not None else None  # the parts keep what was written
    return Indicator(
        level1=levels.level1,
        level2=levels.level2,
        level3=" ".join(name),
        value=value,
        weight=weight,
        direction=direction,
        symbol=sym,
        number=number,
        unit=unit,
        written=written,
        remark=remark,
        nature=nature,
        source=where,
    )
