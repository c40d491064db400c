"""The 指标值 of each indicator row: present, measurable, with symbol and unit that fit its name.

What the indicator means (a floor or a cap, the unit it states or calls for) is read by
:mod:`jixiao.rules.meaning`; every value a hint proposes has passed all value rules there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

from jixiao.findings import Finding, Severity
from jixiao.model import Indicator, Project
from jixiao.rules.base import Scope, define, indicator_check, project_check
from jixiao.rules.meaning import (
    HUNDRED,
    cap_reason,
    effective,
    floor_reason,
    is_count,
    is_rate,
    is_time,
    looks_like_fraction,
    propose,
    stated_unit,
    suggested_unit,
)
from jixiao.values import (
    COUNT_UNITS,
    PERCENT,
    ParsedValue,
    Symbol,
    ValueKind,
    normalize_text,
    parse_value,
)

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
    "评价说明“{note}”写入绩效指标描述，指标值只写符号、数值和单位",
    once=("warning",),
    once_by="hint",
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
    "加上计算符号{suggestion}",
)
VALUE_PUNCTUATION = define(
    "value-punctuation",
    "warning",
    "指标值带有多余的标点",
    "“{name}”的指标值“{value}”开头多了标点“{mark}”",
    "删去“{mark}”{suggestion}",
)
DIRECTION_SUSPICIOUS = define(
    "direction-suspicious",
    "warning",
    "计算符号方向可疑",
    "“{name}”使用“{symbol}”：{reason}",
    "改用“{better}”{suggestion}",
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
    "单位与名称须一致：{advice}",
)
UNIT_MISSING = define(
    "unit-missing",
    "warning",
    "指标值缺少计量单位",
    "“{name}”的指标值“{value}”只有数值，没有计量单位",
    "补上计量单位{suggestion}",
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


_STRAY = ",，、.。;；:："
_SYMBOL_START = "≥≤=<>"


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


def _quantitative(indicator: Indicator) -> ParsedValue | None:
    value = effective(indicator)
    return value if value.kind is ValueKind.QUANTITATIVE else None


def _offer(proposal: str | None, lead: str = "，如") -> str:
    """``，如“≥6次”`` when a value can be proposed, else nothing."""
    return f"{lead}“{proposal}”" if proposal else ""


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
    if (indicator.basis or "").strip():  # the usual row: asked first, the cheapest question
        return
    if scope.project is None or not scope.requires("basis") or is_blank(indicator):
        return
    yield BASIS_MISSING.at(scope, indicator.at("basis"), name=indicator.name)


@indicator_check
def value_form(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """Mixed, vague, symbol-less, unit-less or bare-万 values, or a note after the value."""
    value = parse_value(indicator.value)
    if value.kind is ValueKind.MIXED:
        where, raw = indicator.at("value"), value.raw.strip()
        yield VALUE_MIXED.at(scope, where, value=raw, text=value.text)
    elif value.kind is ValueKind.QUALITATIVE:
        word = next((w for w in scope.profile.vague_words if w in (value.text or "")), None)
        if word:
            where, raw = indicator.at("value"), value.raw.strip()
            yield VALUE_VAGUE.at(scope, where, value=raw, word=word)
    elif value.kind is ValueKind.QUANTITATIVE:
        yield from _quantity_form(indicator, value, scope)


def _quantity_form(
    indicator: Indicator, value: ParsedValue, scope: Scope
) -> Iterator[Finding | None]:
    raw = value.raw.strip()
    mark = stray_mark(raw)
    unit_missing = value.unit is None and stated_unit(indicator) is None
    if not (mark or value.symbol is None or unit_missing or value.bare_wan or value.note):
        return  # the usual case: nothing to say (and no Location looked up)
    where = indicator.at("value")
    # The value a hint proposes, worked out once for the row (each costs a run of every value
    # rule: meaning.acceptable) and only when a finding offers it.
    proposal = propose(indicator, scope) if mark or value.symbol is None or unit_missing else None
    if value.is_percent and is_time(indicator.level3 or indicator.name):
        proposal = None  # “=100%” is no time: unit-mismatch says what to write instead
    if mark:
        yield VALUE_PUNCTUATION.at(
            scope,
            where,
            name=indicator.name,
            value=raw,
            mark=mark,
            suggestion=_offer(proposal, "，写作"),
        )
    if value.symbol is None:
        yield SYMBOL_MISSING.at(scope, where, value=raw, suggestion=_offer(proposal))
    if unit_missing:
        yield UNIT_MISSING.at(
            scope,
            where,
            name=indicator.name,
            value=raw,
            suggestion=_unit_offer(indicator, proposal, scope),
        )
    if value.bare_wan:
        yield UNIT_AMBIGUOUS.at(scope, where, value=raw)
    if value.note:
        yield VALUE_NOTE.at(scope, where, value=raw, note=value.note)


@lru_cache(maxsize=8192)
def stray_mark(raw: str) -> str | None:
    """A punctuation mark before the symbol or number (``,=100``): a typing slip to delete."""
    text = normalize_text(raw)
    if len(text) > 1 and text[0] in _STRAY and (text[1] in _SYMBOL_START or text[1].isdigit()):
        return raw.lstrip()[0]
    return None


def _unit_offer(indicator: Indicator, proposal: str | None, scope: Scope) -> str:
    if proposal:
        return _offer(proposal)
    unit = suggested_unit(indicator, scope.profile.meaning)
    return f"“{unit}”" if unit else "（按指标含义选定，如 件、次、个、%）"


@indicator_check
def direction(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A floor written as a cap (满意度 ≤90%, a 效益 percentage with ≤) or a cap written as a
    floor (成本 ≥400元, 平均审理天数 ≥…) is questioned; the level, unit and wording decide."""
    value = _quantitative(indicator)
    if value is None or value.symbol is None or not indicator.name:
        return
    if value.symbol.is_upper_bound:
        reason, better = floor_reason(indicator, value, scope), Symbol.GE
    elif value.symbol.is_lower_bound:
        reason, better = cap_reason(indicator, value, scope), Symbol.LE
    else:
        return
    if reason is None:
        return
    yield DIRECTION_SUSPICIOUS.at(
        scope,
        indicator.at("value"),
        name=indicator.name,
        symbol=value.symbol.value,
        reason=reason,
        better=better.value,
        suggestion=_offer(propose(indicator, scope, symbol=better), "，写作"),
    )


