"""The 指标值 of each indicator row: present, measurable, with symbol and unit that fit its name."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from jixiao.findings import Finding, Severity
from jixiao.model import Indicator, Project
from jixiao.rules.base import Scope, define, indicator_check, project_check
from jixiao.values import COUNT_UNITS, ParsedValue, Symbol, ValueKind, format_value, parse_value

HUNDRED = Decimal(100)

VALUE_MISSING = define(
    "value-missing",
    "error",
    "三级指标或指标值为空",
    "{field}为空",
    "填写{field}",
)
BASIS_MISSING = define(
    "basis-missing",
    "warning",
    "缺少指标值确定依据",
    "指标“{name}”未填写指标值确定依据",
    "填写依据，如 历史数据、计划标准、行业标准、预算支出标准",
)
VALUE_MIXED = define(
    "value-mixed",
    "error",
    "指标值定量与定性混写",
    "指标值“{value}”既有数值又有文字“{text}”",
    "定量指标只写 符号+数值+单位（如 ≥90%），说明文字移到绩效指标描述",
)
VALUE_NOTE = define(
    "value-note",
    "warning",
    "指标值附带评价说明",
    "指标值“{value}”附带了评价说明“{note}”",
    "指标值只写“{canonical}”，评价标准写入绩效指标描述",
)
VALUE_VAGUE = define(
    "value-vague",
    "warning",
    "指标值无法衡量",
    "指标值“{value}”含模糊表述“{word}”，无法衡量是否完成",
    "改为可衡量的目标值，如 ≥95% 或具体的完成标准",
)
SYMBOL_MISSING = define(
    "symbol-missing",
    "warning",
    "指标值缺少计算符号",
    "指标值“{value}”没有计算符号（≥、≤、=）",
    "改为“{suggestion}”或加上 ≥/≤",
)
DIRECTION_SUSPICIOUS = define(
    "direction-suspicious",
    "warning",
    "计算符号方向可疑",
    "“{name}”使用“{symbol}”：{reason}",
    "改为“{suggestion}”",
)
PERCENT_OUT_OF_RANGE = define(
    "percent-out-of-range",
    "warning",
    "比率超出 100%",
    "“{name}”的指标值“{value}”{reason}",
    "比率最高为 100%，完成类指标写“=100%”",
)
UNIT_MISMATCH = define(
    "unit-mismatch",
    "warning",
    "计量单位与指标名称不符",
    "“{name}”是{expected}，指标值却以“{unit}”计",
    "改用与指标名称一致的单位（{suggestion}）",
)
UNIT_MISSING = define(
    "unit-missing",
    "warning",
    "指标值缺少计量单位",
    "指标值“{value}”只有数值，没有计量单位",
    "补上单位，如“{suggestion}”",
)
UNIT_AMBIGUOUS = define(
    "unit-ambiguous",
    "warning",
    "金额单位只写了“万”",
    "指标值“{value}”的单位只写了“万”，按“万元”理解",
    "写全金额单位“万元”",
)
SATISFACTION_BELOW_MINIMUM = define(
    "satisfaction-below-minimum",
    "warning",
    "满意度指标低于要求或不是百分比",
    "满意度指标“{name}”的指标值“{value}”{reason}",
    "满意度以百分比表示，且不低于 {minimum}%",
)
DEADLINE_OUTSIDE_YEAR = define(
    "deadline-outside-year",
    "error",
    "完成时限不在预算年度内",
    "指标值“{value}”的时限 {deadline_year} 年{relation}预算年度 {year} 年",
    "时效指标的完成时限应在 {year} 年内，如“{year}年12月底前”",
    also=("warning",),
)
INDICATOR_DUPLICATE = define(
    "indicator-duplicate",
    "warning",
    "三级指标重复",
    "三级指标“{name}”重复出现（另见 {first}）",
    "删除重复的指标或改为不同的指标",
)


def _words(*words: str) -> re.Pattern[str]:
    """One compiled alternation: much faster than any(w in name for w in words) per row."""
    return re.compile("|".join(map(re.escape, words)))


_SHOULD_BE_FLOOR = _words(
    "满意度",
    "合格率",
    "及时率",
    "完成率",
    "覆盖率",
    "办结率",
    "结案率",
    "到位率",
    "达标率",
    "知晓率",
    "执结率",
)
_SHOULD_BE_CAP = _words(
    "成本", "费用", "投诉率", "发改率", "差错率", "事故率", "周期", "时长", "用时"
)
_SLOW_DAYS = _words("平均", "审理", "办理", "办结")
_REDUCTION = _words("降低", "减少", "节约", "节省", "下降", "减低", "节支", "压缩")
_RATIO_EXEMPT = _words("收结比", "结收比", "增长", "增幅", "提高", "同比", "环比", "变化", "倍")
_RATE_NOT_PERCENT = _words("效率", "频率", "功率")
_COUNT_SUFFIXES = ("数量", "人数", "次数", "件数", "个数", "户数", "台数", "场次", "案件数", "数")
_NOT_COUNTS = _words("指数", "系数", "分数", "率", "比例", "占比")
_MONEY_WORDS = _words("金额", "费用", "成本", "经费", "资金额")


def is_blank(indicator: Indicator) -> bool:
    """True for an empty template row (nothing typed in it)."""
    fields = (
        indicator.level1,
        indicator.level2,
        indicator.level3,
        indicator.description,
        indicator.value,
        indicator.basis,
    )
    return not any(fields)


def is_rate(name: str) -> bool:
    """Names of shares and rates (…率, 比例, 占比, 满意度), expected in %."""
    if _RATE_NOT_PERCENT.search(name):
        return False
    return "率" in name or "比例" in name or "占比" in name or "满意度" in name


def is_count(name: str) -> bool:
    """Names of counts (…数量, 人数, 次数), expected in 件/人/次…"""
    return name.endswith(_COUNT_SUFFIXES) and not _NOT_COUNTS.search(name)


def suggested_unit(name: str) -> str:
    """The unit a name calls for, for hints."""
    for words, unit in (
        (("率", "比例", "占比", "满意度"), "%"),
        (("天数", "时长"), "天"),
        (("次数", "场次"), "次"),
        (("人数",), "人"),
        (("件数", "案件数"), "件"),
    ):
        if any(w in name for w in words):
            return unit
    return "件、人、次、% 等"


def looks_like_fraction(value: ParsedValue, name: str) -> bool:
    """``≥0.9`` for a 率 or 满意度: a fraction where a percentage was meant."""
    return (
        value.unit is None
        and value.number is not None
        and 0 < value.number <= 1
        and suggested_unit(name) == "%"
    )


def _with_unit(value: ParsedValue, name: str) -> str:
    """The value with the unit its name calls for (a fraction of a 率 becomes a percentage)."""
    if looks_like_fraction(value, name):
        assert value.number is not None
        percent = dataclasses.replace(value, number=value.number * HUNDRED, unit="%")
        return format_value(percent)
    return format_value(value) + suggested_unit(name).split("、")[0]


def _quantitative(indicator: Indicator) -> ParsedValue | None:
    value = parse_value(indicator.value)
    return value if value.kind is ValueKind.QUANTITATIVE else None


@indicator_check
def value_present(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A used row needs its 三级指标 (project tables) or a name, and a 指标值."""
    if is_blank(indicator):
        return
    if scope.project is not None and not (indicator.level3 or "").strip():
        yield VALUE_MISSING.at(scope, indicator.at("level3"), field="三级指标")
    elif scope.project is None and not indicator.name:
        yield VALUE_MISSING.at(scope, indicator.at("level3"), field="指标名称")
    if not (indicator.value or "").strip():
        yield VALUE_MISSING.at(scope, indicator.at("value"), field="指标值")


