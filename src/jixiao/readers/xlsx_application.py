"""Read a filled 申报表 workbook (:mod:`jixiao.template.application`) into the model.

:mod:`jixiao.readers.xlsx` opens every workbook (package guard, calamine) and hands it here when
its _meta names the 申报表 template (:func:`is_application`); the shared sheets (单位信息, _meta)
are read by that module's functions, so a 申报表 workbook is judged exactly like the first
layout's: the same reading findings, the same tamper checks (fixed labels, end marker, layout
fingerprint), the same cell values (:mod:`jixiao.cells`).

How the form's cells become the model (the inverse of :mod:`jixiao.template.application_fill`):

* 指标性质 / 指标值 / 度量单位 are kept as written in ``symbol`` / ``number`` / ``unit``, and
  ``value`` is their normalised join (``≥`` + ``95`` + ``%`` → ``≥95%``), as the document
  importer joins them (readers/documents/indicator_rows.py); a number that is an Excel serial
  date (``44,561``) becomes the date, the serial kept in ``written``.  With 指标性质 and 度量单位
  blank, 指标值 is a whole value (``>=20平方米`` → ``≥20平方米``, written kept);
* 权重（分值） is a number (``10``, text ``10分`` too); 指标方向, 定性/定量 and 备注 as written;
* the 其他信息 rows are ``attributes`` (label → content); a row labelled 资金用途 is ``purpose``;
* a project read from a workbook is never ``cut_off`` and has no ``layout`` (as the first
  layout's), its number is its sheet's;
* the 部门整体支出 sheet (version 2) is the department part and its roll-up rows
  (:mod:`jixiao.readers.xlsx_department_spending`); a version-1 workbook reads as it always
  did.  Nothing it holds moved, so it counts as this version (as the first layout's
  compatible fingerprints do): 汇总 does not ask a unit to file again only because its
  workbook predates a sheet it has nothing for; ``template["fingerprint"]`` keeps the
  version-1 fingerprint, so which template it was made from is still known.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache

from jixiao import cells
from jixiao.a1 import a1
from jixiao.model import CellSources, Indicator, Location, Project, Submission
from jixiao.money import MoneyUnit
from jixiao.readers.documents import labels as lb
from jixiao.readers.inputs import Columns, project_code, read_amount, report_notes
from jixiao.readers.workbook import Grid, Reader, by_row, checked_sheets
from jixiao.readers.xlsx import read_unit, report_blank_year
from jixiao.readers.xlsx_department_spending import read_department_spending
from jixiao.rules.layouts import WEIGHT_INVALID
from jixiao.template.application import (
    APPLICATION,
    LAYOUT_NAME,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    application_fingerprint,
    readable_version,
)

PURPOSE_LABEL = "资金用途"
"""A 其他信息 row with this label holds the project's 资金用途 (``Project.purpose``)."""
_SHEET = re.compile(rf"^{re.escape(APPLICATION.project.prefix)}(\d+)$")


def template_id(reader: Reader, names: list[str]) -> str | None:
    """The template id _meta names, None without a readable _meta."""
    meta = APPLICATION.meta
    if meta.name not in names:
        return None
    grid = reader.grid(meta.name)
    if grid is None:
        return None
    for row in meta.rows():
        if grid.text(meta.key_cell(row)) == "template_id":
            return grid.text(meta.value_cell(row))
    return None


def is_application(reader: Reader, names: list[str]) -> bool:
    """The workbook was made from the 申报表 template (its _meta says so)."""
    return template_id(reader, names) == TEMPLATE_ID


def read_application(reader: Reader, names: list[str]) -> Submission | None:
    """The submission of a 申报表 workbook the reader has opened; None (with findings) when
    its layout version is not this program's."""
    template = _template_info(reader)
    if template is None:
        return None
    unit = read_unit(reader, template)
    if unit is None:
        return None
    projects = tuple(_projects(reader, names, unit.money_unit))
    department, rollups = read_department_spending(reader, names, unit.money_unit)
    where = Location(file=reader.file)
    submission = Submission(unit, projects, department, template, where, rollups=rollups)
    report_blank_year(reader, submission)
    return submission


def _template_info(reader: Reader) -> dict[str, str | int | None] | None:
    meta = APPLICATION.meta
    grid = reader.grid(meta.name)
    if grid is None:
        return None
    info = {grid.text(meta.key_cell(r)) or "": grid.text(meta.value_cell(r)) for r in meta.rows()}
    version = info.get("version")
    if not _readable(version, info.get("fingerprint")) or version is None:
        reader.tampered(
            f"申报表模板版本 {info.get('version')}（{info.get('fingerprint')}）与本程序的 "
            f"{TEMPLATE_VERSION}（{application_fingerprint()}）不一致：请用新模板重新填报"
        )
        return None
    return {
        "id": TEMPLATE_ID,
        "version": TEMPLATE_VERSION,  # a compatible version-1 workbook reads as this one
        "profile": info.get("profile"),
        "fingerprint": info.get("fingerprint"),
        "layout": LAYOUT_NAME,  # the rules hold its projects to what the form has cells for
    }


