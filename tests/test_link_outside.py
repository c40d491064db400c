"""A HYPERLINK to outside the workbook in an input cell is ``link-outside`` (a hint), not
``formula-outside``: its value is the link's display text, computed inside the workbook, so what
was read is no stale cache and pasting values would only destroy the link.  A link whose text
is itself fetched from outside keeps ``formula-outside`` with that other kind, and a link within
the workbook (``#项目1!A1``) is nothing."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from jixiao.cli import main
from jixiao.findings import Finding, Severity
from jixiao.readers import cell_notes
from jixiao.readers.interchange import load_submission
from jixiao.readers.xlsx import read_workbook
from jixiao.rules.files import ADDRESS_SHOWN, link_target
from jixiao.service.collect import consolidate_paths
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.template.layout import LAYOUT

P = LAYOUT.project
WEB = "http://example.com/绩效/说明.html"
SHARE = "\\\\server\\共享\\目标表.xlsx"


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """Seed 000 (one project) filled into a template."""
    submission, findings = load_submission(FIXTURES / "seed-000.json")
    assert submission is not None and not findings
    path = tmp_path / "链接.xlsx"
    save_workbook(fill_workbook(submission, min_projects=1), path)
    return path


def edited(path: Path, cells: dict[str, str], sheet: str = "项目1") -> Path:
    book = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        book[sheet][ref] = value
    book.save(path)
    return path


def outward(findings: list[Finding]) -> list[tuple[str, str | None, str | None, str]]:
    """(code, sheet, cell, message) of the findings about reaching outside the workbook."""
    return [
        (f.code, f.sheet, f.cell, f.message)
        for f in findings
        if f.code in ("formula-outside", "link-outside")
    ]


def test_a_web_link_in_an_input_is_a_hint_naming_its_address(workbook: Path) -> None:
    submission, findings = read_workbook(
        edited(workbook, {P.goal: f'=HYPERLINK("{WEB}","绩效目标说明")'})
    )
    assert submission is not None
    (found,) = [f for f in findings if f.code in ("formula-outside", "link-outside")]
    assert (found.code, found.sheet, found.cell) == ("link-outside", "项目1", P.goal)
    assert found.severity is Severity.INFO
    assert f"工作簿以外的「{WEB}」" in found.message
    assert "显示的文字" in found.message and "上次保存" not in found.message
    assert "选择性粘贴" not in found.hint and "受保护的视图" in found.hint


def test_a_link_to_a_file_on_a_share_names_the_file(workbook: Path) -> None:
    formula = '=HYPERLINK("' + SHARE + '")'
    _, findings = read_workbook(edited(workbook, {P.name: formula}))
    assert outward(findings) == [
        ("link-outside", "项目1", P.name, f"超链接指向工作簿以外的「{SHARE}」：" + TAIL)
    ]


TAIL = "读取的是链接显示的文字，不是链接所指的内容"


def test_a_link_whose_text_is_fetched_from_outside_is_formula_outside(workbook: Path) -> None:
    formula = f'=HYPERLINK("{WEB}",WEBSERVICE("http://example.com/goal"))'
    _, findings = read_workbook(edited(workbook, {P.goal: formula}))
    ((code, sheet, cell, message),) = outward(findings)
    assert (code, sheet, cell) == ("formula-outside", "项目1", P.goal)
    assert "网络函数" in message and "超链接" not in message


@pytest.mark.parametrize(
    "formula", ['=HYPERLINK("#项目1!A1","跳转")', '=HYPERLINK("#"&"项目1!A1")']
)
def test_a_link_within_the_workbook_is_nothing(workbook: Path, formula: str) -> None:
    _, findings = read_workbook(edited(workbook, {P.goal: formula}))
    assert outward(findings) == []


def test_a_computed_address_is_shown_as_its_formula(workbook: Path) -> None:
    edited(workbook, {"Z1": WEB, P.goal: '=HYPERLINK(Z1,"说明")'})
    _, findings = read_workbook(workbook)
    ((code, _, cell, message),) = outward(findings)
    assert (code, cell) == ("link-outside", P.goal)
    assert message.startswith('超链接指向公式“HYPERLINK(Z1,"说明")”算出的地址，可能在工作簿以外')


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        (
            "https://www.example.gov.cn/" + "很长的路径/" * 40,
            "https://www.example.gov.cn/很长的路径/很长的路径/很长的路径/很长的路径/…",
        ),
        (  # a host longer than the room: its end, where the owning domain is
            "https://www.mof.gov.cn.files.download.example.evil.cn/x.exe",
            "https://…w.mof.gov.cn.files.download.example.evil.cn",
        ),
    ],
)
def test_a_long_address_is_cut_in_its_path_never_in_its_host(
    workbook: Path, address: str, shown: str
) -> None:
    """A review cut ``https://www.mof.gov.cn.files.download.example.evil.cn/…`` after 40
    characters: the message showed a ministry's address.  The whole clause fits the message's
    quoted part (the rule cuts longer ones wherever they reach)."""
    _, findings = read_workbook(edited(workbook, {P.goal: f'=HYPERLINK("{address}","说明")'}))
    ((code, _, _, message),) = outward(findings)
    assert code == "link-outside"
    assert len(shown) == ADDRESS_SHOWN
    assert f"超链接指向工作簿以外的「{shown}」：" in message


def test_a_link_an_input_takes_through_another_cell_is_no_finding(workbook: Path) -> None:
    """An input taking ``=Z99`` reads the link's display text, computed in the workbook (the
    link does not come along): unlike a stale WEBSERVICE there, no workbook-level finding."""
    edited(workbook, {"Z99": f'=HYPERLINK("{WEB}","说明")', P.goal: "=Z99"})
    _, findings = read_workbook(workbook)
    assert outward(findings) == []
    edited(workbook, {"Z98": '=WEBSERVICE("http://example.com/x")'})
    _, findings = read_workbook(workbook)
    ((code, sheet, cell, message),) = outward(findings)
    assert (code, sheet, cell) == ("formula-outside", "项目1", "Z98")
    assert "工作簿中另有 1 处公式" in message and "网络函数" in message


LINKED = ("LINKED", 'HYPERLINK("http://x")')
FEED = ("FEED", 'WEBSERVICE("http://x")')


@pytest.mark.parametrize(
    "order", [(LINKED, FEED), (FEED, LINKED)], ids=["link first", "feed first"]
)
def test_a_link_and_a_name_reaching_out_is_the_name_s_kind(
    order: tuple[tuple[str, str], ...],
) -> None:
    """A defined name fetching from outside, used with a link: the name's kind wins, whichever
    comes first in the formula or among the names (also through a name using both)."""
    names = cell_notes.Outward.of([("MIXED", "LINKED&FEED"), *order])
    assert names is not None
    assert cell_notes.reach('HYPERLINK("http://x",FEED)', names) == "网络函数"
    assert cell_notes.reach("LINKED&FEED", names) == "网络函数"
    assert cell_notes.reach("MIXED", names) == "网络函数"
    assert cell_notes.reach("LINKED", names) == cell_notes.LINK


@pytest.mark.parametrize(
    ("formula", "address"),
    [
        ('HYPERLINK("http://x/?a=""b""","说明")', 'http://x/?a="b"'),
        ('_xlfn.HYPERLINK("http://x", \'表(1)\'!A1 & "(")', "http://x"),
        # only a formula that is one HYPERLINK names its address (a review hid the address
        # taken behind another in a branch never taken): anything else shows the formula
        ('hyperlink( "#项目1!A1")&HYPERLINK("http://x")', None),
        ('CHOOSE(2,HYPERLINK("https://www.mof.gov.cn/"),HYPERLINK("http://evil.example/"))', None),
        ('HYPERLINK("http://x")&"y"', None),
        ('HYPERLINK("http://"&A1)', None),
        ("HYPERLINK(A1)", None),
        ('HYPERLINK(("http://x"))', None),
    ],
)
def test_a_link_s_address_is_taken_only_when_written_as_one_text(
    formula: str, address: str | None
) -> None:
    assert cell_notes.link_address(formula) == address
    assert cell_notes.reach(formula) == cell_notes.LINK


