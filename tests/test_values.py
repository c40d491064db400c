"""The 指标值 grammar: examples from the seeds, round trips and robustness (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.money import MoneyUnit
from jixiao.values import (
    Deadline,
    ParsedValue,
    Symbol,
    ValueKind,
    format_value,
    money_amount,
    parse_value,
)

Q = ValueKind.QUANTITATIVE

EXAMPLES: list[tuple[str, ValueKind, Symbol | None, str | None, str | None, str]] = [
    # raw, kind, symbol, number, unit, canonical
    ("≥500 件", Q, Symbol.GE, "500", "件", "≥500件"),
    ("≤1111 万元", Q, Symbol.LE, "1111", "万元", "≤1111万元"),
    ("≥98%", Q, Symbol.GE, "98", "%", "≥98%"),
    ("100%", Q, None, "100", "%", "100%"),
    ("$\\geq 85\\%$", Q, Symbol.GE, "85", "%", "≥85%"),
    ("$\\leq 15\\%$ 为优", Q, Symbol.LE, "15", "%", "≤15%"),
    (">=6", Q, Symbol.GE, "6", None, "≥6"),
    ("=>6", Q, Symbol.GE, "6", None, "≥6"),
    ("≧6次", Q, Symbol.GE, "6", "次", "≥6次"),
    (",=100", Q, Symbol.EQ, "100", None, "=100"),
    ("＝100％", Q, Symbol.EQ, "100", "%", "=100%"),
    ("<=2%", Q, Symbol.LE, "2", "%", "≤2%"),
    ("≦10天", Q, Symbol.LE, "10", "天", "≤10天"),
    ("＞95％", Q, Symbol.GT, "95", "%", ">95%"),
    ("不低于90%", Q, Symbol.GE, "90", "%", "≥90%"),
    ("不少于 3 场", Q, Symbol.GE, "3", "场", "≥3场"),
    ("至少2次", Q, Symbol.GE, "2", "次", "≥2次"),
    ("不超过50万元", Q, Symbol.LE, "50", "万元", "≤50万元"),
    ("不高于5%", Q, Symbol.LE, "5", "%", "≤5%"),
    ("500万元以内", Q, Symbol.LE, "500", "万元", "≤500万元"),
    ("超过95%", Q, Symbol.GT, "95", "%", ">95%"),
    ("低于3%", Q, Symbol.LT, "3", "%", "<3%"),
    ("≥99百分比", Q, Symbol.GE, "99", "%", "≥99%"),
    ("=5个百分点", Q, Symbol.EQ, "5", "个", "=5个"),  # 个 is taken as the unit; rest is text
    ("≤62万", Q, Symbol.LE, "62", "万元", "≤62万元"),
    ("≤4137280元", Q, Symbol.LE, "4137280", "元", "≤4137280元"),
    ("≥1,200件", Q, Symbol.GE, "1200", "件", "≥1200件"),
    ("≥1万人次", Q, Symbol.GE, "10000", "人次", "≥10000人次"),
    ("≤100元/人", Q, Symbol.LE, "100", "元/人", "≤100元/人"),
    ("≥50人次", Q, Symbol.GE, "50", "人次", "≥50人次"),
    ("≥6年 ", Q, Symbol.GE, "6", "年", "≥6年"),
    ("1辆", Q, None, "1", "辆", "1辆"),
    ("<span>≥90%</span>", Q, Symbol.GE, "90", "%", "≥90%"),
]


@pytest.mark.parametrize(("raw", "kind", "symbol", "number", "unit", "canonical"), EXAMPLES)
def test_examples(
    raw: str,
    kind: ValueKind,
    symbol: Symbol | None,
    number: str | None,
    unit: str | None,
    canonical: str,
) -> None:
    value = parse_value(raw)
    if raw == "=5个百分点":
        assert value.kind is ValueKind.MIXED  # "个百分点" is not 个: never silently wrong
        return
    assert (value.kind, value.symbol, value.unit) == (kind, symbol, unit)
    assert value.number == (Decimal(number) if number else None)
    assert format_value(value) == canonical


@pytest.mark.parametrize(
    ("raw", "kind", "text"),
    [
        ("持续保障", ValueKind.QUALITATIVE, "持续保障"),
        ("保证干警执行活动安全高效", ValueKind.QUALITATIVE, "保证干警执行活动安全高效"),
        ("≥90 较上一年提高", ValueKind.MIXED, "较上一年提高"),
        ("1 进一步提高", ValueKind.MIXED, "进一步提高"),
        ("较2023年提高10%", ValueKind.MIXED, "较2023年提高10%"),
        ("≥较高水平", ValueKind.MIXED, "较高水平"),
        ("", ValueKind.EMPTY, None),
        ("   ", ValueKind.EMPTY, None),
    ],
)
def test_text_values(raw: str, kind: ValueKind, text: str | None) -> None:
    value = parse_value(raw)
    assert (value.kind, value.text) == (kind, text)


@pytest.mark.parametrize(
    ("raw", "year", "month"),
    [
        ("2023年底前", 2023, None),
        ("2024年底之前", 2024, None),
        ("2024年1-12月", 2024, 12),
        ("2024年12月31日前", 2024, 12),
        ("在2025年6月底前完成", 2025, 6),
        ("12月底前完成", None, 12),
        ("2024-12-31", 2024, 12),  # a date cell read as text
        ("2024.12.31前", 2024, 12),
    ],
)
def test_deadlines(raw: str, year: int | None, month: int | None) -> None:
    value = parse_value(raw)
    assert value.kind is ValueKind.DEADLINE
    assert value.deadline == Deadline(year, month)


@pytest.mark.parametrize(
    ("raw", "month"), [("2024年1月-12月", 12), ("2025年3月-6月", 6), ("2024年1至12月", 12)]
)
def test_a_dated_span_is_read_at_its_last_month(raw: str, month: int) -> None:
    """review15: 2024年1月-12月 was read at month 1."""
    assert parse_value(raw).deadline == Deadline(int(raw[:4]), month)


@pytest.mark.parametrize(
    "raw",
    [
        "2024年1月-2024年12月",
        "2024年1月至2024年12月",
        "2024年1月到2024年12月",
        "2024年1月~2024年12月",
        "2024年1月～2024年12月",
        "2024年1月—2024年12月",
        "2024年1月-2024年12月底",
        "2024年1月-2024年12月底前",
        "2024年1月-2024年12月完成",
        "2024年度1月-2024年度12月",
        "≤2024年1月-2024年12月",
    ],
)
def test_a_span_repeating_its_year_is_read_at_its_last_month(raw: str) -> None:
    """Issue 15's grammar gaps: 2024年1月-2024年12月 was read at month 1 (2024年1-12月 at 12)."""
    value = parse_value(raw)
    assert (value.kind, value.deadline) == (ValueKind.DEADLINE, Deadline(2024, 12))


