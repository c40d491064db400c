"""The 18-column 整体绩效目标表: numbering, column shifts, symbol/unit columns, history, sources."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal

from jixiao.findings import Finding, Severity
from jixiao.model import Indicator, OverallRow, Submission
from jixiao.rules.base import INDICATOR_CHECKS, Scope, define, submission_check
from jixiao.rules.indicator_values import duplicate_names
from jixiao.rules.meaning import is_lower_better
from jixiao.values import (
    PERCENT,
    ParsedValue,
    ValueKind,
    format_value,
    normalize_text,
    parse_value,
)

OVERALL_SYMBOL_CONFLICT = define(
    "overall-symbol-conflict",
    "error",
    "符号列与指标值矛盾",
    "“{name}”符号列为“{column}”，年度指标值“{value}”却是“{written}”",
    "使符号列与年度指标值中的符号一致",
)
OVERALL_UNIT_CONFLICT = define(
    "overall-unit-conflict",
    "error",
    "单位列与指标值不一致",
    "“{name}”单位列为“{column}”，年度指标值“{value}”却以“{written}”计",
    "单位列与年度指标值使用同一写法（{suggestion}）",
    also=("info",),
    once=("info",),
    once_by="hint",
)
OVERALL_SEQUENCE_GAP = define(
    "overall-sequence-gap",
    "warning",
    "职责序号不连续",
    "职责序号从 {previous} 跳到 {current}（缺 {missing}）",
    "核对是否漏填指标行，或重新连续编号",
)
OVERALL_COLUMN_SHIFTED = define(
    "overall-column-shifted",
    "warning",
    "整行可能错位",
    "“{name}”的“{column}”列是数值“{text}”，该行可能错位了一列",
    "核对这一行各单元格是否对准表头",
)
TARGET_BELOW_HISTORY = define(
    "target-below-history",
    "warning",
    "目标值比历史水平宽松",
    "“{name}”目标 {target} {relation}{history}",
    "目标应{bound}历史水平{why}；确需放宽请在备注中说明原因",
)
SOURCE_MISSING = define(
    "source-missing",
    "warning",
    "参考值缺少来源",
    "“{name}”{what}",
    "填写标准值/历史值的来源，或在备注中说明两者均无的原因",
)

_NUMBER_ONLY = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")
_TEXT_COLUMNS = ("standard_source", "history_source", "office")
_COLUMN_NAMES = {
    "standard_source": "标准值来源",
    "history_source": "历史值来源",
    "office": "对应科室",
}


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def effective_target(row: OverallRow) -> ParsedValue:
    """The 年度指标值 completed from the 符号 and 单位 columns where the value omits them."""
    value = parse_value(row.target)
    if value.kind is not ValueKind.QUANTITATIVE:
        return value
    column_symbol = parse_value((row.symbol or "") + "1").symbol
    column_unit = parse_value("1" + (row.unit or "")).unit
    return replace(value, symbol=value.symbol or column_symbol, unit=value.unit or column_unit)


def _as_indicator(row: OverallRow) -> Indicator:
    target = effective_target(row)
    value = format_value(target) if target.kind is ValueKind.QUANTITATIVE else row.target
    return Indicator(
        level3=row.indicator,
        value=value,
        source=row.source,
        sources={"value": row.at("target"), "level3": row.at("indicator")},
    )


@submission_check
def overall_rows(submission: Submission, scope: Scope) -> Iterator[Finding | None]:
    """Every row: value checks on the completed value, then the table's own column checks."""
    rows = submission.department.overall_table if submission.department else ()
    indicators = [_as_indicator(row) for row in rows]
    for row, indicator in zip(rows, indicators, strict=True):
        for check in INDICATOR_CHECKS:
            yield from check(indicator, scope)
        yield from _symbol_and_unit(row, scope)
        shifted = list(_shifted(row, scope))
        yield from shifted
        if not shifted:  # a shifted row's history and sources are in the wrong columns
            yield from _history(row, scope)
            yield from _sources(row, scope)
    yield from duplicate_names(indicators, scope)
    yield from _sequence(rows, scope)


