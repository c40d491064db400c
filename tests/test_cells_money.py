"""One cell-input module and one money module: what a raw cell means, for the reader and UDFs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jixiao import cells
from jixiao.money import MoneyUnit, convert, parse_money, table_unit, unit_name

WAN, YUAN = MoneyUnit.WAN, MoneyUnit.YUAN


@pytest.mark.parametrize(
    ("written", "table", "expected"),
    [
        ("1,616,387.84", WAN, Decimal("1616387.84")),
        (1078.34, WAN, Decimal("1078.34")),
        (Decimal("32.66"), WAN, Decimal("32.66")),
        (1111, WAN, Decimal(1111)),
        ("11110000元", WAN, Decimal(1111)),  # issue 9: the unit used to be dropped silently
        ("1111万元", YUAN, Decimal(11110000)),
        ("1.2亿元", WAN, Decimal(12000)),
        ("500 万元（人民币）", WAN, Decimal(500)),
        ("１２３．５", WAN, Decimal("123.5")),
    ],
)
def test_money_cells_are_read_into_the_table_unit(
    written: object, table: MoneyUnit, expected: Decimal
) -> None:
    reading = parse_money(written, table)
    assert reading.problem is None
    assert reading.amount == expected


@pytest.mark.parametrize(
    "written",
    ["一千", float("nan"), float("inf"), Decimal("Infinity"), True, "1e308", 1e308, "12 件"],
)
def test_what_is_no_amount_has_a_problem_not_a_value(written: object) -> None:
    reading = parse_money(written, WAN)
    assert reading.amount is None
    assert reading.problem


def test_blank_money_cells_are_blank_without_a_problem() -> None:
    for blank in (None, "", "   "):
        assert parse_money(blank).amount is None and parse_money(blank).problem is None


def test_conversion_is_exact_both_ways() -> None:
    assert convert(Decimal("4137280"), "元", WAN) == Decimal("413.728")
    assert convert(Decimal("413.728"), WAN, YUAN) == Decimal("4137280")
    assert convert(None, WAN, YUAN) is None


def test_money_unit_spellings() -> None:
    assert unit_name("元（人民币）") == "元"
    assert unit_name("万 元") == "万元"
    assert unit_name("件") is None
    assert table_unit("元(人民币)") is YUAN
    assert table_unit("亿元") is None  # no template offers it: reported, not guessed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (2024.0, "2024"),
        (Decimal("32.00"), "32"),
        (True, "TRUE"),
        (dt.datetime(2024, 12, 31), "2024-12-31"),
        (dt.date(2024, 12, 31), "2024-12-31"),
        (dt.datetime(2024, 12, 31, 10, 5), "2024-12-31T10:05:00"),
        (-2146826265, "#REF!"),
        ([["≥90%"]], "≥90%"),
        (" 文本 ", "文本"),
    ],
)
def test_cell_text_is_what_the_clerk_sees(raw: object, expected: str | None) -> None:
    assert cells.text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "percent", "text"),
    [
        (0.25, Decimal(25), None),
        (1, Decimal(100), None),
        (0.9999999999999999, Decimal(100), None),
        ("25%", Decimal(25), "25%"),
        ("２５％", Decimal(25), "２５％"),
        ("25", None, "25"),  # issue 9: ambiguous without its % sign, for reader and UDF alike
        (1e308, None, "1e+308"),  # issue 9: used to become Decimal Infinity
        (float("nan"), None, "nan"),
        (True, None, "TRUE"),
        (dt.datetime(2024, 3, 31), None, "2024-03-31"),
        ("过半", None, "过半"),
        (None, None, None),
    ],
)
def test_plan_cells(raw: object, percent: Decimal | None, text: str | None) -> None:
    assert cells.plan_percent(raw) == (percent, text)


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        (2024, 2024),
        (2024.0, 2024),
        ("2024", 2024),
        ("2024年", 2024),
        ("²⁰²⁴", None),
        (1e308, None),
        ("24", None),
        (None, None),
    ],
)
def test_year_cells(raw: object, year: int | None) -> None:
    assert cells.year(raw) == year


def test_money_cells_refuse_dates_errors_and_logical_values() -> None:
    assert cells.money(dt.date(2024, 1, 1)).problem
    assert cells.money(-2146826265).problem == "是错误值 #REF!"
    assert cells.money(False).problem
    assert cells.money("11110000元", WAN).amount == Decimal(1111)
