"""Worksheet functions fed exactly what xlwings passes: the engine's verdicts, never the catch-all.

``jixiao.excel.udf_support.safely`` turns any exception into ``jixiao 无法检查：<Name>``, so
"returns a string" proves nothing.  These tests assert the rule codes each function reports for
realistic rows, that clean rows stay quiet (""), and that no input a worksheet can hand over
ever ends in the catch-all.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import jixiao_udfs as udfs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.a1 import parse_a1
from jixiao.excel.udf_support import safely
from jixiao.template.layout import LAYOUT

ROOT = Path(__file__).resolve().parents[1]
CATCH_ALL = "jixiao 无法检查"
P = LAYOUT.project
_CODE = re.compile(r"（([a-z][a-z0-9]*(?:-[a-z0-9]+)+)）(?=；|$)")


def codes_of(text: str) -> set[str]:
    """The rule codes in a UDF's text (``message（code）；message（code）``)."""
    assert isinstance(text, str), text
    assert not text.startswith(CATCH_ALL), text
    found = set(_CODE.findall(text))
    assert bool(found) == bool(text), f"text without a rule code: {text!r}"
    return found


def test_codes_of_reads_every_code_and_the_catch_all_is_what_safely_returns() -> None:
    text = "预算数 10 ≠ 财政资金 6 + 其他资金 3（budget-sum-mismatch）；资金（plan-final-not-100）"
    assert codes_of(text) == {"budget-sum-mismatch", "plan-final-not-100"}
    assert codes_of("") == set()
    assert safely(lambda: 1 // 0) == f"{CATCH_ALL}：ZeroDivisionError"


# ---------------------------------------------------------------- JX_CHECK_ROW

OUTPUT = ("产出指标", "数量指标", "办理案件数")
RATE = ("产出指标", "质量指标", "案件审结率")
COST = ("产出指标", "成本指标", "设备购置费")
SATISFACTION = ("满意度指标", "服务对象满意度指标", "人民群众满意度")
DEADLINE = ("产出指标", "时效指标", "完成时间")

ROW_VERDICTS: list[tuple[tuple[Any, ...], set[str]]] = [
    ((*COST, "≤500万元", "询价", 100, "万元", 2024), {"cost-exceeds-budget"}),
    ((*COST, "≤8000元", "调研", Decimal("3000.00"), "元", 2025), {"cost-exceeds-budget"}),
    (
        (*COST, "≤12000000元", "询价", 1111.0, "万元", 2024.0),
        {"cost-exceeds-budget", "money-unit-mixed"},
    ),
    ((*COST, "≤8000元", "调研", 3000, "万元", 2025), {"money-unit-mixed"}),
    ((*OUTPUT, "500件", "历史经验", 1111.0, "万元", 2024.0), {"symbol-missing"}),
    ((*OUTPUT, 500.0, "历史经验"), {"symbol-missing", "unit-missing"}),
    ((*OUTPUT, "≥500", "历史经验"), {"unit-missing"}),
    ((*OUTPUT, "≥500件", None, 1111.0, "万元", 2024.0), {"basis-missing"}),
    ((*OUTPUT, None, "历史经验"), {"value-missing"}),
    ((*RATE, "≥120%", "历史经验"), {"percent-out-of-range"}),
    ((*RATE, "≥90较上年提高", "历史经验"), {"value-mixed"}),
    ((*RATE, "≥90件", "历史经验"), {"unit-mismatch"}),
    ((*RATE, "持续提升", "历史经验"), {"value-vague"}),
    ((*RATE, "≤90%", "历史经验"), {"direction-suspicious"}),  # a 质量 percentage is a floor
    ((*DEADLINE, "2023年底前", "工作计划", None, "万元", 2024), {"deadline-outside-year"}),
    ((*SATISFACTION, "≥70%", "满意度调查"), {"satisfaction-below-minimum"}),
    (("产出指标", "数量的指标", "办理案件数", "≥500件", "历史经验"), {"level-invalid"}),
    (("效果指标", "社会效益指标", "政策建议采纳率", "≥80%", "实际情况"), {"level-alias"}),
    # a 1×1 range arrives as a nested list: the same verdict as the plain value
    (
        ([["产出指标"]], [["数量指标"]], [["办理案件数"]], [["500件"]], [["历史经验"]]),
        {"symbol-missing"},
    ),
]

QUIET_ROWS: list[tuple[Any, ...]] = [
    (*OUTPUT, "≥500 件", "历史经验", 1111.0, "万元", 2024.0),
    (*RATE, "≥90%", "历史经验"),
    (*COST, "≤50万元", "询价", 100, "万元", 2024),
    (*COST, "≤1111万元", "年初预算", Decimal("1111.00"), "万元", 2024),
    (*DEADLINE, "2024年底前", "工作计划", None, "万元", 2024),
    (*DEADLINE, "2024-12-31", "工作计划", None, "万元", 2024),
    (*SATISFACTION, "≥90%", "满意度调查"),
    (*OUTPUT, "≥500件", None, None, None, None, "tianjin"),  # tianjin needs no 确定依据
    (None, None, None, None, None),  # a row not yet typed
]


@pytest.mark.parametrize(("args", "expected"), ROW_VERDICTS, ids=lambda v: str(v)[:60])
def test_row_verdicts(args: tuple[Any, ...], expected: set[str]) -> None:
    assert codes_of(udfs.JX_CHECK_ROW(*args)) == expected


@pytest.mark.parametrize("args", QUIET_ROWS, ids=lambda v: str(v)[:60])
def test_clean_rows_are_quiet(args: tuple[Any, ...]) -> None:
    assert udfs.JX_CHECK_ROW(*args) == ""


def test_row_messages_carry_the_engine_wording() -> None:
    text = udfs.JX_CHECK_ROW(*COST, "≤500万元", "询价", 100, "万元", 2024)
    assert (
        text
        == "成本指标“设备购置费”≤500万元（折合 500万元）超过预算数 100万元（cost-exceeds-budget）"
    )
    both = udfs.JX_CHECK_ROW(*COST, "≤12000000元", "询价", 1111.0, "万元", 2024.0)
    assert "超过预算数 1111万元（cost-exceeds-budget）" in both and "；" in both


def test_the_profile_argument_changes_the_verdict() -> None:
    row = (*OUTPUT, "≥500件", None, None, None, None)
    assert codes_of(udfs.JX_CHECK_ROW(*row, "hebei")) == {"basis-missing"}
    assert udfs.JX_CHECK_ROW(*row, "tianjin") == ""
    # an unknown profile name falls back to the default one, it does not break the cell
    assert codes_of(udfs.JX_CHECK_ROW(*row, "no-such-profile")) == codes_of(udfs.JX_CHECK_ROW(*row))


# ---------------------------------------------------------------- JX_CHECK_PLAN

PLAN_VERDICTS: list[tuple[tuple[Any, ...], set[str]]] = [
    (("25%", "50%", "75%", "90%"), {"plan-final-not-100"}),
    ((0.25, 0.5, 0.75, 0.9), {"plan-final-not-100"}),
    ((0.25, 0.5, 0.4, 1.0), {"plan-not-cumulative"}),
    ((-0.1, 0.5, 0.75, 1.0), {"plan-not-cumulative"}),
    ((0.25, 0.5, 0.75, 1.2), {"plan-not-cumulative", "plan-final-not-100"}),
    ((0.25, None, 0.75, 1.0), {"plan-checkpoint-missing"}),
    (("25", "50%", "75%", "100%"), {"plan-value-invalid"}),  # a bare 25: 25% or 2500%?
    (("过半", 0.5, 0.75, 1.0), {"plan-value-invalid"}),
    (("#REF!", 0.5, 0.75, 1.0), {"plan-value-invalid"}),
    ((-2146826265, 0.5, 0.75, 1.0), {"plan-value-invalid"}),  # #REF! as xlwings passes it
]

QUIET_PLANS: list[tuple[Any, ...]] = [
    (0.25, 0.5, 0.75, 1.0),
    ("25%", "50%", "75%", "100%"),
    ("２５％", "５０％", "７５％", "１００％"),
    (0.1, 0.2, 0.3, 1.0),
    (0.25, 0.5, 0.75, 0.9999999999999999),  # a formula's 100%
    (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), Decimal("1")),
    (None, None, None, None),  # not typed yet
    ("", " ", "", ""),
]