@pytest.mark.parametrize(
    ("raw", "deadline"),
    [
        ("2024年12月-2025年3月", Deadline(2025, 3)),  # ends in the later year: its month
        ("2024年1月至2025年12月底前", Deadline(2025, 12)),
        ("2025年1月-2024年3月", Deadline(2024, None)),  # backwards: the year it ends in, no month
        # review18: with days, the span was read at its first month
        ("2024年1月1日-2024年12月31日", Deadline(2024, 12)),
        ("2023年1月1日-2024年12月31日", Deadline(2024, 12)),
        ("2024年12月1日-2025年3月31日", Deadline(2025, 3)),
        ("2024年1月1日至12月31日", Deadline(2024, 12)),
    ],
)
def test_a_span_across_years_is_read_where_it_ends(raw: str, deadline: Deadline) -> None:
    """The year check then judges the later year (deadline-outside-year: tests/test_rules.py)."""
    assert parse_value(raw).deadline == deadline


@pytest.mark.parametrize(
    ("raw", "deadline"),
    [
        ("1-12月（含）", Deadline(None, 12)),
        ("1-12月(含)", Deadline(None, 12)),
        ("1月-12月底（含）", Deadline(None, 12)),
        ("1-12月（包含本数）", Deadline(None, 12)),
        ("12月（含）前", Deadline(None, 12)),
        ("12月底前（含）", Deadline(None, 12)),
        ("2024年1-12月（含）", Deadline(2024, 12)),
        ("≤2024年12月（含）", Deadline(2024, 12)),
    ],
)
def test_an_inclusive_mark_in_a_deadline_is_noise(raw: str, deadline: Deadline) -> None:
    """Issue 15's grammar gaps: 1-12月（含） was the number 1 and the text -12月(含) (value-mixed,
    an error).  A date is a point: （含） adds nothing and is dropped; the value keeps it as
    written."""
    value = parse_value(raw)
    assert (value.kind, value.deadline, value.text) == (ValueKind.DEADLINE, deadline, raw)


