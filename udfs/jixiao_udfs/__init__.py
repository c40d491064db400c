"""jixiao worksheet functions (xlwings UDFs): thin wrappers over the engine.

Each function returns "" when all is well, or the engine's Chinese message with the rule code;
it never raises into Excel (``safely``).  The names are ASCII because they become VBA names;
the add-in build generates the VBA wrapper module from ``UDFS`` (``addin/build.py``), so clerks
never need "Trust access to the VBA project object model".  Templates never contain these
functions: their native formula checks work without the add-in, so no sheet shows #NAME?.

What Excel's function wizard shows comes from here too: the category (``@xw.func``), the first
docstring line and each argument's help (``@xw.arg(doc=...)``); the build reads them from this
source and the add-in registers them when it opens.  Error cells arrive as None (xlwings'
default): the workbook reader reads them as blank too (with its own cell-error finding), and the
parity tests hold the two to the same verdicts.
"""

from __future__ import annotations

import xlwings as xw

from jixiao.excel import udf_support as s

CATEGORY = "绩效目标"
"""The function wizard's category of every JX_ function."""
PROFILE = "规则配置：hebei、tianjin 或 central-2021（可省略，默认 hebei）"
UNIT = "金额单位：万元 或 元（可省略，默认 万元）"
YEAR = "预算年度，如 2024（可省略；用于检查完成时限）"


@xw.func(category=CATEGORY)
@xw.arg("level1", doc="一级指标（产出指标、效益指标、满意度指标……）")
@xw.arg("level2", doc="二级指标（数量指标、质量指标、成本指标……）")
@xw.arg("level3", doc="三级指标（指标名称）")
@xw.arg("value", doc="指标值，如 ≥90%、≤12万元、2024年12月底前")
@xw.arg("basis", doc="指标值设定依据及数据来源")
@xw.arg("budget", doc="项目预算数（可省略；用于检查成本指标是否超过预算）")
@xw.arg("money_unit", doc=UNIT)
@xw.arg("year", doc=YEAR)
@xw.arg("profile", doc=PROFILE)
def JX_CHECK_ROW(
    level1, level2, level3, value, basis, budget=None, money_unit=None, year=None, profile=None
):
    """检查一行指标：返回问题说明（含规则编码），没有问题时为空。"""
    return s.safely(
        s.check_row, level1, level2, level3, value, basis, budget, money_unit, year, profile
    )


@xw.func(category=CATEGORY)
@xw.arg("march", doc="3月底累计支出进度（百分比，如 25%）")
@xw.arg("june", doc="6月底累计支出进度（百分比）")
@xw.arg("october", doc="10月底累计支出进度（百分比）")
@xw.arg("december", doc="12月底累计支出进度（百分比，应为 100%）")
@xw.arg("profile", doc=PROFILE)
def JX_CHECK_PLAN(march, june, october, december, profile=None):
    """检查资金支出计划（3月底、6月底、10月底、12月底 的累计百分比）。"""
    return s.safely(s.check_plan, march, june, october, december, profile)


@xw.func(category=CATEGORY)
@xw.arg("budget", doc="预算数")
@xw.arg("fiscal", doc="其中：财政资金")
@xw.arg("other", doc="其中：其他资金")
def JX_CHECK_BUDGET(budget, fiscal, other):
    """检查 预算数 = 财政资金 + 其他资金。"""
    return s.safely(s.check_budget, budget, fiscal, other)


@xw.func(category=CATEGORY)
@xw.arg("value", doc="要规范写法的指标值，如“不低于 90 ％”")
def JX_NORMALIZE(value):
    """把指标值写成规范形式：“不低于 90 ％” → “≥90%”。"""
    return s.safely(s.normalize, value)


@xw.func(category=CATEGORY)
@xw.arg("block", doc="一张项目表从 A1 到最后一行指标的区域")
@xw.arg("money_unit", doc=UNIT)
@xw.arg("year", doc=YEAR)
@xw.arg("profile", doc=PROFILE)
def JX_PROJECT_PROBLEMS(block, money_unit=None, year=None, profile=None):
    """一张项目表（A1 到最后一行指标）的问题数，按完整规则计算。"""
    return s.safely(s.project_problems, block, money_unit, year, profile)


UDFS = (JX_CHECK_ROW, JX_CHECK_PLAN, JX_CHECK_BUDGET, JX_NORMALIZE, JX_PROJECT_PROBLEMS)
"""The worksheet functions, in the order the generated VBA module lists them."""
