"""Worksheet functions fed exactly what xlwings passes: never an exception, the engine's words."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

import jixiao_udfs as udfs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.a1 import parse_a1
from jixiao.template.layout import LAYOUT

ROOT = Path(__file__).resolve().parents[1]
ERROR_VALUES = (-2146826281, -2146826246, -2146826259)  # #DIV/0!, #N/A, #NAME? as pywin32 ints
GARBAGE = [
    None,
    "",
    0.0,
    1e308,
    float("nan"),
    float("inf"),
    True,
    Decimal("NaN"),
    dt.datetime(2024, 1, 1),
    dt.date(2024, 1, 1),
    [],
    [[]],
    [[None]],
    [[1, 2], [3, 4]],
    "x" * 10_000,
    "=1+1",
    *ERROR_VALUES,
]


def test_clean_row_is_empty() -> None:
    assert (
        udfs.JX_CHECK_ROW(
            "产出指标", "数量指标", "办理案件数", "≥500 件", "历史经验", 1111.0, "万元", 2024.0
        )
        == ""
    )


def test_row_problems_carry_message_and_code() -> None:
    text = udfs.JX_CHECK_ROW(
        "产出指标", "成本指标", "设备购置费", "≤12000000元", "询价", 1111.0, "万元", 2024.0
    )
    assert "超过预算数 1111万元（cost-exceeds-budget）" in text
    assert "（money-unit-mixed）" in text and "；" in text


def test_money_in_yuan_and_currency_decimals() -> None:
    text = udfs.JX_CHECK_ROW(
        "产出指标", "成本指标", "补贴发放标准", "≤8000元", "调研", Decimal("3000.00"), "元", 2025
    )
    assert text.endswith("（cost-exceeds-budget）")


def test_plan_budget_and_normalize() -> None:
    assert udfs.JX_CHECK_PLAN(0.25, 0.5, 0.75, 1.0) == ""
    assert udfs.JX_CHECK_PLAN(None, None, None, None) == ""
    assert "plan-not-cumulative" in udfs.JX_CHECK_PLAN(0.25, 0.5, 0.4, 1.0)
    assert "plan-final-not-100" in udfs.JX_CHECK_PLAN("25%", "50%", "75%", "90%")
    assert "plan-checkpoint-missing" in udfs.JX_CHECK_PLAN(0.25, None, 0.75, 1.0)
    assert udfs.JX_CHECK_BUDGET(1111.0, 1078.34, 32.66) == ""
    assert "budget-sum-mismatch" in udfs.JX_CHECK_BUDGET(Decimal("1111"), 1078.34, None)
    assert udfs.JX_NORMALIZE("不低于 90 ％") == "≥90%"
    assert udfs.JX_NORMALIZE([["$\\geq 85\\%$"]]) == "≥85%"


def test_project_problems_reads_a_whole_sheet_block() -> None:
    p = LAYOUT.project
    block: list[list[object]] = [[None] * 7 for _ in range(p.last_row)]

    def put(ref: str, value: object) -> None:
        row, column = parse_a1(ref)
        block[row - 1][column - 1] = value

    for ref, value in (
        (p.code, "13010023P00005810001E"),
        (p.name, "专项项目"),
        (p.budget, 1111.0),
        (p.fiscal, 1078.34),
        (p.other, 32.66),
    ):
        put(ref, value)
    for ref, value in zip(p.plan, (0.25, 0.5, 0.75, 1.0), strict=True):
        put(ref, value)
    rows = [
        ("产出指标", "数量指标", "办理案件数", "≥500件"),
        ("产出指标", "质量指标", "审结率", "≥90%"),
        ("产出指标", "时效指标", "及时率", "≥90%"),
        ("产出指标", "成本指标", "控制数", "≤1111万元"),
        ("效益指标", "社会效益指标", "采纳率", "≥80%"),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥90%"),
    ]
    for row, (l1, l2, l3, value) in zip(p.indicator_rows(), rows, strict=False):
        for field_name, cell_value in (
            ("level1", l1),
            ("level2", l2),
            ("level3", l3),
            ("value", value),
            ("basis", "历史数据"),
        ):
            put(p.row_cell(field_name, row), cell_value)
    assert udfs.JX_PROJECT_PROBLEMS(block, "万元", 2024) == 0
    put(p.row_cell("value", p.first_row), "500件")  # symbol-missing
    put(p.fiscal, 1000.0)  # budget-sum-mismatch
    assert udfs.JX_PROJECT_PROBLEMS(block, "万元", 2024) == 2
    assert udfs.JX_PROJECT_PROBLEMS(None) == 0


@pytest.mark.parametrize("function", udfs.UDFS, ids=lambda f: f.__name__)
def test_garbage_never_raises(function: object) -> None:
    import inspect

    count = len(inspect.signature(function).parameters)  # type: ignore[arg-type]
    for value in GARBAGE:
        result = function(*([value] * count))  # type: ignore[operator]
        assert isinstance(result, str | int), (function, value, result)


CELL = st.one_of(
    st.none(),
    st.floats(),
    st.text(max_size=50),
    st.booleans(),
    st.decimals(allow_nan=True),
    st.datetimes(),
    st.integers(),
    st.lists(
        st.lists(st.one_of(st.none(), st.floats(), st.text(max_size=5)), max_size=3), max_size=3
    ),
)


@given(st.lists(CELL, min_size=9, max_size=9))
def test_row_check_never_raises_on_any_cells(cells: list[object]) -> None:
    assert isinstance(udfs.JX_CHECK_ROW(*cells), str)


def test_udf_names_are_ascii_and_every_package_is_shipped() -> None:
    assert all(f.__name__.isascii() and f.__name__.isidentifier() for f in udfs.UDFS)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    shipped = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT / "src").parts)
        for p in (ROOT / "src").rglob("__init__.py")
    }
    assert found <= shipped