@cache
def _this_fingerprint() -> str:
    """This layout's fingerprint, computed once (hashing the whole layout spec costs more than
    reading the workbook's forms)."""
    return application_fingerprint()


def _readable(version: str | None, fingerprint: str | None) -> bool:
    """:func:`readable_version`, this version's own fingerprint compared without hashing the
    layout again."""
    if version == str(TEMPLATE_VERSION) and fingerprint == _this_fingerprint():
        return True
    return readable_version(version, fingerprint)


def _projects(reader: Reader, names: list[str], money: MoneyUnit) -> Iterator[Project]:
    p = APPLICATION.project
    numbered = sorted((int(m.group(1)), n) for n in names if (m := _SHEET.match(n)))
    for number, grid in checked_sheets(reader, numbered, p.labels, p.end_marker):
        project = read_form(reader, grid, number, money)
        if project is not None:
            yield project


def _inputs() -> frozenset[str]:
    p = APPLICATION.project
    refs = {ref for _, ref in p.text_fields} | {ref for _, ref, _ in p.amount_cells}
    for row in p.extra_rows_range():
        refs |= {p.extra_label(row), p.extra_text(row)}
    refs |= {p.row_cell(f, r) for r in p.indicator_rows() for f, _, _ in p.indicator_columns}
    return frozenset(refs)


_INPUTS = _inputs()
_INPUT_ROWS = by_row(_INPUTS)


def read_form(reader: Reader, grid: Grid, number: int, money: MoneyUnit) -> Project | None:
    """One 申报表 sheet; None when nothing was typed into it."""
    p = APPLICATION.project
    if grid.all_blank(_INPUT_ROWS):
        return None
    report_notes(reader, grid, _INPUTS)
    texts = {name: grid.text(ref) for name, ref in p.text_fields}
    amounts = {
        name: read_amount(reader, grid, ref, label, money) for name, ref, label in p.amount_cells
    }
    attributes = _attributes(grid)
    purpose = attributes.pop(PURPOSE_LABEL, None)
    return Project(
        name=texts["name"],
        code=project_code(texts["code"]),
        number=number,
        department=texts["department"],
        purpose=purpose,
        goal=texts["goal"],
        indicators=tuple(_indicators(reader, grid)),
        source=reader.where(grid.name, p.title),
        sources=CellSources(reader.file, grid.name, _PROJECT_FIELDS),
        long_term_goal=texts["long_term_goal"],
        start=texts["start"],
        end=texts["end"],
        supervisor=texts["supervisor"],
        implementer=texts["implementer"],
        attributes=attributes,
        budget=amounts["budget"],
        fiscal=amounts["fiscal"],
        other=amounts["other"],
        carryover=amounts["carryover"],
        total=amounts["total"],
    )


def _project_fields() -> dict[str, str]:
    p = APPLICATION.project
    fields = dict(p.text_fields)
    fields |= {name: ref for name, ref, _ in p.amount_cells}
    fields["indicators"] = a1(p.first_row, 1)
    return fields


_PROJECT_FIELDS = _project_fields()
"""Where a project's fields are on its sheet (the same cells on every 申报表 sheet)."""


def _attributes(grid: Grid) -> dict[str, str]:
    """其他信息: label → content, for each row with content (a row without a label is named
    by its content's position: 其他信息N)."""
    p = APPLICATION.project
    found: dict[str, str] = {}
    for offset, row in enumerate(p.extra_rows_range(), start=1):
        text = grid.text(p.extra_text(row))
        if text is None:
            continue
        label = grid.text(p.extra_label(row)) or f"其他信息{offset}"
        name, again = label, 1
        while name in found:  # the same label twice: both kept (项目负责人, 项目负责人2)
            again += 1
            name = f"{label}{again}"
        found[name] = text
    return found


def _indicators(reader: Reader, grid: Grid) -> Iterator[Indicator]:
    p = APPLICATION.project
    level1: str | None = None
    level2: str | None = None
    for row in p.indicator_rows():
        texts = _INDICATOR_COLUMNS.read(grid, row)
        if texts is None:
            continue
        level1, level2 = levels_in_effect(texts, level1, level2)
        value, written, parts = compose_value(texts["symbol"], texts["number"], texts["unit"])
        yield Indicator(
            level1=level1,
            level2=level2,
            level3=texts["level3"],
            value=value,
            source=reader.where(grid.name, a1(row, 1)),
            sources=CellSources(reader.file, grid.name, _INDICATOR_REFS[row]),
            weight=_weight(reader, grid, row),
            direction=texts["direction"],
            written=written,
            remark=texts["remark"],
            nature=texts["nature"],
            symbol=parts.get("symbol"),
            number=parts.get("number"),
            unit=parts.get("unit"),
        )