@indicator_check
def percent_range(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A share above 100%, or ``≥100%`` (which can only mean =100%)."""
    value = _quantitative(indicator)
    if value is None or not value.is_percent or value.number is None:
        return
    if value.number > HUNDRED:
        reason = "超过了 100%"
    elif value.number == HUNDRED and value.symbol in (Symbol.GE, Symbol.GT):
        reason = "要求达到 100% 以上，实际最多只能是 100%"
    else:
        return
    name = indicator.name
    if any(w in name for w in scope.profile.meaning.ratio_words):
        return
    yield PERCENT_OUT_OF_RANGE.at(
        scope, indicator.at("value"), name=name, value=value.raw.strip(), reason=reason
    )


@indicator_check
def unit_fits_name(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """A 率 counted in 次, a count in %, a money amount in %; the hint says whether the unit or
    the name is wrong (the description tells: 走访慰问率 described as 走访…次数 is a count)."""
    value = parse_value(indicator.value)
    name = indicator.level3 or indicator.name
    if value.kind is not ValueKind.QUANTITATIVE or value.unit is None or not name:
        return
    if value.is_per_unit:
        return
    unit, money_words = value.unit, scope.profile.meaning.money_words
    if is_rate(name) and (unit in COUNT_UNITS or value.is_money):
        expected, fits_unit = "比率", is_count(indicator.description or "")
    elif is_count(name) and value.is_percent:
        expected, fits_unit = "数量", is_rate(indicator.description or "")
    elif value.is_percent and not is_rate(name) and any(w in name for w in money_words):
        expected, fits_unit = "金额", False
    elif value.is_percent and is_time(name):
        expected, fits_unit = "时间", is_rate(indicator.description or "")
    else:
        return
    yield UNIT_MISMATCH.at(
        scope,
        indicator.at("value"),
        name=name,
        expected=expected,
        unit=unit,
        advice=_unit_advice(indicator, expected, unit, fits_unit, scope),
    )


def _unit_advice(
    indicator: Indicator, expected: str, unit: str, fits_unit: bool, scope: Scope
) -> str:
    description = (indicator.description or "").strip()
    if fits_unit:
        return (
            f"单位“{unit}”与绩效指标描述“{description}”相符，应改指标名称"
            f"（如改为“{description}”），指标值不变"
        )
    if expected == "时间":
        return "写成完成期限（如“12月底前”）或时长（天、个月），或改指标名称"
    wanted = {"比率": PERCENT, "金额": "万元 或 元"}.get(expected)
    wanted = wanted or suggested_unit(indicator, scope.profile.meaning) or "件、人、次 等"
    return f"改用与指标名称一致的单位（{wanted}），或改指标名称"


@indicator_check
def satisfaction(indicator: Indicator, scope: Scope) -> Iterator[Finding | None]:
    """满意度 targets are percentages no lower than the profile's minimum."""
    name = indicator.name
    if "满意度" not in name:
        return
    value = effective(indicator)
    minimum = scope.profile.min_satisfaction
    shown = minimum if minimum is not None else HUNDRED
    meaning = scope.profile.meaning
    reason = None
    if value.kind is ValueKind.QUALITATIVE or (value.unit is not None and not value.is_percent):
        reason = "不是百分比"
    elif value.kind is ValueKind.QUANTITATIVE and looks_like_fraction(value, indicator, meaning):
        assert value.number is not None
        percent = value.number * HUNDRED
        symbol = value.symbol.value if value.symbol else ""
        reason = f"写成了小数，应写作 {symbol}{percent.normalize():f}%"
        if minimum is not None and percent < minimum:
            reason = f"写成了小数（即 {percent.normalize():f}%），且低于 {minimum}%"
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