@indicator_check
def basis_present(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """指标值确定依据 is required by profiles that have the column (hebei, central-2021)."""
    if scope.project is None or not scope.profile.requires_basis or is_blank(indicator):
        return
    if not (indicator.basis or "").strip():
        yield BASIS_MISSING.at(scope, indicator.at("basis"), name=indicator.name)


@indicator_check
def value_form(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """Mixed, vague, symbol-less, unit-less or bare-万 values."""
    value = parse_value(indicator.value)
    where = indicator.at("value")
    if value.kind is ValueKind.MIXED:
        yield VALUE_MIXED.at(scope, where, value=value.raw.strip(), text=value.text)
    elif value.kind is ValueKind.QUALITATIVE:
        word = next((w for w in scope.profile.vague_words if w in (value.text or "")), None)
        if word:
            yield VALUE_VAGUE.at(scope, where, value=value.raw.strip(), word=word)
    elif value.kind is ValueKind.QUANTITATIVE:
        if value.symbol is None:
            yield SYMBOL_MISSING.at(
                scope, where, value=value.raw.strip(), suggestion="=" + format_value(value)
            )
        if value.unit is None:
            yield UNIT_MISSING.at(
                scope, where, value=value.raw.strip(), suggestion=_with_unit(value, indicator.name)
            )
        if value.bare_wan:
            yield UNIT_AMBIGUOUS.at(scope, where, value=value.raw.strip())
        if value.note:
            yield VALUE_NOTE.at(
                scope,
                where,
                value=value.raw.strip(),
                note=value.note,
                canonical=format_value(value),
            )


@indicator_check
def direction(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """Rates to reach with ≤, or costs and durations to cap with ≥, are questioned."""
    value = _quantitative(indicator)
    name = indicator.name
    if value is None or value.symbol is None or not name:
        return
    if value.symbol.is_upper_bound and _SHOULD_BE_FLOOR.search(name):
        reason, better = "这类指标通常是要达到的下限", "≥"
    elif value.symbol.is_lower_bound and _should_be_capped(name, indicator, scope):
        reason, better = "成本、费用、时长类指标通常是不应超过的上限", "≤"
    else:
        return
    yield DIRECTION_SUSPICIOUS.at(
        scope,
        indicator.at("value"),
        name=name,
        symbol=value.symbol.value,
        reason=reason,
        suggestion=better + _unsigned(value),
    )


def _unsigned(value: ParsedValue) -> str:
    return format_value(value).lstrip("≥≤=<>")


def _should_be_capped(name: str, indicator: Indicator, scope: Scope) -> bool:
    if _REDUCTION.search(name):
        return False
    if _SHOULD_BE_CAP.search(name):
        return True
    if "天数" in name and _SLOW_DAYS.search(name):
        return True
    level1 = scope.profile.normalize_level(indicator.level1)
    level2 = scope.profile.normalize_level(indicator.level2)
    return "成本指标" in (level1, level2)


@indicator_check
def percent_range(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A share above 100%, or ``≥100%`` (which can only mean =100%)."""
    value = _quantitative(indicator)
    name = indicator.name
    if value is None or not value.is_percent or value.number is None:
        return
    if _RATIO_EXEMPT.search(name):
        return
    if value.number > HUNDRED:
        reason = "超过了 100%"
    elif value.number == HUNDRED and value.symbol in (Symbol.GE, Symbol.GT):
        reason = "要求达到 100% 以上，实际最多只能是 100%"
    else:
        return
    yield PERCENT_OUT_OF_RANGE.at(
        scope, indicator.at("value"), name=name, value=value.raw.strip(), reason=reason
    )


@indicator_check
def unit_fits_name(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A 率 counted in 次, a count in %, a money amount in %."""
    value = _quantitative(indicator)
    name = indicator.name
    if value is None or value.unit is None or not name or value.is_per_unit:
        return
    unit = value.unit
    expected = None
    if is_rate(name) and (unit in COUNT_UNITS or value.is_money):
        expected, suggestion = "比率", "%"
    elif is_count(name) and value.is_percent:
        expected, suggestion = "数量", suggested_unit(name)
    elif value.is_percent and _MONEY_WORDS.search(name) and not is_rate(name):
        expected, suggestion = "金额", "万元 或 元"
    if expected:
        yield UNIT_MISMATCH.at(
            scope,
            indicator.at("value"),
            name=name,
            expected=expected,
            unit=unit,
            suggestion=suggestion,
        )


@indicator_check
def satisfaction(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """满意度 targets are percentages no lower than the profile's minimum."""
    name = indicator.name
    if "满意度" not in name:
        return
    value = parse_value(indicator.value)
    minimum = scope.profile.min_satisfaction
    shown = minimum if minimum is not None else HUNDRED
    reason = None
    if value.kind is ValueKind.QUALITATIVE or (value.unit is not None and not value.is_percent):
        reason = "不是百分比"
    elif value.kind is ValueKind.QUANTITATIVE and looks_like_fraction(value, name):
        reason = f"写成了小数，应写作 {_with_unit(value, name)}"
    elif (
        value.kind is ValueKind.QUANTITATIVE
        and value.is_percent
        and minimum is not None
        and value.number is not None
        and value.number < minimum
        and not (value.symbol and value.symbol.is_upper_bound)
    ):
        reason = f"低于 {minimum}%"
    if reason:
        yield SATISFACTION_BELOW_MINIMUM.at(
            scope,
            indicator.at("value"),
            name=name,
            value=value.raw.strip(),
            reason=reason,
            minimum=shown,
        )


@indicator_check
def deadline_year(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A deadline before the budget year is an error, one after it a warning."""
    value = parse_value(indicator.value)
    if value.deadline is None or value.deadline.year is None or scope.year is None:
        return
    year = value.deadline.year
    if year == scope.year:
        return
    severity = Severity.ERROR if year < scope.year else Severity.WARNING
    yield DEADLINE_OUTSIDE_YEAR.at(
        scope,
        indicator.at("value"),
        severity=severity,
        value=value.raw.strip(),
        deadline_year=year,
        relation="早于" if year < scope.year else "晚于",
        year=scope.year,
    )


def duplicate_names(indicators: Sequence[Indicator], scope: Scope) -> Iterator[Finding | None]:
    """The same 三级指标 name twice in one list of indicators."""
    seen: dict[str, Indicator] = {}
    for indicator in indicators:
        key = "".join(indicator.name.split())
        if not key:
            continue
        if key in seen:
            first = seen[key].at("level3")
            yield INDICATOR_DUPLICATE.at(
                scope, indicator.at("level3"), name=indicator.name, first=_describe(first)
            )
        else:
            seen[key] = indicator


def _describe(where: object) -> str:
    cell = getattr(where, "cell", None)
    line = getattr(where, "line", None)
    path = getattr(where, "path", None)
    return cell or (f"第{line}行" if line else None) or path or "前文"


@project_check
def duplicates_in_project(project: Project, scope: Scope) -> Iterator[Finding | None]:
    """No 三级指标 twice in one project."""
    yield from duplicate_names(project.indicators, scope)
