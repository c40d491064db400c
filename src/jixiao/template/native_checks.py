"""Native live checks: plain formulas that work in Excel, WPS and LibreOffice without Python.

Each status cell is empty when the row is fine and otherwise shows the rule's short wording with
its code, ``预算数与资金来源合计不符（budget-sum-mismatch）``: the same words the engine uses,
taken from the rule definitions.  Only functions every spreadsheet has are used (no TEXTJOIN,
no LET): several messages are joined through TRIM/SUBSTITUTE, so messages contain no spaces.

The formulas read a cell as the engine does (:mod:`jixiao.cells`, :mod:`jixiao.values`): hidden
helper cells turn money and plan cells into numbers (text ``1111``, ``11110000元``, ``25%``,
``２５％`` included), and the 一级 helper applies the profile's aliases.  A money text the engine
cannot read (``1111万``, ``1.111E3``, 300 digits) the formula does not read either, and both
count it as blank in the budget sum; the engine adds ``amount-invalid``, which the sheet does
not show (what a money text may be is a grammar a formula only approximates: see
:func:`money_reading` for the few texts read differently).  An error value in a 指标值 is
blank to both (value-missing); ``#N/A`` typed as text is text to both.  tests/test_parity.py
compares all three verdicts in LibreOffice.

Where the sheet and the engine still differ, by decision: a digit-led value mixed with text
(``90%较上年提高``) is value-mixed to the engine and symbol-missing to the sheet (the formula
has no grammar to tell a mixed value from a unit it does not know); the year of a deadline is
not checked by formula (deadline-outside-year needs the budget year and the whole date grammar).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Protocol

from jixiao.a1 import absolute
from jixiao.money import MAX_YUAN, YUAN_PER_UNIT, MoneyUnit
from jixiao.rules import RULES
from jixiao.template.application import APPLICATION, ApplicationSheet
from jixiao.template.layout import LAYOUT
from jixiao.template.project_sheet import ProjectSheet
from jixiao.values import PERIOD_SEPARATORS


class CheckedSheet(Protocol):
    """What the shared status formulas need of a project sheet spec: the first layout's
    :class:`ProjectSheet` and the 申报表's :class:`~jixiao.template.application.ApplicationSheet`
    both give it, so one formula serves both layouts."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def first_row(self) -> int: ...
    @property
    def money_helpers(self) -> tuple[str, ...]: ...
    @property
    def blank_split_is_zero(self) -> bool: ...
    @property
    def status_range(self) -> str: ...
    def row_cell(self, field_name: str, row: int) -> str: ...
    def helper(self, row: int) -> str: ...
    def level2_helper(self, row: int) -> str: ...
    def text_helper(self, helper: str) -> str: ...
    def value_text(self, row: int) -> str: ...


UNIT, LISTS = LAYOUT.unit, LAYOUT.lists
PROFILE_KEY = UNIT.profile_key_name

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