def levels_in_effect(
    texts: dict[str, str | None], level1: str | None, level2: str | None
) -> tuple[str | None, str | None]:
    """The 一级 and 二级 of an indicator row given those of the row above: a blank one continues
    the one above, as merged cells print (a new 一级 starts without a 二级)."""
    if texts["level1"]:
        level1, level2 = texts["level1"], None
    return level1, texts["level2"] or level2


def _weight(reader: Reader, grid: Grid, row: int) -> Decimal | None:
    cell = APPLICATION.project.row_cell("weight", row)
    raw = grid.raw(cell)
    value, problem = weight(raw)
    if problem is not None:
        reader.add(
            WEIGHT_INVALID, grid.name, cell, text=cells.text(raw) or str(raw), problem=problem
        )
    return value


_INDICATOR_COLUMNS = Columns.of(
    [(f, c) for f, c, _ in APPLICATION.project.indicator_columns],
    APPLICATION.project.indicator_rows(),
)
_INDICATOR_REFS: dict[int, Mapping[str, str]] = {
    row: {**cells_of_row, "value": cells_of_row["number"]}
    for row, cells_of_row in _INDICATOR_COLUMNS.refs.items()
}
"""Per indicator row: field → its cell; the composed ``value`` is at 指标值 (``number``)."""


def compose_value(
    symbol: str | None, number: str | None, unit: str | None
) -> tuple[str | None, str | None, dict[str, str | None]]:
    """(value, written, the parts kept) of 指标性质 / 指标值 / 度量单位.

    With only 指标值 filled it is a whole value: normalised, the written form kept when it
    differs, no parts.  Otherwise the parts are kept as written and joined as the document
    importer joins separate cells (an Excel serial date becomes the date)."""
    if symbol is None and unit is None:
        if number is None:
            return None, None, {}
        value = lb.normalise_value(number)
        return value, (number if value != number else None), {}
    parts = {"symbol": symbol, "number": number, "unit": unit}
    if number is None:
        return None, None, parts
    day = lb.serial_date(number)
    if day is not None and (unit is None or unit == number or lb.serial_date(unit) is not None):
        return lb.chinese_date(day), number, parts
    return (lb.symbol(symbol or "") or "") + number + (unit or ""), None, parts


MAX_WEIGHT = Decimal(100)
_WEIGHT_FORMS = cells.FULL_WIDTH_DIGITS | str.maketrans("％", "%")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
"""A weight as a spreadsheet's VALUE reads it too (``20``, ``.5``, ``2e1``)."""


def weight(raw: object) -> tuple[Decimal | None, str | None]:
    """权重（分值）: a number, or text such as ``10`` / ``10分`` → (value, None); blank →
    (None, None); anything else → (None, why, in Chinese): text that is no number, a value that
    is not finite (NaN, Infinity, 1e999999 pasted as text past the cell's validation) or outside
    0～100 is reported on its cell, never passed on or dropped silently.

    Text is a plain number once the blanks around it are stripped (a line break, an ideographic
    space: ``20\n``), full-width digits, points, signs and ％ made ASCII (``２０``) and one
    trailing 分 or % removed (``20分``, ``20 %``); a blank inside (``2 0``) or a second sign
    (``20分%``) leaves it no number.  The template's own formula reads it the same way
    (template.native_checks.weight_text/weight_reading; issue 15's grammar gaps: the two
    disagreed on ``２０``, ``20\n``, ``20　`` and ``20分%``)."""
    if raw is None or isinstance(raw, bool):
        return None, None if raw is None else "不是数字"
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, "不是有限的数字"
        value = Decimal(int(raw)) if raw.is_integer() else Decimal(str(raw))
    else:
        text = cells.text(raw)
        if text is None:
            return None, None
        number = text.translate(_WEIGHT_FORMS)
        number = number[:-1].strip() if number[-1:] in ("%", "分") else number
        try:
            value = Decimal(number)
        except InvalidOperation:
            return None, "不是数字"
        if value.is_finite() and not _PLAIN_NUMBER.fullmatch(number):
            return None, "不是数字"  # (Decimal also takes 2_0 and ٢٠: review16)
    if not value.is_finite():
        return None, "不是有限的数字"
    if not 0 <= value <= MAX_WEIGHT:
        return None, "不在 0～100 之间"
    return value, None