@pytest.mark.parametrize(
    ("raw", "symbol", "year", "month"),
    [
        ("≤2019年12月", Symbol.LE, 2019, 12),  # 106's 项目完成时间: no later than
        ("≤2019年12月底", Symbol.LE, 2019, 12),
        ("<2024-12-31", Symbol.LT, 2024, 12),
        ("=2024年底前", Symbol.EQ, 2024, None),
    ],
)
def test_a_dated_deadline_keeps_its_symbol(
    raw: str, symbol: Symbol, year: int, month: int | None
) -> None:
    """It was a number 2019 with the unit 年 and the text 12月 (value-mixed); the sheet's own
    check already took it as a date."""
    value = parse_value(raw)
    assert (value.kind, value.symbol, value.deadline) == (
        ValueKind.DEADLINE,
        symbol,
        Deadline(year, month),
    )


def test_a_symbol_before_months_alone_is_still_a_duration() -> None:
    value = parse_value("≤12月")
    assert (value.kind, value.number, value.unit) == (ValueKind.QUANTITATIVE, 12, "月")


@pytest.mark.parametrize(
    ("raw", "month"),
    [
        ("1-12月", 12),
        ("1至6月", 6),
        ("在1—3月", 3),
        ("１－１２月", 12),
        # review15: more ways to write a span
        ("1–12月", 12),
        ("1——12月", 12),
        ("1〜12月", 12),
        ("1月-12月", 12),
        ("1月至12月", 12),
        ("全年1-12月", 12),
        ("1月-12月底前", 12),
        ("1-12月完成", 12),  # review15: the sheet took it as a deadline, the engine as mixed
        # with days (session 9): 1月1日至12月31日 was value-mixed, an error
        ("1月1日-12月31日", 12),
        ("1月1日至12月31日", 12),
        ("3月1日-6月30日", 6),
    ],
)
def test_a_period_of_months_is_a_time_target(raw: str, month: int) -> None:
    """review14: 1-12月 was the number 1 and the text -12月 (value-mixed, an error)."""
    assert parse_value(raw).deadline == Deadline(None, month)


@pytest.mark.parametrize(
    ("raw", "year", "month"),
    [
        ("二〇二三年底前", 2023, None),
        ("二零二四年12月底前", 2024, 12),
        ("≤二〇二四年12月", 2024, 12),
    ],
)
def test_a_year_in_chinese_numerals_is_a_deadline(raw: str, year: int, month: int | None) -> None:
    """review14: 二〇二三年底前 was text (no deadline check), 二零二四年12月底前 a mixed value."""
    value = parse_value(raw)
    assert (value.kind, value.deadline, value.text) == (
        ValueKind.DEADLINE,
        Deadline(year, month),
        raw,
    )
    assert parse_value("三四五六年").kind is ValueKind.QUALITATIVE  # no year of ours


@pytest.mark.parametrize(
    ("raw", "deadline"),
    [
        ("12月-1月底前", None),  # review16: a span running backwards is no deadline
        ("13月-12月底前", None),
        ("12-1月底前", None),
        ("2024年12月-1月", Deadline(2024, None)),  # the year stands, the month does not
        ("全年1-12月完成", Deadline(None, 12)),
    ],
)
def test_a_span_must_run_forwards(raw: str, deadline: Deadline | None) -> None:
    assert parse_value(raw).deadline == deadline


@pytest.mark.parametrize("raw", ["12-1月", "0-12月", "1-13月", "3-5个月"])
def test_not_every_span_of_months_is_a_period(raw: str) -> None:
    assert parse_value(raw).kind is ValueKind.MIXED