UNREADABLE = "?"
"""What a helper cell shows for a cell it cannot read as a number (blank cells give "")."""
SPACES = (" ", "\u3000", "\u00a0")
"""Spaces the engine removes from codes, labels and numbers (ASCII, ideographic and the
no-break space pasted from web pages: review15)."""
FULL_WIDTH = {chr(ord(c) + 0xFEE0): c for c in "0123456789.,-%"}
"""Full-width digits and signs and their ASCII forms (what NFKC does to them)."""
DIGITS = "0123456789" + "".join(k for k, v in FULL_WIDTH.items() if v.isdigit())
"""What ``\\d`` matches in the engine's patterns (ASCII and full-width digits)."""
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CODE_FORM: tuple[str, ...] = (
    (DIGITS,) * 8 + ("P",) + (_ALNUM,) * 6 + ("1",) + (DIGITS,) * 4 + (_ALNUM,)
)
"""The characters each position of a 项目编码 may hold: rules.identity.PROJECT_CODE spelled
position by position (tests/test_workbook.py holds the two together)."""
DEADLINE_YEARS = ("19", "20")
"""A value led by 19xx年/20xx年 or a 19xx-mm date is a deadline (values._deadline)."""
DATE_SEPARATORS = "-./－．／"
MONTH_DEADLINES = tuple(
    f"{unit}{word}"
    for unit in "月日"
    for word in ("底", "末", "份", "前", "之前", "以前", "内", "完成")
)
"""12月底前, 6月30日前: a month-led deadline (values._MONTH); tests keep these true to it."""
PERIODS = PERIOD_SEPARATORS + "".join(
    chr(ord(c) + 0xFEE0)
    for c in PERIOD_SEPARATORS
    if c.isascii()  # full-width -, ~
)
"""What joins a period's months (``1-12月``: values._PERIOD), also full-width as typed."""
INCLUSIVE_MARKS = ("(含)", "(包含)", "(包括)", "(含本数)")
"""``（含）`` and its common spellings (values._INCLUSIVE_MARK), dropped from the value the
symbol check reads: after a quantity the engine drops it at the end (``99%（含）`` still lacks
its symbol), in a deadline anywhere (``1-12月（含）``, ``12月（含）前``: issue 15's grammar
gaps); a value led by > or < keeps it in the engine (mixed), and is no digit-led value here
either.  ``(包含本数)`` and ``(包括本数)``, which the engine also drops, are left out: each
mark costs every indicator row of every sheet a SUBSTITUTE, and no seed writes them (the sheet
then says symbol-missing, a warning, on ``1-12月（包含本数）``)."""
SUFFIX_SYMBOLS = ("以上", "以下", "内")
"""A value ending so has its symbol implied (90%以上, 3天以内, values._SUFFIX_SYMBOLS)."""


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


CONTROLS = ("\n", "\r", "\t")
"""Line breaks and tabs: written into a formula as CHAR(10)/CHAR(13)/CHAR(9), since an XML
reader turns a carriage return inside a formula's text into a line feed."""