@pytest.mark.parametrize(("args", "expected"), PLAN_VERDICTS, ids=str)
def test_plan_verdicts(args: tuple[Any, ...], expected: set[str]) -> None:
    assert codes_of(udfs.JX_CHECK_PLAN(*args)) == expected


@pytest.mark.parametrize("args", QUIET_PLANS, ids=str)
def test_clean_plans_are_quiet(args: tuple[Any, ...]) -> None:
    assert udfs.JX_CHECK_PLAN(*args) == ""


def test_plan_message_names_the_checkpoint_and_percent() -> None:
    text = udfs.JX_CHECK_PLAN(0.25, 0.5, 0.4, 1.0)
    assert text == "资金支出计划 10月底 为 40%，低于上一节点的 50%（plan-not-cumulative）"


# ---------------------------------------------------------------- JX_CHECK_BUDGET

BUDGET_VERDICTS: list[tuple[tuple[Any, ...], set[str]]] = [
    ((10, 6, 3), {"budget-sum-mismatch"}),
    ((10.0, 6.0, None), {"budget-sum-mismatch"}),  # a blank source counts as 0
    ((10, 6, 4.01), {"budget-sum-mismatch"}),
    ((Decimal("1111"), 1078.34, None), {"budget-sum-mismatch"}),
]