@pytest.mark.parametrize(
    ("raw", "symbol"),
    [
        ("≥99%（含）", Symbol.GE),
        ("100%（含）", None),
        ("≤5天(含本数)", Symbol.LE),
        ("90%（含）以上", Symbol.GE),  # review15: before the suffix word
    ],
)
def test_an_inclusive_mark_says_what_the_symbol_says(raw: str, symbol: Symbol | None) -> None:
    """review14: （含） after a value made it mixed (an error); the bound is included, as ≥/≤
    say (without a symbol, symbol-missing still asks for one)."""
    value = parse_value(raw)
    assert (value.kind, value.symbol, value.text) == (ValueKind.QUANTITATIVE, symbol, None)
    # after a strict symbol it contradicts it: left for the clerk to settle (review15)
    assert parse_value("＞80%（含）").kind is ValueKind.MIXED


def test_a_number_too_long_for_an_amount_is_still_a_number() -> None:
    """Issue 15's grammar gaps: 300 digits were text to the engine (no finding) and a number
    without its symbol to the sheet (symbol-missing); now a number to both."""
    value = parse_value("1" * 300)
    assert (value.kind, value.symbol) == (ValueKind.QUANTITATIVE, None)
    assert value.number is not None and value.number > 10**298
    assert parse_value("≥" + "9" * 60 + "件").unit == "件"


def test_grading_note_is_kept_apart() -> None:
    value = parse_value("$\\geq 85\\%$ 为优")
    assert value.kind is ValueKind.QUANTITATIVE and value.note == "为优"
    assert parse_value("100% 为优").symbol is None


def test_money_is_converted_to_the_table_unit() -> None:
    assert money_amount(parse_value("≤4137280元"), MoneyUnit.WAN) == Decimal("413.728")
    assert money_amount(parse_value("≤1.5亿元"), MoneyUnit.WAN) == Decimal("15000")
    assert money_amount(parse_value("≤62万"), MoneyUnit.YUAN) == Decimal("620000")
    assert money_amount(parse_value("≥95%"), MoneyUnit.WAN) is None


SYMBOLS = st.sampled_from([None, *Symbol])
UNITS = st.sampled_from(
    [None, "%", "万元", "元", "亿元", "件", "人次", "次", "天", "个月", "元/人"]
)
NUMBERS = st.decimals(
    min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False
)


@given(SYMBOLS, NUMBERS, UNITS)
def test_format_then_parse_round_trips(
    symbol: Symbol | None, number: Decimal, unit: str | None
) -> None:
    original = ParsedValue("", ValueKind.QUANTITATIVE, symbol, number, unit)
    text = format_value(original)
    again = parse_value(text)
    assert (again.kind, again.symbol, again.number, again.unit) == (
        ValueKind.QUANTITATIVE,
        symbol,
        number,
        unit,
    ), text
    assert format_value(again) == text


QUALITATIVE = st.sampled_from(
    [
        "持续保障",
        "保障专款按照规定用途使用，不挤占挪用",
        "及时足额发放",
        "严格按照财务规定报销",
        "保证干警执行活动安全高效",
    ]
)


@given(QUALITATIVE)
def test_qualitative_round_trips(text: str) -> None:
    assert format_value(parse_value(text)) == text
    assert parse_value(format_value(parse_value(text))).kind is ValueKind.QUALITATIVE


@given(st.text(max_size=300))
def test_parse_never_raises(raw: str) -> None:
    value = parse_value(raw)
    assert isinstance(value.kind, ValueKind)
    format_value(value)


@given(
    st.from_regex(r"[≥≤=<>＞＜]?\s?[0-9.,]{0,12}\s?(万|亿|元|%|件|百分比)?.{0,5}", fullmatch=True)
)
def test_parse_never_raises_on_value_like_text(raw: str) -> None:
    assert isinstance(parse_value(raw).kind, ValueKind)


def test_huge_inputs_are_bounded() -> None:
    assert parse_value("≥" + "9" * 100_000).kind is ValueKind.QUALITATIVE
    assert parse_value("中" * 10_000_000).kind is ValueKind.QUALITATIVE
    assert parse_value("1e99999").kind is ValueKind.MIXED