def _substitute(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        found = f"CHAR({ord(old)})" if old in CONTROLS else f'"{old}"'
        text = f'SUBSTITUTE({text},{found},"{new}")'
    return text


def _without_spaces(ref: str) -> str:
    """The cell's text with every space removed (the reader does so for codes and labels)."""
    return _substitute(ref, [(s, "") for s in SPACES])


def _one_of(expression: str, words: tuple[str, ...]) -> str:
    return "OR(" + ",".join(f'{expression}="{w}"' for w in words) + ")"


def _filled(helpers: str) -> str:
    """How many of a helper range's source cells hold something (number or not)."""
    return f"SUMPRODUCT(--(LEN({helpers})>0))"


def _unreadable(helpers: str) -> str:
    """Some source cell of a helper range holds something that is no number."""
    return f"{_filled(helpers)}>COUNT({helpers})"


def _helper(ref: str, text_reading: str) -> str:
    """A helper cell: a number stays, blank gives "", text is read by ``text_reading``."""
    return (
        f'=IFERROR(IF(ISNUMBER({ref}),{ref},IF(TRIM({ref})="","",{text_reading})),"{UNREADABLE}")'
    )


def _positions(count: int) -> str:
    """The array constant ``{1,2,…,count}``: a text's character positions."""
    return "{" + ",".join(str(i) for i in range(1, count + 1)) + "}"


def _foreign(text: str, count: int, allowed: str) -> str:
    """How many of the first ``count`` characters of ``text`` are not in ``allowed``.  Only the
    positions inside the text are looked at: past its end MID gives "", which FIND finds at 1
    in Excel and nowhere (an error) in LibreOffice."""
    positions = _positions(count)
    inside = f"({positions}<=LEN({text}))"
    return f'SUMPRODUCT(ISERROR(FIND(MID({text},{positions},1),"{allowed}"))*{inside})'


def _table_yuan() -> str:
    """How many 元 one unit of the table's 金额单位 is (万元 unless it says 元, as read)."""
    return f'IF({UNIT.defined_name("money_unit")}="{MoneyUnit.YUAN}",1,{MoneyUnit.WAN.yuan})'


CURRENCY_NOTES = ("(人民币)", "(人民币", "人民币)", "人民币", "RMB", "CNY", "¥")
"""The currency notes the engine drops from a money text (money._CURRENCY_NOTES), in the
order the sheet removes them (after UPPER, and with brackets and ￥ made ASCII as NFKC does)."""


def plain_money(ref: str) -> str:
    """Text helper (:meth:`IndicatorGrid.text_helper`): a money cell's
    text as :func:`money_reading` reads it — as money.parse_money cleans it: full-width digits,
    signs and brackets made ASCII (the engine's NFKC), blanks (line breaks too) and thousands
    separators removed, currency notes (``（人民币）``, ``RMB``, ``¥``) and 。 dropped, one
    point at the end dropped (``1111.``: the engine's rstrip)."""
    pairs = [(k, v) for k, v in FULL_WIDTH.items() if v != "%"]
    pairs += [(s, "") for s in (*SPACES, *CONTROLS, ",")]
    pairs += [("（", "("), ("）", ")"), ("￥", "¥"), *((note, "") for note in CURRENCY_NOTES)]
    return "=" + _without_last(_substitute(f"UPPER({ref})", [*pairs, ("。", "")]), (".",))


def plain_label(ref: str) -> str:
    """Text helper: a 一级/二级 label with every space removed, as :func:`canonical_level`
    looks it up."""
    return "=" + _without_spaces(ref)


MONEY_CHARACTERS = "0123456789.-" + "".join(sorted({c for unit in YUAN_PER_UNIT for c in unit}))
"""What a money text may hold once plain: a number and a money unit (money._WRITTEN)."""


def money_reading(ref: str, text: str) -> str:
    """Helper: a money cell as an amount in the table's unit (money.parse_money): numbers as
    they are, text such as ``1,111``, ``１７１.４１``, ``11110000元`` or ``1111万元（人民币）``
    converted; anything else unreadable (``?``), which the status counts as blank, as the
    engine does (amount-invalid, and the amount is 0 in budget-sum-mismatch).  ``text`` is the
    cell holding :func:`plain_money` of ``ref``.

    What the engine refuses the formula refuses too (issue 15's grammar gaps: VALUE took
    ``1.111E3``, and a 300-digit budget counted): only digits, one point, a leading minus and a
    money unit at the end (:data:`MONEY_CHARACTERS`; ``1111万`` has no unit and is refused by
    both), at most 40 characters before the unit, and no more than money.MAX_YUAN 元.  Known
    differences, each in
    text no clerk types and each making the sheet refuse what the engine reads or the other
    way round: thousands separators in the wrong places (``11,11``: the engine refuses it, the
    sheet drops the commas), a point or 。 inside or several at the end (``11。11``,
    ``1111..``), full-width letters in a currency note (``ＲＭＢ``)."""
    plain = text
    table_yuan = _table_yuan()
    number = f"VALUE({plain})"  # no unit: in the table's unit already
    reading = f'IF(ABS({number})*{table_yuan}>{MAX_YUAN},"{UNREADABLE}",{number})'
    for unit, yuan in sorted(YUAN_PER_UNIT.items(), key=lambda u: len(u[0])):
        number = f"VALUE(LEFT({plain},LEN({plain})-{len(unit)}))"
        converted = (
            f'IF(ABS({number})*{yuan}>{MAX_YUAN},"{UNREADABLE}",{number}*{yuan}/{table_yuan})'
        )
        reading = f'IF(RIGHT({plain},{len(unit)})="{unit}",{converted},{reading})'
    foreign = _foreign(plain, MONEY_POSITIONS, MONEY_CHARACTERS)
    points = f'SUMPRODUCT(--(MID({plain},{_positions(MONEY_POSITIONS)},1)="."))'
    plain_number = (
        f'AND(LEN({plain})<={MONEY_POSITIONS},{foreign}=0,ISERROR(FIND("-",{plain},2)),{points}<=1)'
    )
    number_cell = f'IF(ABS({ref})*{table_yuan}>{MAX_YUAN},"{UNREADABLE}",{ref})'
    return (
        f'=IFERROR(IF(ISNUMBER({ref}),{number_cell},IF(TRIM({ref})="","",'
        f'IF({plain_number},{reading},"{UNREADABLE}"))),"{UNREADABLE}")'
    )


MONEY_POSITIONS = 42
"""How long a money text may be once plain: money.MAX_AMOUNT_TEXT's 40 characters of number
and a two-character unit."""


def plan_reading(ref: str) -> str:
    """Helper: a plan cell as a fraction (cells.plan_percent): a number is a %-formatted
    fraction; text counts only with its % sign (``25%``, ``２５％``); bare ``25`` is unreadable."""
    text = _substitute(ref, [(s, "") for s in SPACES] + list(FULL_WIDTH.items()))
    return _helper(ref, f'IF(RIGHT({text},1)="%",VALUE({text}),"{UNREADABLE}")')


def _project_used(p: CheckedSheet) -> str:
    return f'OR({absolute(p.name)}<>"",LEN({absolute(p.money_helpers[0])})>0)'


def code_status(p: CheckedSheet = LAYOUT.project) -> str:
    """project-code-invalid: required and blank, or not of the 21-character form (spaces
    removed, as the reader removes them)."""
    code = _without_spaces(p.code)
    required = LISTS.setting("requires_project_code")
    positions = ",".join(str(i) for i in range(1, len(CODE_FORM) + 1))
    allowed = ",".join(f'"{chars}"' for chars in CODE_FORM)
    matching = f"SUMPRODUCT(--ISNUMBER(FIND(MID({code},{{{positions}}},1),{{{allowed}}})))"
    form = f"AND(LEN({code})={len(CODE_FORM)},{matching}={len(CODE_FORM)})"
    bad = f'OR(AND({required}=1,{code}=""),AND({code}<>"",NOT({form})))'
    return "=" + _join([(f"AND({_project_used(p)},{bad})", "project-code-invalid")])


def money_status(p: CheckedSheet = LAYOUT.project) -> str:
    """budget-sum-mismatch: 预算数 ≠ 财政资金 + 其他资金 (blank = 0, tolerance 0.005), on the
    amounts as read, once one of them is read (on the 申报表, once a source is read: both
    blank state no split, :attr:`IndicatorGrid.blank_split_is_zero`); an unreadable amount
    counts as blank, as in the
    engine and JX_CHECK_BUDGET (rules.money.budget_sum on the amounts the reader could read;
    issue 15's grammar gaps: the sheet was silent on ``1111万`` where the engine found the
    sum off)."""
    helpers = p.money_helpers
    read = f"{helpers[0]}:{helpers[-1]}" if p.blank_split_is_zero else f"{helpers[1]}:{helpers[2]}"
    budget, fiscal, other = (f"N({h})" for h in helpers)
    cond = f"AND(COUNT({read})>0,ABS({budget}-{fiscal}-{other})>0.005)"
    return "=" + _join([(cond, "budget-sum-mismatch")])


def plan_status(p: ProjectSheet = LAYOUT.project) -> str:
    """Every plan-* rule that a fixed four-cell plan can break, on the plan as read (helper
    cells hold fractions: 1 = 100%)."""
    h = p.plan_helpers
    every = f"{h[0]}:{h[-1]}"
    pairs = [f"AND(COUNT({x},{y})=2,{y}<{x})" for x, y in pairwise(h)]
    minimum = [
        f"AND(ISNUMBER({m}),COUNT({x})=1,{x}<{m})"
        for m, x in zip(LISTS.min_plan_names, h, strict=True)
    ]
    required = LISTS.setting("requires_spending_plan")
    filled = _filled(every)
    parts = [
        (
            f"AND({_project_used(p)},OR({required}=1,{filled}>0),{filled}<{len(h)})",
            "plan-checkpoint-missing",
        ),
        (_unreadable(every), "plan-value-invalid"),
        (f"OR({','.join(pairs)},MIN({every})<0,MAX({every})>1)", "plan-not-cumulative"),
        (f"AND(COUNT({h[-1]})=1,ABS(N({h[-1]})-1)>0.00001)", "plan-final-not-100"),
        (f"OR({','.join(minimum)})", "plan-below-minimum"),
    ]
    return "=" + _join(parts)


def canonical_level(text: str) -> str:
    """A 一级/二级 label as the profile reads it (Profile.normalize_level): spaces removed
    (``text`` is the cell holding :func:`plain_label` of it), an alias replaced by its
    canonical name (also written without or with 指标), else 指标 added."""
    aliases = f'INDIRECT("{LISTS.aliases_prefix}"&{PROFILE_KEY})'
    bare = f'IF(RIGHT({text},2)="指标",LEFT({text},LEN({text})-2),{text})'
    plain = f'IF(RIGHT({text},2)="指标",{text},{text}&"指标")'
    reading = plain
    for candidate in (bare, f'{text}&"指标"', text):
        reading = f"IFERROR(VLOOKUP({candidate},{aliases},2,FALSE),{reading})"
    return reading


def effective_level1(row: int, p: CheckedSheet = LAYOUT.project) -> str:
    """Helper column: the row's canonical 一级, or the one above when left blank (as merged
    in print and as the reader reads it)."""
    level1, text = p.row_cell("level1", row), p.text_helper(p.helper(row))
    above = '""' if row == p.first_row else p.helper(row - 1)
    return f'=IF(TRIM({level1})="",{above},{canonical_level(text)})'


def canonical_level2(row: int, p: CheckedSheet = LAYOUT.project) -> str:
    """Helper column: the row's canonical 二级 ("" when left blank)."""
    level2, text = p.row_cell("level2", row), p.text_helper(p.level2_helper(row))
    return f'=IF(TRIM({level2})="","",{canonical_level(text)})'


def row_helpers(row: int, value: str, p: CheckedSheet = LAYOUT.project) -> dict[str, str]:
    """The hidden cells of one indicator row and their formulas: the canonical 一级 in effect,
    the canonical 二级, the plain texts they look up, and ``value`` (the row's 指标值, a cell
    or an expression) as :func:`_symbol_missing` takes it (:func:`value_text`)."""
    return {
        p.helper(row): effective_level1(row, p),
        p.level2_helper(row): canonical_level2(row, p),
        p.text_helper(p.helper(row)): plain_label(p.row_cell("level1", row)),
        p.text_helper(p.level2_helper(row)): plain_label(p.row_cell("level2", row)),
        p.value_text(row): "=" + value_text(value),
    }


def value_text(value: str) -> str:
    """A 指标值 as the symbol check reads it: without its spaces, as the engine reads it
    (normalize_text; review16: ``1-12月 完成`` and ``2024 年底前``), full-width brackets made
    ASCII (NFKC) and the :data:`INCLUSIVE_MARKS` dropped; an error value reads as blank (the
    status then says value-missing, :func:`blank_or_error`)."""
    plain = _substitute(_without_spaces(value), [("（", "("), ("）", ")")])
    return f'IFERROR({_substitute(plain, [(mark, "") for mark in INCLUSIVE_MARKS])},"")'


def blank_or_error(ref: str) -> str:
    """The cell is blank (spaces only) or holds an error value, as the reader takes it: an error
    value reads as blank (and is the reader's cell-error), so a 指标值 showing ``#N/A`` is
    value-missing on both sides (issue 15's grammar gaps: the status formula itself turned into
    the error and showed nothing).  ``#N/A`` typed as text is text to the reader, the UDFs and
    here alike (a qualitative value, as typed)."""
    return f'IF(ISERROR({ref}),TRUE,{_without_spaces(ref)}="")'


def value_missing(name: str, value: str) -> str:
    """value-missing: the 三级指标 ``name`` is blank, or the 指标值 ``value`` is blank or an
    error (:func:`blank_or_error`; an error in a 三级指标 is left to the engine's cell-error)."""
    return f'OR(TRIM({name})="",{blank_or_error(value)})'


def money_helpers(ref: str, helper: str, p: CheckedSheet = LAYOUT.project) -> dict[str, str]:
    """The hidden cells reading money cell ``ref`` (``helper`` and its plain text) and their
    formulas."""
    text = p.text_helper(helper)
    return {helper: money_reading(ref, text), text: plain_money(ref)}


def _level2_known(row: int, p: CheckedSheet) -> str:
    """The canonical 二级 is listed under the 一级 in effect, or is a variant of a listed one
    (Profile.normalize_level2: a word of the profile's variants under that 一级)."""
    level1, level2 = p.helper(row), p.level2_helper(row)
    listed = f'INDIRECT("{LISTS.level2_prefix}"&{PROFILE_KEY}&"_"&{level1})'
    variants = f'INDIRECT("{LISTS.variants_prefix}"&{PROFILE_KEY})'
    variant = (
        f"SUMPRODUCT((INDEX({variants},0,1)={level1})"
        f"*ISNUMBER(FIND(INDEX({variants},0,2),{level2})))>0"
    )
    return f"OR(IFERROR(COUNTIF({listed},{level2}),0)>0,IFERROR({variant},FALSE))"


def _symbol_missing(text: str) -> str:
    """A quantity led by a digit without ≥/≤/= (values.parse_value): not a deadline such as
    2024年底前, 2024-12-31 or 12月底前, nor a value whose suffix implies the symbol (90%以上).
    ``text`` is the cell holding the value without spaces (:meth:`IndicatorGrid.value_text`)."""
    year = _one_of(f"LEFT({text},2)", (*DEADLINE_YEARS, *(_full(y) for y in DEADLINE_YEARS)))
    fifth = f"MID({text},5,1)"
    date = f'AND(LEN({text})>5,ISNUMBER(FIND({fifth},"{DATE_SEPARATORS}")))'
    dated = f'AND({year},OR({fifth}="年",{date}))'
    months = ",".join(f'"{w}"' for w in MONTH_DEADLINES)
    month = f"SUMPRODUCT(--ISNUMBER(FIND({{{months}}},{text})))>0"
    suffix = "OR(" + ",".join(f'RIGHT({text},{len(w)})="{w}"' for w in SUFFIX_SYMBOLS) + ")"
    joined = ",".join(f'"{c}"' for c in PERIODS)
    ends = f'OR(RIGHT({text},1)="月",AND(RIGHT({text},1)="日",ISNUMBER(FIND("月",{text}))))'
    period = f"AND({ends},SUMPRODUCT(--ISNUMBER(FIND({{{joined}}},{text})))>0)"
    digit = f'ISNUMBER(FIND(LEFT({text},1),"{DIGITS}"))'
    return f'AND({text}<>"",{digit},NOT(OR({dated},{month},{period},{suffix})))'


def _full(ascii_text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in ascii_text)


def _level_bad(row: int, p: CheckedSheet) -> str:
    """The row's 一级 (in effect) is not the profile's, its 二级 is missing under a 一级 written
    on the row, or its 二级 is not allowed under the 一级 (level-invalid)."""
    level1, level2 = p.row_cell("level1", row), p.row_cell("level2", row)
    level1_list = f'INDIRECT("{LISTS.level1_prefix}"&{PROFILE_KEY})'
    return (
        f"OR(IFERROR(COUNTIF({level1_list},{p.helper(row)}),0)=0,"
        f'AND(TRIM({level1})<>"",TRIM({level2})=""),'
        f'AND(TRIM({level2})<>"",NOT({_level2_known(row, p)})))'
    )


def indicator_status(row: int, p: ProjectSheet = LAYOUT.project) -> str:
    """level-invalid, value-missing, basis-missing and symbol-missing for one indicator row."""
    cell = {f: p.row_cell(f, row) for f, _ in p.indicator_columns}
    used = f"COUNTA({cell['level1']}:{cell['description']},{cell['value']}:{cell['basis']})>0"
    required = LISTS.setting("requires_basis")
    parts = [  # (only a used row is judged: the whole status is IF(used, …))
        (_level_bad(row, p), "level-invalid"),
        (value_missing(cell["level3"], cell["value"]), "value-missing"),
        (f'AND({required}=1,{cell["basis"]}="")', "basis-missing"),
        (_symbol_missing(p.value_text(row)), "symbol-missing"),
    ]
    return f'=IF({used},{_join(parts)},"")'


def problem_count(p: CheckedSheet = LAYOUT.project) -> str:
    """How many status cells of the sheet show a problem (COUNTIF wildcards differ by program)."""
    return f"=SUMPRODUCT(--(LEN({p.status_range})>0))"


# ---------------------------------------------------------------- the 申报表 layout

APPLICATION_CODES = (
    "budget-sum-mismatch",
    "project-code-invalid",
    "level-invalid",
    "value-missing",
    "symbol-missing",
    "qualitative-value-missing",
    "weight-invalid",
    "weight-sum",
)
"""The rules the 申报表 template checks by formulas (it has no plan, no 依据 column)."""
SYMBOLS = ("≥", "≤", "=", ">", "<", ">=", "<=", "≧", "≦", "＞", "＜", "＝", "＞＝", "＜＝")
"""What 指标性质 may hold and still count as the symbol (the dropdown offers the first five;
each is one the reader normalises, tests/test_application_template.py holds them together)."""
WEIGHT_TOTAL = 100
"""What the weights of a project add up to (rules.layouts.weight_sum without a header-stated
total; a total stated in a 其他信息 row such as 105's 权重分值90分 is checked by the engine)."""


WEIGHT_BLANKS = (*CONTROLS, *SPACES[1:])
"""What the reader strips around a weight besides the ASCII space (str.strip: a line break or an
ideographic space typed after it); TRIM strips only the ASCII space, so these become one."""
WEIGHT_CHARACTERS = "0123456789.+-eE"
"""What a weight may hold once its blanks, full-width forms and one trailing 分/% are gone
(readers.xlsx_application's plain number: digits, a point, a sign, an exponent)."""
WEIGHT_POSITIONS = 12
"""How many characters a weight may have once plain: the character check looks at each (a
longer one, ``020.000…``, is refused here and read by the reader: no clerk types it)."""


def weight_text(ref: str) -> str:
    """Text helper (:meth:`~jixiao.template.application.ApplicationSheet.weight_text`): a
    权重（分值） cell's text as the reader reads it (readers.xlsx_application.weight): blanks
    around it dropped (line breaks, ideographic and no-break spaces too), full-width digits,
    points, signs and ％ made ASCII, one trailing 分 or % removed (:func:`_without_last`)."""
    text = f"TRIM({_substitute(ref, [(b, ' ') for b in WEIGHT_BLANKS])})"
    text = _substitute(text, [(k, v) for k, v in FULL_WIDTH.items() if v != ","])
    return f"=TRIM({_without_last(text, ('分', '%'))})"


def _without_last(text: str, endings: tuple[str, ...]) -> str:
    """``text`` without one of ``endings`` at its end, naming ``text`` once: an end marker is
    appended, the first ending found before it is removed with the marker, and a marker left
    is removed (a text holding the marker itself, :data:`END_MARKER`, would lose it)."""
    marked = f'{text}&"{END_MARKER}"'
    for ending in endings:
        marked = f'SUBSTITUTE({marked},"{ending}{END_MARKER}","")'
    return f'SUBSTITUTE({marked},"{END_MARKER}","")'


END_MARKER = "〓〓"
"""Appended to a text to find its end with SUBSTITUTE (no clerk types it; no ``|``, which the
package guard takes for a DDE command)."""


def weight_reading(ref: str, text: str) -> str:
    """Helper: a 权重（分值） cell as the reader takes it (readers.xlsx_application.weight): a
    number, or text that is a plain number once made plain (``text``, the cell holding
    :func:`weight_text` of ``ref``: ``２０``, ``20\n``, ``20分``, ``20 %`` count); a value
    outside 0～100 or any other text (``2 0``, ``20分%``, ``1:30``, ``1-``, which a
    spreadsheet's VALUE would take) is unreadable, left out of the total and shown as
    weight-invalid, as the reader reports it and leaves it out.  review14: a weight pasted as
    text was left out of the native total, not the engine's; review15: 分/% inside the text
    (``2分0``) or a negative weight must not count either; issue 15's grammar gaps: ``２０``,
    ``20\n``, ``20　`` counted in the engine only, ``20分%`` in the engine only (now
    refused by both: one sign is what clerks type)."""
    positions = _positions(WEIGHT_POSITIONS)
    chars, before = f"MID({text},{positions},1)", f"MID({text},{positions}-1,1)"
    inside = f"({positions}<=LEN({text}))"
    signs = (
        f'SUMPRODUCT(ISNUMBER(FIND({chars},"+-"))*({positions}>1)*{inside}'
        f'*ISERROR(FIND({before},"eE")))'
    )
    foreign = _foreign(text, WEIGHT_POSITIONS, WEIGHT_CHARACTERS)
    plain = f"AND(LEN({text})<={WEIGHT_POSITIONS},{foreign}=0,{signs}=0)"
    number, value = (f'IF(ABS({x}-50)>50,"{UNREADABLE}",{x})' for x in (ref, f"VALUE({text})"))
    return (
        f'=IFERROR(IF(ISNUMBER({ref}),{number},IF(TRIM({ref})="","",'
        f'IF({plain},{value},"{UNREADABLE}"))),"{UNREADABLE}")'
    )


def weight_status(p: ApplicationSheet = APPLICATION.project) -> str:
    """weight-sum: the weights given (as read: :func:`weight_reading`) total
    :data:`WEIGHT_TOTAL`."""
    weights = p.weight_helpers
    cond = f"AND(COUNT({weights})>0,ABS(SUM({weights})-{WEIGHT_TOTAL})>0.005)"
    return "=" + _join([(cond, "weight-sum")])


def application_indicator_status(row: int, p: ApplicationSheet = APPLICATION.project) -> str:
    """level-invalid, value-missing, symbol-missing and qualitative-value-missing for one row of
    the 申报表.  The value the engine judges is 指标性质 + 指标值 + 度量单位 (the reader joins
    them), or 指标值 alone when it holds the whole value; it is blank when 指标值 is."""
    cell = {f: p.row_cell(f, row) for f, _, _ in p.indicator_columns}
    used = f"COUNTA({p.row_span(row)})>0"
    number = cell["number"]
    # (an error value reads as blank, as the reader reads it)
    blank = f'IFERROR(TRIM({number}),"")=""'
    qualitative = f'AND(LEFT(TRIM({cell["nature"]}),2)="定性",{blank})'
    parts = [  # (only a used row is judged: the whole status is IF(used, …))
        (_level_bad(row, p), "level-invalid"),
        (value_missing(cell["level3"], number), "value-missing"),
        (_symbol_missing(p.value_text(row)), "symbol-missing"),
        (qualitative, "qualitative-value-missing"),
        (weight_invalid(row, p), "weight-invalid"),
    ]
    return f'=IF({used},{_join(parts)},"")'


def weight_invalid(row: int, p: ApplicationSheet = APPLICATION.project) -> str:
    """weight-invalid: the row's 权重（分值） is unreadable (:func:`weight_reading`), as the
    reader reports it on the cell; an error value is the reader's cell-error instead (``#N/A``
    typed as text is no number to the reader: weight-invalid)."""
    unreadable = f'{p.weight_helper(row)}="{UNREADABLE}"'
    return f"IF(ISERROR({p.row_cell('weight', row)}),FALSE,{unreadable})"


def application_value(row: int, p: ApplicationSheet = APPLICATION.project) -> str:
    """What symbol-missing judges on a 申报表 row: 指标值 + 度量单位 when 指标性质 holds no
    symbol, else nothing (the symbol is there)."""
    cell = {f: p.row_cell(f, row) for f, _, _ in p.indicator_columns}
    has_symbol = _one_of(f"TRIM({cell['symbol']})", SYMBOLS)
    return f'IF({has_symbol},"",{cell["number"]}&{cell["unit"]})'
