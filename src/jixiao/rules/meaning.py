"""What an indicator measures, read from its level, name, description and unit together.

The rules ask this module which way a target should point (a floor to reach or a cap not to
exceed), which unit the indicator states or calls for, and what value a hint may propose.  The
word lists are the profile's (``meaning`` in ``rules/profiles/*.json``): no keyword is decided
here.  A proposed value is itself run through every value rule before a hint offers it, so a
hint never proposes a value that another rule would flag.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar

from jixiao.model import Indicator
from jixiao.profiles import Meaning, Profile
from jixiao.rules.base import INDICATOR_CHECKS, Scope
from jixiao.values import (
    COUNT_UNITS,
    PERCENT,
    ParsedValue,
    Symbol,
    ValueKind,
    format_value,
    parse_value,
)

HUNDRED = Decimal(100)
VALUE_CODES = frozenset(
    {
        "value-mixed",
        "value-note",
        "value-vague",
        "value-punctuation",
        "symbol-missing",
        "unit-missing",
        "unit-ambiguous",
        "unit-mismatch",
        "direction-suspicious",
        "percent-out-of-range",
        "satisfaction-below-minimum",
        "deadline-outside-year",
        "cost-exceeds-budget",
        "unit-cost-exceeds-budget",
        "money-unit-mixed",
    }
)
"""The rules that judge a 指标值 itself: a proposed value must pass all of them."""

_RATE_NOT_PERCENT = ("效率", "频率", "功率")
_COUNT_SUFFIXES = ("数量", "人数", "次数", "件数", "个数", "户数", "台数", "场次", "案件数", "数")
_NOT_COUNTS = ("指数", "系数", "分数", "率", "比例", "占比")
_NEGATIONS = "不未非"
_TIME_UNITS = frozenset(
    ("天", "日", "工作日", "个工作日", "小时", "分钟", "周", "月", "个月", "年")
)
_STATED = re.compile(
    r"[（(]\s*(?P<unit>%|％|百分比|百分点|"
    + "|".join(map(re.escape, sorted(COUNT_UNITS, key=len, reverse=True)))
    + r"|元|万元)\s*[)）]"
)


T = TypeVar("T")
_MEMO_OWNERS = 64
_MEMO_ENTRIES = 65_536
_MEMOS: dict[int, tuple[object, dict[Hashable, object]]] = {}


def memo_of(owner: Profile | Meaning) -> dict[Hashable, object]:
    """A memo of facts read from ``owner``'s words (a profile or its meaning words), kept while
    the process runs (issue #15: every rule asks the same few labels and names again and again;
    a workbook's 300 rows hold a few dozen distinct ones).  Keyed by identity, not by value
    (profiles hold dicts: unhashable); the memo holds ``owner`` itself, so its id is never
    reused by another object while the memo exists."""
    entry = _MEMOS.get(id(owner))
    if entry is None or entry[0] is not owner:
        if len(_MEMOS) >= _MEMO_OWNERS:
            _MEMOS.clear()
        entry = _MEMOS[id(owner)] = (owner, {})
    return entry[1]


def remember(memo: dict[Hashable, object], key: Hashable, value: T) -> T:
    """Keep ``value`` in ``memo`` (a :func:`memo_of`; emptied when it grows past
    ``_MEMO_ENTRIES``, so no input can make it grow without bound) and return it."""
    if len(memo) >= _MEMO_ENTRIES:
        memo.clear()
    memo[key] = value
    return value


def _remembered(
    owner: Meaning, key: Hashable, work: Callable[[str, Meaning], object], name: str
) -> object:
    memo = memo_of(owner)
    found = memo.get((key, name), _UNSEEN)
    if found is _UNSEEN:
        found = remember(memo, (key, name), work(name, owner))
    return found


_UNSEEN = object()


def _has(text: str, words: Iterable[str]) -> str | None:
    return next((w for w in words if w and w in text), None)


def texts(indicator: Indicator) -> str:
    """The indicator's name and description together (what it says it measures)."""
    return "\n".join(t for t in (indicator.level3, indicator.description) if t)


@lru_cache(maxsize=8192)
def is_rate(name: str) -> bool:
    """Names of shares and rates (…率, 比例, 占比, 满意度), expected in %."""
    if _has(name, _RATE_NOT_PERCENT):
        return False
    return "率" in name or "比例" in name or "占比" in name or "满意度" in name


_TIME_SUFFIXES = ("时间", "日期", "时限", "期限")
_SHARE_OF_TIME = ("运行", "在线", "开放", "可用", "服务")
"""A time that is a share of a period (系统正常运行时间 ≥99%: availability), not a point."""


def is_time(name: str) -> bool:
    """Names of a point or span of time (项目完成时间, 办结时限), written as a deadline or a
    duration, never as a share (seed 106: 项目完成时间 ``100%``, its 指标解释 ``2019年12月``);
    a running or opening time may be one (review18: 系统正常运行时间 ≥99%)."""
    return name.endswith(_TIME_SUFFIXES) and not is_rate(name) and not _has(name, _SHARE_OF_TIME)


@lru_cache(maxsize=8192)
def is_count(name: str) -> bool:
    """Names of counts (…数量, 人数, 次数), expected in 件/人/次…"""
    return name.endswith(_COUNT_SUFFIXES) and not _has(name, _NOT_COUNTS)


def stated_unit(indicator: Indicator) -> str | None:
    """A unit the name or description states (``资金支出率（%）``, ``…（百分比）``, ``提高百分点``,
    ``法律援助案件受理数（件)``): the value may then leave it out."""
    return _stated_unit(indicator.level3, indicator.description)


@lru_cache(maxsize=8192)
def _stated_unit(level3: str | None, description: str | None) -> str | None:
    text = "\n".join(t for t in (level3, description) if t)
    found = _STATED.search(text)
    if found:
        unit = found.group("unit")
        return PERCENT if unit in ("%", "％", "百分比") else unit
    if "百分点" in text:
        return "百分点"
    if "百分比" in text:
        return PERCENT
    return None


def effective(indicator: Indicator) -> ParsedValue:
    """The 指标值 parsed, with the unit its name or description states when it has none."""
    value = parse_value(indicator.value)
    if value.kind is ValueKind.QUANTITATIVE and value.unit is None:
        unit = _stated_unit(indicator.level3, indicator.description)
        if unit is not None:
            return _with_unit(value, unit)
    return value


@lru_cache(maxsize=8192)
def _with_unit(value: ParsedValue, unit: str) -> ParsedValue:
    """``value`` with ``unit`` (one shared object: a ParsedValue is frozen)."""
    return dataclasses.replace(value, unit=unit)


def suggested_unit(indicator: Indicator, meaning: Meaning) -> str | None:
    """The unit the name (else the description) calls for, or None when it does not say."""
    key = (indicator.level3, indicator.description)
    memo = memo_of(meaning)
    found = memo.get(("suggested", key), _UNSEEN)
    if found is _UNSEEN:
        found = remember(memo, ("suggested", key), _suggested_unit(indicator, meaning))
    return found  # type: ignore[return-value]


def _suggested_unit(indicator: Indicator, meaning: Meaning) -> str | None:
    for text in (indicator.level3 or "", indicator.description or ""):
        if not text:
            continue
        if is_rate(text):
            return PERCENT
        for word, unit in meaning.unit_words:
            if word in text:
                return unit
    return None


def looks_like_fraction(value: ParsedValue, indicator: Indicator, meaning: Meaning) -> bool:
    """``≥0.9`` for a 率 or 满意度: a fraction where a percentage was meant."""
    return (
        value.unit is None
        and value.number is not None
        and 0 < value.number <= 1
        and suggested_unit(indicator, meaning) == PERCENT
    )


# ------------------------------------------------------------------ which way a target points


def is_reduction(name: str, meaning: Meaning) -> bool:
    """The name measures a reduction (投诉减少率, 降低成本): more of it is better."""
    return _remembered(meaning, "reduction", _is_reduction, name) is True


def _is_reduction(name: str, meaning: Meaning) -> bool:
    return _has(name, meaning.reduction_words) is not None


def is_floor_word(name: str, meaning: Meaning) -> bool:
    """The name is a rate that is reached (满意度, 合格率, 完成率…), not its negation
    (不合格率, 未完成率, 不满意度: those are to be kept low)."""
    return _remembered(meaning, "floor", _is_floor_word, name) is True


def _is_floor_word(name: str, meaning: Meaning) -> bool:
    for word in meaning.floor_words:
        at = name.find(word)
        while at >= 0:
            if at == 0 or name[at - 1] not in _NEGATIONS:
                return True
            at = name.find(word, at + 1)
    return False


def is_lower_better(name: str, meaning: Meaning) -> bool:
    """The name measures something that should be small (投诉率, 发改率, 差错, 不合格率…)."""
    return _remembered(meaning, "lower", _is_lower_better, name) is True


def _is_lower_better(name: str, meaning: Meaning) -> bool:
    if is_reduction(name, meaning) or is_floor_word(name, meaning):
        return False
    negated = any(n + w in name for w in meaning.floor_words for n in _NEGATIONS)
    return negated or _has(name, meaning.lower_is_better_words) is not None


def canonical_levels(indicator: Indicator, scope: Scope) -> tuple[str | None, str | None]:
    """The indicator's 一级/二级 after removing spaces, applying aliases and adding 指标."""
    profile = scope.profile
    memo = memo_of(profile)
    key = ("levels", indicator.level1, indicator.level2)
    found = memo.get(key)
    if found is None:
        level1 = profile.normalize_level(indicator.level1)
        found = remember(memo, key, (level1, profile.normalize_level2(indicator.level2, level1)))
    return found  # type: ignore[return-value]


def in_levels(indicator: Indicator, scope: Scope, labels: Iterable[str]) -> bool:
    """True when the 一级 or 二级 is one of ``labels``."""
    level1, level2 = canonical_levels(indicator, scope)
    wanted = set(labels)
    return level1 in wanted or level2 in wanted


def floor_reason(indicator: Indicator, value: ParsedValue, scope: Scope) -> str | None:
    """Why an upper bound (≤) is suspicious for this indicator, or None if it is not."""
    return _reason(_floor_reason, indicator, value, scope)


def _reason(
    judge: Callable[[Indicator, ParsedValue, Scope], str | None],
    indicator: Indicator,
    value: ParsedValue,
    scope: Scope,
) -> str | None:
    """``judge``'s verdict, remembered per profile: both judges read only the levels, the name,
    the description and the value's unit (never the number, the row's place or the project)."""
    memo = memo_of(scope.profile)
    levels, words = (indicator.level1, indicator.level2), (indicator.level3, indicator.description)
    key = (judge, levels, words, value.unit)
    found = memo.get(key, _UNSEEN)
    if found is _UNSEEN:
        found = remember(memo, key, judge(indicator, value, scope))
    return found  # type: ignore[return-value]


def _floor_reason(indicator: Indicator, value: ParsedValue, scope: Scope) -> str | None:
    meaning, name = scope.profile.meaning, indicator.name
    if is_floor_word(name, meaning):
        return "这类指标通常是要达到的下限"
    if not value.is_percent or not in_levels(indicator, scope, meaning.floor_levels):
        return None
    words = texts(indicator)
    if is_reduction(words, meaning) or is_lower_better(words, meaning):
        return None
    if _has(words, meaning.cost_words):
        return None
    return "效益、满意度、质量类的百分比通常是要达到的下限（要压低的比率请在名称中写明，如投诉率）"


def cap_reason(indicator: Indicator, value: ParsedValue, scope: Scope) -> str | None:
    """Why a lower bound (≥) is suspicious for this indicator, or None if it is not."""
    return _reason(_cap_reason, indicator, value, scope)


def _cap_reason(indicator: Indicator, value: ParsedValue, scope: Scope) -> str | None:
    meaning, name = scope.profile.meaning, indicator.name
    if is_reduction(name, meaning) or value.unit in meaning.count_units:
        return None  # a count (种, 项, 人, 次…) is never a cost to cap, whatever the name says
    is_cost = in_levels(indicator, scope, ("成本指标",)) or _has(name, meaning.cost_words)
    unitless_money = value.unit is None and not (is_rate(name) or is_count(name))
    if is_cost and (value.is_money or unitless_money):
        return "成本、费用类金额通常是不应超过的上限"
    timed = value.unit is None or value.unit in _TIME_UNITS
    slow_days = "天数" in name and _has(name, meaning.slow_day_words)
    if timed and (_has(name, meaning.duration_words) or slow_days):
        return "周期、时长类指标通常是不应超过的上限"
    if value.is_percent and is_lower_better(name, meaning) and _rate_of_bad(name, meaning):
        return "投诉、差错、发改类比率通常是不应超过的上限"
    return None


def _rate_of_bad(name: str, meaning: Meaning) -> bool:
    """The rate itself counts something bad (投诉率, 被二审发改率, 不合格率), not a success at
    it (故障维修成功率): a lower-is-better word or a negated floor just before the last 率."""
    return _remembered(meaning, "bad", _is_rate_of_bad, name) is True


def _is_rate_of_bad(name: str, meaning: Meaning) -> bool:
    at = name.rfind("率")
    tail = name[max(0, at - 6) : at + 1]
    negated = any(n + w in tail for w in meaning.floor_words for n in _NEGATIONS)
    return at > 0 and (negated or _has(tail, meaning.lower_is_better_words) is not None)


def default_symbol(indicator: Indicator, value: ParsedValue, scope: Scope) -> Symbol:
    """The symbol a hint proposes for a value written without one: ≤ where a ≥ would be
    questioned as a cap written as a floor, ≥ where a ≤ would be questioned as a floor written
    as a cap.  Both judges read the value's unit only, never its symbol (:func:`_reason`), so
    the value is asked about as it is."""
    if value.is_percent and value.number == HUNDRED:
        return Symbol.EQ
    if cap_reason(indicator, value, scope):
        return Symbol.LE
    if floor_reason(indicator, value, scope):
        return Symbol.GE
    return Symbol.EQ


# ------------------------------------------------------------------ what a hint may propose


def propose(indicator: Indicator, scope: Scope, *, symbol: Symbol | None = None) -> str | None:
    """The corrected 指标值 a hint may offer (symbol, number, unit complete), or None when no
    value can be proposed without another rule flagging it (or while probing a proposal)."""
    if scope.probing:
        return None
    value = effective(indicator)
    if value.kind is not ValueKind.QUANTITATIVE or value.number is None:
        return None
    meaning = scope.profile.meaning
    number, unit = value.number, value.unit
    if looks_like_fraction(value, indicator, meaning):
        number, unit = number * HUNDRED, PERCENT
    unit = unit or suggested_unit(indicator, meaning)
    if unit is None:
        return None
    fixed = dataclasses.replace(value, number=number, unit=unit, note=None)
    chosen = symbol or value.symbol or default_symbol(indicator, fixed, scope)
    if unit == PERCENT and number == HUNDRED and chosen.is_lower_bound:
        chosen = Symbol.EQ  # ≥100% is out of range; 100% can only be reached
    text = format_value(dataclasses.replace(fixed, symbol=chosen))
    return text if acceptable(indicator, text, scope) else None


def acceptable(indicator: Indicator, text: str, scope: Scope) -> bool:
    """True when no value rule flags ``text`` as this indicator's 指标值."""
    probe = scope.probe()
    candidate = dataclasses.replace(indicator, value=text)
    for check in INDICATOR_CHECKS:
        for finding in check(candidate, probe):
            if finding is not None and finding.code in VALUE_CODES:
                return False
    return True