QUIET_BUDGETS: list[tuple[Any, ...]] = [
    (10, 6, 4),
    (1111.0, 1078.34, 32.66),
    (Decimal("10.00"), 6, 4),
    (10, 10, None),
    (10, 6, 4.004),  # within the template's 0.005 tolerance
    ("10", "6", "4"),
    (None, None, None),
]


@pytest.mark.parametrize(("args", "expected"), BUDGET_VERDICTS, ids=str)
def test_budget_verdicts(args: tuple[Any, ...], expected: set[str]) -> None:
    assert codes_of(udfs.JX_CHECK_BUDGET(*args)) == expected


@pytest.mark.parametrize("args", QUIET_BUDGETS, ids=str)
def test_clean_budgets_are_quiet(args: tuple[Any, ...]) -> None:
    assert udfs.JX_CHECK_BUDGET(*args) == ""


def test_budget_message_shows_the_sum_and_the_difference() -> None:
    text = udfs.JX_CHECK_BUDGET(10, 6, 3)
    assert text == "预算数 10 ≠ 财政资金 6 + 其他资金 3（合计 9，差 1）（budget-sum-mismatch）"


# ---------------------------------------------------------------- JX_NORMALIZE

NORMALIZED = [
    ("大于等于 90 %", "≥90%"),
    ("不低于 90 ％", "≥90%"),
    ("＞＝９０％", "≥90%"),
    ("$\\geq 85\\%$", "≥85%"),
    ([["≥ 500 件"]], "≥500件"),
    ("500件以上", "≥500件"),
    ("≤1111 万元", "≤1111万元"),
    ("<= 3 天", "≤3天"),
    ("=100%", "=100%"),
    ("10万", "10万元"),
    ("持续提升", "持续提升"),
    ("2024年底前", "2024年底前"),
    (90.0, "90"),
    (None, ""),
    ("", ""),
]


@pytest.mark.parametrize(("value", "expected"), NORMALIZED, ids=str)
def test_normalize(value: object, expected: str) -> None:
    assert udfs.JX_NORMALIZE(value) == expected


# ---------------------------------------------------------------- JX_PROJECT_PROBLEMS

INDICATORS = [
    ("产出指标", "数量指标", "办理案件数", "≥500件"),
    ("产出指标", "质量指标", "审结率", "≥90%"),
    ("产出指标", "时效指标", "及时率", "≥90%"),
    ("产出指标", "成本指标", "控制数", "≤1111万元"),
    ("效益指标", "社会效益指标", "采纳率", "≥80%"),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥90%"),
]


def project_block() -> list[list[object]]:
    """The values of a clean, filled project sheet from A1, as xlwings hands a range."""
    block: list[list[object]] = [[None] * 7 for _ in range(P.last_row)]
    for ref, value in (
        (P.code, "13010023P00005810001E"),
        (P.name, "专项项目"),
        (P.budget, 1111.0),
        (P.fiscal, 1078.34),
        (P.other, 32.66),
        *zip(P.plan, (0.25, 0.5, 0.75, 1.0), strict=True),
    ):
        put(block, ref, value)
    for row, (l1, l2, l3, value) in zip(P.indicator_rows(), INDICATORS, strict=False):
        for name, cell in (("level1", l1), ("level2", l2), ("level3", l3), ("value", value)):
            put(block, P.row_cell(name, row), cell)
        put(block, P.row_cell("basis", row), "历史数据")
    return block


def put(block: list[list[object]], ref: str, value: object) -> None:
    row, column = parse_a1(ref)
    block[row - 1][column - 1] = value


