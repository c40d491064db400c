"""The LibreOffice harness (tests/libreoffice.py + tests/lo_driver.py) against a small workbook.

The workbook is written with openpyxl, as the project's own templates are, and every property
is read back from a real Calc engine: recalculation, text that looks like a formula, cell
locks, list and cascading (named range + INDIRECT) validation, conditional formatting, print
areas and PDF output with Chinese text.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule, Rule
from openpyxl.styles import PatternFill, Protection
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from libreoffice import (
    LibreOffice,
    LibreOfficeCommandError,
    LibreOfficeError,
    LibreOfficeTimeout,
    _group_alive,
    convert,
    lo,  # noqa: F401
    require_libreoffice,
)

pytestmark = pytest.mark.libreoffice

DATA = "数据"
LISTS = "列表"
RED = 0xFF0000
CJK_TITLE = "预算绩效目标表"


def build_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA
    ws["A1"] = 5  # the clerk's input: unlocked
    ws["A1"].protection = Protection(locked=False)
    ws["B1"] = "=A1*2"
    ws["C1"] = CJK_TITLE
    ws.column_dimensions["C"].width = 30  # room for the title in the PDF
    # Cascading lists: column A picks the list (甲 or 乙), column B must come from it.
    for row, (choice, item) in enumerate((("甲", "a"), ("乙", "a"), ("乙", "d")), start=2):
        ws.cell(row, 1, choice)
        ws.cell(row, 2, item)
    lists = wb.create_sheet(LISTS)
    for row, (first, second) in enumerate((("a", "c"), ("b", "d")), start=1):
        lists.cell(row, 1, first)
        lists.cell(row, 2, second)
    lists.sheet_state = "hidden"
    wb.defined_names["甲"] = DefinedName("甲", attr_text=f"'{LISTS}'!$A$1:$A$2")
    wb.defined_names["乙"] = DefinedName("乙", attr_text=f"'{LISTS}'!$B$1:$B$2")
    chooser = DataValidation(type="list", formula1='"甲,乙"', allow_blank=True)
    cascade = DataValidation(type="list", formula1="INDIRECT($A2)", allow_blank=True)
    plain = DataValidation(type="list", formula1='"x,y,z"', allow_blank=True)
    for dv, ref in ((chooser, "A2:A10"), (cascade, "B2:B10"), (plain, "D1:D10")):
        ws.add_data_validation(dv)
        dv.add(ref)
    ws["D1"] = "x"
    ws["D2"] = "bad"
    red = PatternFill(start_color="FFFF0000", end_color="FFFF0000", fill_type="solid")
    rule = FormulaRule(formula=["$A$1>10"], fill=red)  # type: ignore[no-untyped-call]
    ws.conditional_formatting.add("B1", rule)
    ws.print_area = "A1:D10"
    ws.protection.sheet = True
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("lo") / "harness.xlsx")


@pytest.fixture
def doc(lo: LibreOffice, workbook: Path) -> Iterator[str]:  # noqa: F811
    doc_id = lo.open(workbook)
    yield doc_id
    with contextlib.suppress(LibreOfficeError):  # the instance may have been restarted
        lo.close_doc(doc_id)


def test_sheets_in_order_with_visibility(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    assert lo.sheets(doc) == [
        {"name": DATA, "visibility": "visible"},
        {"name": LISTS, "visibility": "hidden"},
    ]


def test_profile_settings_in_force(lo: LibreOffice) -> None:  # noqa: F811
    assert lo.config["UseLocking"] is False
    assert lo.config["OOXMLRecalcMode"] == 0
    assert lo.config["ooSetupSystemLocale"] == "en-US"


def test_private_copy_and_no_lock_files(lo: LibreOffice, doc: str, workbook: Path) -> None:  # noqa: F811
    assert lo.workdir is not None
    assert not list(lo.workdir.rglob(".~lock.*"))
    assert not list(workbook.parent.glob(".~lock.*"))


def test_formula_recalculated_after_set(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    # openpyxl stores no cached value: the profile recalculates on load.
    assert lo.get(doc, DATA, "B1")["value"] == 10
    lo.set(doc, DATA, "A1", 21)
    lo.calc(doc)
    cell = lo.get(doc, DATA, "B1")
    assert cell == {
        "value": 42.0,
        "string": "42",
        "formula": "=A1*2",
        "type": "FORMULA",
        "error": 0,
        "result_type": "VALUE",
    }


def test_set_formula_uses_english_names_and_semicolons(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    lo.set_formula(doc, DATA, "E1", "=SUM(A1;B1)")
    lo.calc(doc)
    assert lo.get(doc, DATA, "E1")["value"] == 15


def test_string_that_looks_like_a_formula_stays_text(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    lo.set(doc, DATA, "E1", "=A1*2")
    lo.calc(doc)
    cell = lo.get(doc, DATA, "E1")
    assert cell["type"] == "TEXT"
    assert cell["string"] == "=A1*2"
    assert cell["value"] is None


def test_set_none_clears_and_get_range_gives_display_strings(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    lo.set(doc, DATA, "A1", None)
    lo.calc(doc)
    assert lo.get(doc, DATA, "A1")["type"] == "EMPTY"
    assert lo.get_range(doc, DATA, "A1:C2") == [["", "0", CJK_TITLE], ["甲", "a", ""]]


def test_protection(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    assert lo.sheet_protected(doc, DATA) is True
    assert lo.sheet_protected(doc, LISTS) is False
    assert lo.protection(doc, DATA, "A1")["locked"] is False
    assert lo.protection(doc, DATA, "B1")["locked"] is True
    assert lo.protection(doc, DATA, "B1")["hidden"] is False


def test_list_validation(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    info = lo.validation(doc, DATA, "D1")
    assert info["type"] == "LIST"
    assert info["formula1"] == '"x";"y";"z"'
    assert info["ignore_blank"] is True
    assert lo.validation(doc, DATA, "E1")["type"] == "ANY"
    assert "D2" in lo.invalid_cells(doc, DATA)
    assert "D1" not in lo.invalid_cells(doc, DATA)
    lo.set(doc, DATA, "D2", "y")
    lo.set(doc, DATA, "D3", "nope")
    invalid = lo.invalid_cells(doc, DATA)
    assert "D2" not in invalid
    assert "D3" in invalid


def test_cascading_validation_via_named_range_and_indirect(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    assert lo.validation(doc, DATA, "B2")["formula1"] == "INDIRECT($A2)"
    # B2 = a from 甲 (ok), B3 = a but 乙 is {c, d} (bad), B4 = d from 乙 (ok)
    assert lo.invalid_cells(doc, DATA) == ["D2", "B3"]  # row by row
    lo.set(doc, DATA, "A4", "甲")  # switch B4's list: d is now wrong
    lo.set(doc, DATA, "B3", "c")  # and B3 now right
    assert lo.invalid_cells(doc, DATA) == ["D2", "B4"]
    # invalid_cells removes its detective circles: asking twice gives the same answer
    assert lo.invalid_cells(doc, DATA) == ["D2", "B4"]


def test_conditional_format_turns_cell_red_when_a1_above_10(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    quiet = lo.conditional_format_active(doc, DATA, "B1")
    assert quiet["active"] is False
    assert quiet["conditions_considered"] == 1
    lo.set(doc, DATA, "A1", 11)
    lo.calc(doc)
    hot = lo.conditional_format_active(doc, DATA, "B1")
    assert hot["active"] is True
    assert hot["back_color"] == RED
    assert hot["applied"][0]["formula1"] == "$A$1>10"
    assert hot["cell_back_color"] == -1  # the API's own colour ignores conditional formats
    assert lo.conditional_format_active(doc, DATA, "A1")["active"] is False  # no format there
    assert lo.sheets(doc)[-1]["name"] == LISTS  # the scratch sheet is gone again


def test_print_area(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    assert lo.print_areas(doc, DATA) == ["A1:D10"]
    assert lo.print_areas(doc, LISTS) == []


def test_pdf_embeds_a_cjk_font(lo: LibreOffice, doc: str, tmp_path: Path) -> None:  # noqa: F811
    if shutil.which("pdffonts") is None:
        if os.environ.get("CI"):
            pytest.fail("pdffonts (poppler-utils) missing under CI")
        pytest.skip("pdffonts (poppler-utils) not installed")
    pdf = lo.export_pdf(doc, tmp_path / "out.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    cjk = [
        line.split()
        for line in fonts.splitlines()[2:]
        if any(key in line for key in ("WenQuanYi", "ZenHei", "CJK", "Noto Sans SC"))
    ]
    assert cjk, f"no CJK font in the PDF:\n{fonts}"
    assert all(fields[-5] == "yes" for fields in cjk), f"CJK font not embedded:\n{fonts}"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        assert CJK_TITLE in text


def test_command_errors_keep_the_instance_usable(lo: LibreOffice, doc: str) -> None:  # noqa: F811
    with pytest.raises(LibreOfficeCommandError, match="no sheet"):
        lo.get(doc, "没有这个表", "A1")
    with pytest.raises(LibreOfficeCommandError, match="A1-style"):
        lo.get(doc, DATA, "not a cell")
    with pytest.raises(LibreOfficeCommandError, match="unknown document"):
        lo.get("nope-1", DATA, "A1")
    assert lo.get(doc, DATA, "A1")["value"] == 5


def test_timeout_kills_everything_and_next_call_restarts(workbook: Path) -> None:
    with LibreOffice(timeout=30) as office:
        doc_id = office.open(workbook)
        pids = office.pids
        began = time.monotonic()
        with pytest.raises(LibreOfficeTimeout):
            office.call("_sleep", timeout=1, seconds=30)
        assert time.monotonic() - began < 10
        assert not office.alive
        assert not _group_alive(pids["soffice_pgid"])
        again = office.open(workbook)  # auto restart
        assert office.restarts == 1
        assert office.get(again, DATA, "B1")["value"] == 10
        with pytest.raises(LibreOfficeCommandError, match="unknown document"):
            office.get(doc_id, DATA, "B1")  # ids of the killed instance stay dead
        workdir = office.workdir
        pids = office.pids
    assert workdir is not None and not workdir.exists()
    assert not _group_alive(pids["soffice_pgid"])


def test_killed_test_process_leaves_no_orphans(tmp_path: Path) -> None:
    """SIGKILL the process that owns a LibreOffice: the driver sees EOF on stdin and takes
    soffice, its pipes and its temp dir with it."""
    script = (
        "import json, sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from libreoffice import LibreOffice\n"
        "office = LibreOffice().start()\n"
        "print(json.dumps({**office.pids, 'workdir': str(office.workdir)}), flush=True)\n"
        "time.sleep(120)\n"
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert owner.stdout is not None
        info = json.loads(owner.stdout.readline())
        assert _group_alive(info["soffice_pgid"])
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (
            _group_alive(info["soffice_pgid"]) or Path(info["workdir"]).exists()
        ):
            time.sleep(0.1)
        assert not _group_alive(info["soffice_pgid"])
        assert not Path(info["workdir"]).exists()
    finally:
        if owner.poll() is None:
            owner.kill()


def test_convert_to_xlsx_recalculates(workbook: Path, tmp_path: Path) -> None:
    out = convert(workbook, "xlsx", tmp_path / "converted")
    values = load_workbook(out, data_only=True)
    assert values[DATA]["B1"].value == 10


def test_convert_failure_is_detected(workbook: Path, tmp_path: Path) -> None:
    # --convert-to exits 0 here ("no export filter"): the missing file must still raise
    with pytest.raises(LibreOfficeError, match="produced no"):
        convert(workbook, "xlsx:No Such Filter", tmp_path / "converted")


def test_conditional_format_agrees_with_calcs_own_rendering(
    lo: LibreOffice,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Cross-check the evaluator against Calc itself: the HTML export paints each cell with
    the background its conditional formats give it."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "CF"
    red = PatternFill(start_color="FFFF0000", end_color="FFFF0000", fill_type="solid")
    dxf = DifferentialStyle(fill=red)
    values: list[float | str | None] = [1, 5, 3, "abc", None, 3, "=1/0", "Abd", 7, 0, "xyz", 2.5]
    rules = [
        FormulaRule(formula=["COUNTIF($A$1:$A$12,A1)>1"], fill=red),  # type: ignore[no-untyped-call]
        CellIsRule(operator="between", formula=["2", "5"], fill=red),  # type: ignore[no-untyped-call]
        CellIsRule(operator="notBetween", formula=["2", "5"], fill=red),  # type: ignore[no-untyped-call]
        CellIsRule(operator="equal", formula=['"abc"'], fill=red),  # type: ignore[no-untyped-call]
        CellIsRule(operator="lessThanOrEqual", formula=["F2"], fill=red),  # type: ignore[no-untyped-call]
        CellIsRule(operator="notEqual", formula=["3"], fill=red),  # type: ignore[no-untyped-call]
        Rule(
            type="containsText",
            operator="containsText",
            text="ab",
            dxf=dxf,
            formula=['NOT(ISERROR(SEARCH("ab",G1)))'],
        ),
        Rule(type="duplicateValues", dxf=dxf),
        Rule(type="uniqueValues", dxf=dxf),
        Rule(type="top10", rank=3, dxf=dxf),
        Rule(type="top10", rank=25, percent=True, bottom=True, dxf=dxf),
        Rule(type="aboveAverage", dxf=dxf),
        Rule(type="containsErrors", dxf=dxf, formula=["ISERROR(M1)"]),
        FormulaRule(formula=["AND(ISNUMBER(N1),N1>$B$2)"], fill=red),  # type: ignore[no-untyped-call]
    ]
    for col, rule in enumerate(rules, start=1):
        letter = get_column_letter(col)
        for row, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row, col, value)
        ws.conditional_formatting.add(f"{letter}1:{letter}{len(values)}", rule)
    book = tmp_path / "cf.xlsx"
    wb.save(book)

    html = convert(book, "html", tmp_path / "html").read_text(encoding="utf-8")
    table = html.split("</table>")[0]
    painted = [
        ["bgcolor=" in td for td in re.findall(r"<td[^>]*>", tr)]
        for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    doc_id = lo.open(book)
    try:
        last = f"{get_column_letter(len(rules))}{len(values)}"
        states = lo.conditional_format_range(doc_id, "CF", f"A1:{last}")
        single = lo.conditional_format_active(doc_id, "CF", "H7")
    finally:
        lo.close_doc(doc_id)
    assert single == states[6][7]
    mismatches = [
        (f"{get_column_letter(col + 1)}{row + 1}", state["active"], painted[row][col])
        for row, states_row in enumerate(states)
        for col, state in enumerate(states_row)
        if state["active"] != painted[row][col]
    ]
    assert not mismatches, mismatches


def test_missing_libreoffice_skips_locally_but_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import libreoffice

    monkeypatch.setattr(libreoffice, "libreoffice_available", lambda: False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_libreoffice()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="refusing to skip"):
        require_libreoffice()


def test_exit_code_81_on_first_start_is_retried(tmp_path: Path, workbook: Path) -> None:
    """soffice.bin exits with 81 on a fresh profile; oosplash usually restarts it, but if the
    process we started exits with 81 the harness starts it again."""
    marker = tmp_path / "exited-81-once"
    fake = tmp_path / "soffice"
    real = shutil.which("soffice")
    fake.write_text(
        f'#!/bin/sh\nif [ ! -e "{marker}" ]; then : > "{marker}"; exit 81; fi\nexec "{real}" "$@"\n'
    )
    fake.chmod(0o755)
    with LibreOffice(soffice=str(fake)) as office:
        assert marker.exists()
        doc_id = office.open(workbook)
        assert office.get(doc_id, DATA, "B1")["value"] == 10
