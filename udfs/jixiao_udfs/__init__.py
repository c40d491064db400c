"""jixiao worksheet functions (xlwings UDFs): thin wrappers over the engine.

Each function returns "" when all is well, or the engine's Chinese message with the rule code;
it never raises into Excel (``safely``).  The names are ASCII because they become VBA names;
the add-in build generates the VBA wrapper module from ``UDFS`` (``addin/build.py``), so clerks
never need "Trust access to the VBA project object model".  Templates never contain these
functions: their native formula checks work without the add-in, so no sheet shows #NAME?.
"""

from __future__ import annotations

import xlwings as xw

from jixiao.excel import udf_support as s


@xw.func
def JX_CHECK_ROW(
    level1, level2, level3, value, basis, budget=None, money_unit=None, year=None, profile=None
):
    """检查一行指标：返回问题说明（含规则编码），没有问题时为空。"""
    return s.safely(
        s.check_row, level1, level2, level3, value, basis, budget, money_unit, year, profile
    )


@xw.func
def JX_CHECK_PLAN(march, june, october, december, profile=None):
    """检查资金支出计划（3月底、6月底、10月底、12月底 的累计百分比）。"""
    return s.safely(s.check_plan, march, june, october, december, profile)


@xw.func
def JX_CHECK_BUDGET(budget, fiscal, other):
    """检查 预算数 = 财政资金 + 其他资金。"""
    return s.safely(s.check_budget, budget, fiscal, other)


@xw.func
def JX_NORMALIZE(value):
    """把指标值写成规范形式：“不低于 90 ％” → “≥90%”。"""
    return s.safely(s.normalize, value)


@xw.func
def JX_PROJECT_PROBLEMS(block, money_unit=None, year=None, profile=None):
    """一张项目表（A1 到最后一行指标）的问题数，按完整规则计算。"""
    return s.safely(s.project_problems, block, money_unit, year, profile)


UDFS = (JX_CHECK_ROW, JX_CHECK_PLAN, JX_CHECK_BUDGET, JX_NORMALIZE, JX_PROJECT_PROBLEMS)
"""The worksheet functions, in the order the generated VBA module lists them."""