def test_clean_project_block_has_no_problem() -> None:
    assert udfs.JX_PROJECT_PROBLEMS(project_block(), "万元", 2024) == 0
    assert udfs.JX_PROJECT_PROBLEMS(None) == 0
    assert udfs.JX_PROJECT_PROBLEMS([[None] * 7 for _ in range(P.last_row)]) == 0


MISTAKES: list[tuple[str, str, object]] = [
    ("symbol-missing", P.row_cell("value", P.first_row), "500件"),
    ("budget-sum-mismatch", P.fiscal, 1000.0),
    ("plan-final-not-100", P.plan[3], 0.9),
    ("plan-value-invalid", P.plan[0], "25"),
    ("project-code-invalid", P.code, "1301"),
    ("basis-missing", P.row_cell("basis", P.first_row + 1), None),
    ("cost-exceeds-budget", P.row_cell("value", P.first_row + 3), "≤2000万元"),
]


@pytest.mark.parametrize(("code", "ref", "value"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_planted_mistake_adds_one_problem(code: str, ref: str, value: object) -> None:
    block = project_block()
    put(block, ref, value)
    assert udfs.JX_PROJECT_PROBLEMS(block, "万元", 2024) == 1, code


def test_two_mistakes_count_two() -> None:
    block = project_block()
    put(block, P.row_cell("value", P.first_row), "500件")
    put(block, P.fiscal, 1000.0)
    assert udfs.JX_PROJECT_PROBLEMS(block, "万元", 2024) == 2


# ---------------------------------------------------------------- never the catch-all

ERROR_VALUES = (-2146826281, -2146826246, -2146826259, -2146826265)
"""#DIV/0!, #N/A, #NAME?, #REF! as the integers pywin32 hands over."""

GARBAGE: list[object] = [
    None,
    "",
    " ",
    "\u3000",
    "\n\t",
    0.0,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    float("inf"),
    float("-inf"),
    float("nan"),
    True,
    False,
    Decimal("NaN"),
    Decimal("-0"),
    Decimal("922337203685477.5807"),  # the largest currency value
    Decimal("1E+308"),
    10**20,
    dt.datetime(2024, 1, 1),
    dt.datetime(2024, 12, 31, 13, 5),
    dt.date(2024, 12, 31),
    dt.time(12, 0),
    dt.timedelta(days=1),
    [],
    [[]],
    [[None]],
    [["≥90%"]],
    [[1, 2], [3, 4]],
    [1, 2, 3],
    ("a",),
    "x" * 10_000,
    "≥" * 5_000,
    "9" * 5_000,
    "1e999",
    "1e308%",
    "-1e308万元",
    "=1+1",
    "#REF!",
    "#N/A",
    "#DIV/0!",
    "\x00\x01\x1f\x7f",
    "\u200b",
    "\ufeff≥90%",
    "ＡＢＣ１２３％",
    "１２３４５６７８９０万元",
    "≥１，０００件",
    "≥90%" + "\u0301" * 50,
    *ERROR_VALUES,
]


def _realistic(function: Callable[..., object]) -> list[object]:
    """Arguments that make the function do real work; garbage replaces one at a time."""
    return {
        "JX_CHECK_ROW": [*COST, "≤100万元", "询价", 1111.0, "万元", 2024.0, "hebei"],
        "JX_CHECK_PLAN": [0.25, 0.5, 0.75, 1.0, "hebei"],
        "JX_CHECK_BUDGET": [10.0, 6.0, 4.0],
        "JX_NORMALIZE": ["≥90%"],
        "JX_PROJECT_PROBLEMS": [project_block(), "万元", 2024.0, "hebei"],
    }[function.__name__]


def _calls(function: Callable[..., object], value: object) -> list[tuple[str, list[object]]]:
    """Every way one garbage value reaches the function: in each argument (others realistic),
    in all arguments at once, and for JX_PROJECT_PROBLEMS in each input cell of a block."""
    count = len(inspect.signature(function).parameters)
    base = _realistic(function)
    calls = [("all arguments", [value] * count)]
    for i in range(count):
        args = list(base)
        args[i] = value
        calls.append((f"argument {i + 1}", args))
    if function is udfs.JX_PROJECT_PROBLEMS and not isinstance(value, list | tuple):
        cells = [P.code, P.name, P.budget, P.fiscal, P.other, P.purpose, P.goal, *P.plan]
        cells += [P.row_cell(name, P.first_row) for name, _ in P.indicator_columns]
        for ref in cells:
            block = project_block()
            put(block, ref, value)
            calls.append((f"cell {ref}", [block, "万元", 2024.0]))
    return calls


KNOWN_CATCH_ALL: dict[tuple[str, int], str] = {}
"""(function, GARBAGE index) pairs that still end in the catch-all: xfail(strict) until fixed."""


def _garbage_cases() -> list[Any]:
    cases = []
    for function in udfs.UDFS:
        for index, value in enumerate(GARBAGE):
            reason = KNOWN_CATCH_ALL.get((function.__name__, index))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            ident = f"{function.__name__}-{index}-{repr(value)[:24]}"
            cases.append(pytest.param(function, value, marks=marks, id=ident))
    return cases


@pytest.mark.parametrize(("function", "value"), _garbage_cases())
def test_garbage_never_reaches_the_catch_all(
    function: Callable[..., object], value: object
) -> None:
    expected_type = int if function is udfs.JX_PROJECT_PROBLEMS else str
    failures = []
    for where, args in _calls(function, value):
        result = function(*args)
        if isinstance(result, str) and result.startswith(CATCH_ALL):
            failures.append(f"{where}: {result}")
        elif not isinstance(result, expected_type):
            failures.append(f"{where}: {type(result).__name__} {result!r}")
    assert failures == [], f"{function.__name__}({value!r:.60})"


def test_garbage_still_gets_real_verdicts() -> None:
    """Garbage in one cell must not silence the others: the realistic cost row still reports."""
    for value in GARBAGE:
        if isinstance(value, list | tuple):
            continue
        args = _realistic(udfs.JX_CHECK_ROW)
        args[5] = 50  # a budget of 50 万元 under a ≤100万元 cost
        args[7] = value  # garbage year
        assert "cost-exceeds-budget" in codes_of(udfs.JX_CHECK_ROW(*args)), value
        plan = udfs.JX_CHECK_PLAN(value, 0.5, 0.75, 0.9)
        assert "plan-final-not-100" in codes_of(plan), value


CELL = st.one_of(
    st.none(),
    st.floats(),
    st.text(max_size=50),
    st.booleans(),
    st.decimals(
        min_value=Decimal("-922337203685477.5808"),
        max_value=Decimal("922337203685477.5807"),
        places=4,
    ),
    st.datetimes(),
    st.dates(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.sampled_from(ERROR_VALUES),
    st.lists(
        st.lists(st.one_of(st.none(), st.floats(), st.text(max_size=5)), max_size=3), max_size=3
    ),
)


@given(st.lists(CELL, min_size=9, max_size=9))
def test_row_check_never_reaches_the_catch_all_on_any_cells(cells: list[object]) -> None:
    result = udfs.JX_CHECK_ROW(*cells)
    assert isinstance(result, str) and not result.startswith(CATCH_ALL), result


@given(st.lists(CELL, min_size=4, max_size=4), st.lists(CELL, min_size=3, max_size=3))
def test_plan_and_budget_checks_never_reach_the_catch_all(
    plan: list[object], money: list[object]
) -> None:
    for result in (udfs.JX_CHECK_PLAN(*plan), udfs.JX_CHECK_BUDGET(*money)):
        assert isinstance(result, str) and not result.startswith(CATCH_ALL), result


# ---------------------------------------------------------------- packaging


def test_udf_names_are_ascii_and_every_package_is_shipped() -> None:
    assert [f.__name__ for f in udfs.UDFS] == [
        "JX_CHECK_ROW",
        "JX_CHECK_PLAN",
        "JX_CHECK_BUDGET",
        "JX_NORMALIZE",
        "JX_PROJECT_PROBLEMS",
    ]
    assert all(f.__name__.isascii() and f.__name__.isidentifier() for f in udfs.UDFS)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    shipped = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT / "src").parts)
        for p in (ROOT / "src").rglob("__init__.py")
    }
    assert found <= shipped


def test_budget_udf_judges_amounts_as_the_reader_does() -> None:
    """issue 9: text that is no amount and negative amounts were quiet in JX_CHECK_BUDGET."""
    from jixiao.excel.udf_support import check_budget

    unreadable = check_budget("十", 6, 4)
    assert "amount-invalid" in unreadable and "budget-sum-mismatch" in unreadable
    assert check_budget(-10, -6, -4).count("amount-negative") == 3
    assert check_budget("11110000元", 1000, 111) == ""  # converted to 1111 万元, as in a file
    assert check_budget(10, 6, 4) == ""