def test_what_the_message_shows_of_an_address_is_one_line() -> None:
    assert (
        link_target("http://x/\n=cmd|' /c calc'!A0\t", "")
        == "工作簿以外的「http://x/ =cmd|' /c calc'!A0」"
    )


def test_the_link_in_the_issue_list_of_a_consolidation(workbook: Path, tmp_path: Path) -> None:
    """问题清单 carries the hint with the address as plain text (never a formula or a link)."""
    edited(workbook, {P.goal: f'=HYPERLINK("{WEB}","绩效目标说明")'})
    output = tmp_path / "汇总.xlsx"
    consolidate_paths([workbook], output, use_cache=False)
    sheet = openpyxl.load_workbook(output)["问题清单"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    code, message, hint = (header.index(h) for h in ("规则编码", "问题", "修改提示"))
    rows = [row for row in sheet.iter_rows(min_row=2) if row[code].value == "link-outside"]
    assert len(rows) == 1
    (row,) = rows
    assert row[header.index("级别")].value == "提示"
    assert f"「{WEB}」" in str(row[message].value) and row[message].data_type == "s"
    assert row[message].hyperlink is None and "受保护的视图" in str(row[hint].value)
    assert not [r for r in sheet.iter_rows(min_row=2) if r[code].value == "formula-outside"]


def test_the_link_in_jixiao_validate(workbook: Path) -> None:
    before = CliRunner().invoke(main, ["validate", str(workbook)], catch_exceptions=False)
    edited(workbook, {P.goal: f'=HYPERLINK("{WEB}","绩效目标说明")'})
    text = CliRunner().invoke(main, ["validate", str(workbook)], catch_exceptions=False)
    assert text.exit_code == before.exit_code  # a hint changes no verdict
    assert f"「{WEB}」" in text.output and "link-outside" in text.output
    assert "formula-outside" not in text.output
    result = CliRunner().invoke(
        main, ["validate", str(workbook), "--format", "json"], catch_exceptions=False
    )
    found = [f for f in _findings(json.loads(result.output)) if f["code"] == "link-outside"]
    assert [(f["severity"], f["cell"]) for f in found] == [("info", P.goal)]


def _findings(report: object) -> list[dict[str, object]]:
    """Every finding object in a validate JSON report, wherever the report nests them."""
    if isinstance(report, dict):
        if "code" in report and "message" in report:
            return [report]
        return [f for value in report.values() for f in _findings(value)]
    if isinstance(report, list):
        return [f for value in report for f in _findings(value)]
    return []