def _symbol_and_unit(row: OverallRow, scope: Scope) -> Iterator[Finding | None]:
    written = parse_value(row.target)
    name = row.indicator or ""
    column_symbol = parse_value((row.symbol or "") + "1").symbol
    if written.symbol and column_symbol and written.symbol is not column_symbol:
        yield OVERALL_SYMBOL_CONFLICT.at(
            scope,
            row.at("target"),
            name=name,
            column=row.symbol,
            value=row.target,
            written=written.symbol.value,
        )
    column = normalize_text(row.unit or "")
    if not written.unit or not column:
        return
    column_unit = parse_value("1" + column).unit
    raw_unit = _written_unit(row.target or "", written)
    if column_unit != written.unit:
        yield OVERALL_UNIT_CONFLICT.at(
            scope,
            row.at("target"),
            name=name,
            column=row.unit,
            value=row.target,
            written=written.unit,
            suggestion="按指标含义选定一个单位",
        )
    elif column != raw_unit:
        yield OVERALL_UNIT_CONFLICT.at(
            scope,
            row.at("target"),
            severity=Severity.INFO,
            name=name,
            column=row.unit,
            value=row.target,
            written=raw_unit,
            suggestion=f"统一写作“{PERCENT}”" if column_unit == PERCENT else "统一写法",
        )


def _written_unit(text: str, value: ParsedValue) -> str:
    normalized = normalize_text(text)
    if value.unit == PERCENT and normalized.endswith(PERCENT):
        return PERCENT
    return value.unit or ""


def _shifted(row: OverallRow, scope: Scope) -> Iterator[Finding | None]:
    for column in _TEXT_COLUMNS:
        text = normalize_text(getattr(row, column) or "")
        if text and _NUMBER_ONLY.match(text):
            yield OVERALL_COLUMN_SHIFTED.at(
                scope,
                row.at(column),
                name=row.indicator or "",
                column=_COLUMN_NAMES[column],
                text=text,
            )
            return


def _number(text: str | None) -> Decimal | None:
    value = parse_value(text)
    return value.number if value.kind is ValueKind.QUANTITATIVE else None


def _history(row: OverallRow, scope: Scope) -> Iterator[Finding | None]:
    target = effective_target(row)
    if target.kind is not ValueKind.QUANTITATIVE or target.number is None or not target.symbol:
        return
    history = [
        (label, _number(text))
        for label, text in (("上年值", row.last_year), ("前三年均值", row.history_avg))
    ]
    lower_better = _lower_is_better(row, target, scope)
    if lower_better is None:
        return
    if lower_better:
        worse = [(label, n) for label, n in history if n is not None and target.number > n]
        relation = "高于"
    else:
        worse = [(label, n) for label, n in history if n is not None and target.number < n]
        relation = "低于"
    if worse:
        shown = "、".join(
            f"{label} {text}"
            for label, text in (("上年值", row.last_year), ("前三年均值", row.history_avg))
            if label in {w[0] for w in worse}
        )
        yield TARGET_BELOW_HISTORY.at(
            scope,
            row.at("target"),
            name=row.indicator or "",
            target=row.target,
            relation=relation,
            history=shown,
            bound="不高于" if lower_better else "不低于",
            why="（该指标越低越好）" if lower_better else "",
        )


def _lower_is_better(row: OverallRow, target: ParsedValue, scope: Scope) -> bool | None:
    """Whether a smaller value is the better one: the target's own symbol says so (≤ caps,
    ≥ floors); an ``=`` target is read by its name (发改率, 周期…); None when it cannot be told."""
    if target.symbol is not None and target.symbol.is_upper_bound:
        return True
    if target.symbol is not None and target.symbol.is_lower_bound:
        return False
    name = row.indicator or ""
    if is_lower_better(name, scope.profile.meaning):
        return True
    return None


def _sources(row: OverallRow, scope: Scope) -> Iterator[Finding | None]:
    name = row.indicator or ""
    has_standard = not _blank(row.standard)
    has_history = not (_blank(row.history_avg) and _blank(row.last_year))
    if has_standard and _blank(row.standard_source):
        yield SOURCE_MISSING.at(
            scope,
            row.at("standard_source"),
            name=name,
            what=f"当年标准值 {row.standard} 没有标准值来源",
        )
    if has_history and _blank(row.history_source):
        yield SOURCE_MISSING.at(
            scope, row.at("history_source"), name=name, what="历史值没有历史值来源"
        )
    if not has_standard and not has_history and _blank(row.remark):
        yield SOURCE_MISSING.at(
            scope, row.at("remark"), name=name, what="既无标准值也无历史值，备注中也未说明原因"
        )


def _sequence(rows: Sequence[OverallRow], scope: Scope) -> Iterator[Finding | None]:
    previous: int | None = None
    for row in rows:
        text = normalize_text(row.duty_no or "")
        if not text.isdigit():
            continue
        current = int(text)
        if previous is not None and current > previous + 1:
            missing = (
                "、".join(str(n) for n in range(previous + 1, current))
                if current - previous <= 10
                else f"{previous + 1}～{current - 1}"
            )
            yield OVERALL_SEQUENCE_GAP.at(
                scope, row.at("duty_no"), previous=previous, current=current, missing=missing
            )
        previous = current
