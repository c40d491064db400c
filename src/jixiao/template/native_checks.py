"""Native live checks: plain formulas that work in Excel, WPS and LibreOffice without Python.

Each status cell is empty when the row is fine and otherwise shows the rule's short wording with
its code, ``预算数与资金来源合计不符（budget-sum-mismatch）``: the same words the engine uses,
taken from the rule definitions.  Only functions every spreadsheet has are used (no TEXTJOIN,
no LET): several messages are joined through TRIM/SUBSTITUTE, so messages contain no spaces.
"""

from __future__ import annotations

from itertools import pairwise

from jixiao.a1 import absolute
from jixiao.rules import RULES
from jixiao.template.layout import LAYOUT, ProjectSheet

REQUIRES_CODE = "JX_REQ_CODE"
REQUIRES_PLAN = "JX_REQ_PLAN"
REQUIRES_BASIS = "JX_REQ_BASIS"
MIN_PLAN = ("JX_MIN_PLAN_1", "JX_MIN_PLAN_2", "JX_MIN_PLAN_3", "JX_MIN_PLAN_4")

NATIVE_CODES = (
    "budget-sum-mismatch",
    "project-code-invalid",
    "plan-checkpoint-missing",
    "plan-value-invalid",
    "plan-not-cumulative",
    "plan-final-not-100",
    "plan-below-minimum",
    "level-invalid",
    "value-missing",
    "basis-missing",
    "symbol-missing",
)
"""The rules checked by formulas in the template (the add-in and the CLI check all rules)."""


def short_message(code: str) -> str:
    """The rule's one wording as a status cell shows it: ``title（code）``."""
    rule = RULES[code]
    text = f"{rule.title}（{rule.code}）"
    if " " in text or '"' in text:
        raise ValueError(f"status text must not contain spaces or quotes: {text!r}")
    return text


def _join(parts: list[tuple[str, str]]) -> str:
    """``cond → message`` pairs joined with ；, without TEXTJOIN."""
    pieces = '&" "&'.join(f'IF({cond},"{short_message(code)}","")' for cond, code in parts)
    return f'SUBSTITUTE(TRIM({pieces})," ","；")'


def _project_used(p: ProjectSheet) -> str:
    return f'OR({absolute(p.name)}<>"",COUNT({absolute(p.budget)})>0)'


def code_status(p: ProjectSheet = LAYOUT.project) -> str:
    """project-code-invalid: required and blank, or not 21 characters."""
    code = p.code
    bad = f'OR(AND({REQUIRES_CODE}=1,{code}=""),AND({code}<>"",LEN(TRIM({code}))<>21))'
    return "=" + _join([(f"AND({_project_used(p)},{bad})", "project-code-invalid")])


def money_status(p: ProjectSheet = LAYOUT.project) -> str:
    """budget-sum-mismatch: 预算数 ≠ 财政资金 + 其他资金 (blank = 0, tolerance 0.005)."""
    b, f, o = p.budget, p.fiscal, p.other
    cond = f"AND(COUNT({b},{f},{o})>0,ABS(N({b})-N({f})-N({o}))>0.005)"
    return "=" + _join([(cond, "budget-sum-mismatch")])


def plan_status(p: ProjectSheet = LAYOUT.project) -> str:
    """Every plan-* rule that a fixed four-cell plan can break (cells hold fractions: 1 = 100%)."""
    c = p.plan
    cells = ",".join(c)
    pairs = [f"AND(COUNT({x},{y})=2,{y}<{x})" for x, y in pairwise(c)]
    minimum = [f"AND(ISNUMBER({m}),COUNT({x})=1,{x}<{m})" for m, x in zip(MIN_PLAN, c, strict=True)]
    parts = [
        (
            f"AND({_project_used(p)},OR({REQUIRES_PLAN}=1,COUNTA({cells})>0),COUNTA({cells})<4)",
            "plan-checkpoint-missing",
        ),
        (
            "OR(" + ",".join(f'AND({x}<>"",NOT(ISNUMBER({x})))' for x in c) + ")",
            "plan-value-invalid",
        ),
        (f"OR({','.join(pairs)},MIN({cells})<0,MAX({cells})>1)", "plan-not-cumulative"),
        (f"AND(COUNT({c[-1]})=1,ABS(N({c[-1]})-1)>0.00001)", "plan-final-not-100"),
        (f"OR({','.join(minimum)})", "plan-below-minimum"),
    ]
    return "=" + _join(parts)


def effective_level1(row: int, p: ProjectSheet = LAYOUT.project) -> str:
    """Helper column: the row's 一级, or the one above when left blank (as merged in print)."""
    level1 = p.row_cell("level1", row)
    if row == p.first_row:
        return f"={level1}"
    return f'=IF({level1}<>"",{level1},{p.helper_column}{row - 1})'


def indicator_status(row: int, p: ProjectSheet = LAYOUT.project) -> str:
    """level-invalid, value-missing, basis-missing and symbol-missing for one indicator row."""
    col = dict(p.indicator_columns)
    level1, level2 = f"{col['level1']}{row}", f"{col['level2']}{row}"
    level3, value, basis = f"{col['level3']}{row}", f"{col['value']}{row}", f"{col['basis']}{row}"
    effective = f"{p.helper_column}{row}"
    used = f"COUNTA({col['level1']}{row}:{col['description']}{row},{value}:{basis})>0"
    level2_list = f'INDIRECT("L2_"&JX_PROFILE_KEY&"_"&{effective})'
    level_bad = (
        f'OR(IFERROR(COUNTIF(INDIRECT("L1_"&JX_PROFILE_KEY),{effective}),0)=0,'
        f'AND({level1}<>"",{level2}=""),'
        f'AND({level2}<>"",IFERROR(COUNTIF({level2_list},{level2}),0)=0))'
    )
    parts = [
        (f"AND({used},{level_bad})", "level-invalid"),
        (f'AND({used},OR({level3}="",{value}=""))', "value-missing"),
        (f'AND({used},{REQUIRES_BASIS}=1,{basis}="")', "basis-missing"),
        (f'AND({value}<>"",ISNUMBER(VALUE(LEFT(TRIM({value}),1))))', "symbol-missing"),
    ]
    return f'=IF({used},{_join(parts)},"")'


def problem_count(p: ProjectSheet = LAYOUT.project) -> str:
    """How many status cells of the sheet show a problem (COUNTIF wildcards differ by program)."""
    first = p.status(p.code)
    last = f"{p.status_column}{p.last_row}"
    return f"=SUMPRODUCT(--(LEN({first}:{last})>0))"
