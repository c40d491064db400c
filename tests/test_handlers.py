"""The ribbon's handlers through the file backend: 一键校验, 清除标记, 新建项目表, 汇总, 导入,
and what a click does around them (the Python-side guard, errors as Chinese messages)."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.a1 import absolute
from jixiao.consolidation.columns import FINDINGS_COLUMNS, SUB_UNIT_COLUMNS
from jixiao.consolidation.table import in_unit
from jixiao.excel import ribbon
from jixiao.excel.book import INPUT_FILL, FileBook
from jixiao.excel.buttons import BUTTONS, BY_KEY, HELP_TEXT, Needs, not_template
from jixiao.excel.handlers import (
    MARK_COLOR,
    SUMMARY_SHEETS,
    clear_marks,
    consolidate_button,
    import_button,
    new_project_sheet,
    publish_button,
    validate_book,
)
from jixiao.model import CHECKPOINTS
from jixiao.readers.xlsx import read_workbook
from jixiao.service.demo import sample
from jixiao.service.refusals import ActionError
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from jixiao.template.layout import LAYOUT, RESULT
from test_workbook import filled

P = LAYOUT.project


@pytest.fixture
def book_004(tmp_path: Path) -> Path:
    return filled(tmp_path, "004")  # money in 元, projects 1–5, 14, 15


def results(path: Path) -> list[tuple[object, ...]]:
    sheet = openpyxl.load_workbook(path)[RESULT.name]
    return [tuple(row) for row in sheet.iter_rows(min_row=RESULT.first_row, values_only=True)]


def fill_of(path: Path, sheet: str, ref: str) -> str:
    color = openpyxl.load_workbook(path)[sheet][ref].fill.fgColor.rgb
    return str(color)[-6:]


def test_validate_lists_the_known_problems_with_working_links(book_004: Path) -> None:
    book = FileBook(book_004)
    report = validate_book(book)
    book.save()
    wb = openpyxl.load_workbook(book_004)
    assert wb.sheetnames.count(RESULT.name) == 1
    rows = results(book_004)
    assert len(rows) == len(report.findings) > 30
    header = next(wb[RESULT.name].iter_rows(min_row=RESULT.header_row, values_only=True))
    assert list(header) == [
        "序号",
        "级别",
        "规则编码",
        "工作表",
        "单元格",
        "项目",
        "问题",
        "修改提示",
    ]
    code, sheet_at, cell_at = (RESULT.index(key) for key in ("code", "sheet", "cell"))
    by_code = {(r[code], r[sheet_at], r[cell_at]) for r in rows}
    cost_cell = f"F{P.first_row + 3}"
    assert ("cost-exceeds-budget", "项目14", cost_cell) in by_code  # 补贴发放标准 ≤8000元 > 3000元
    assert ("direction-suspicious", "项目15", cost_cell) in by_code  # 办公费成本 ≥400元
    assert ("unit-mismatch", "项目15", f"F{P.first_row + 1}") in by_code  # 走访慰问率 >5次
    assert ("symbol-missing", "项目15", f"F{P.first_row + 2}") in by_code  # 98%
    assert any(r[2] == "narrative-table-conflict" for r in rows)
    sheet = wb[RESULT.name]
    assert sheet.freeze_panes == f"A{RESULT.first_row}"
    for row in sheet.iter_rows(min_row=RESULT.first_row):
        link = row[cell_at].hyperlink
        if row[cell_at].value:
            assert link is not None
            target_sheet, target_cell = link.location.split("!")
            assert target_sheet.strip("'") in wb.sheetnames and target_cell == row[cell_at].value
    assert fill_of(book_004, "项目14", cost_cell) == MARK_COLOR
    assert "错误" in book.messages[-1]


def test_running_twice_keeps_one_result_sheet(book_004: Path) -> None:
    book = FileBook(book_004)
    first = validate_book(book)
    second = validate_book(book)
    book.save()
    assert len(first.findings) == len(second.findings)
    wb = openpyxl.load_workbook(book_004)
    assert wb.sheetnames.count(RESULT.name) == 1
    assert len(results(book_004)) == len(second.findings)


def test_fixing_a_cell_and_revalidating_removes_its_mark(book_004: Path) -> None:
    cost_cell = f"F{P.first_row + 3}"
    book = FileBook(book_004)
    validate_book(book)
    book.write_cell("项目14", cost_cell, "≤2000元")
    report = validate_book(book)
    book.save()
    assert not [f for f in report.findings if f.code == "cost-exceeds-budget"]
    assert fill_of(book_004, "项目14", cost_cell) == INPUT_FILL


def test_clear_marks_restores_the_template_look(book_004: Path) -> None:
    book = FileBook(book_004)
    report = validate_book(book)
    count = clear_marks(book)
    book.save()
    assert count == len({(f.sheet, f.cell) for f in report.findings if f.sheet and f.cell})
    wb = openpyxl.load_workbook(book_004)
    assert RESULT.name not in wb.sheetnames
    assert fill_of(book_004, "项目14", f"F{P.first_row + 3}") == INPUT_FILL
    submission, findings = read_workbook(book_004)
    assert findings == [] and submission is not None


def test_new_project_sheet_is_protected_listed_and_readable(book_004: Path) -> None:
    book = FileBook(book_004)
    name = new_project_sheet(book)
    book.save()
    assert name == "项目16"
    wb = openpyxl.load_workbook(book_004)
    names = wb.sheetnames
    assert names.index("项目16") == names.index("项目15") + 1 and names[-2:] == ["列表", "_meta"]
    sheet = wb["项目16"]
    assert sheet.protection.sheet and sheet[P.code].protection.locked is False
    assert sheet[P.title].value.startswith("=IF(") and '"16.' in sheet[P.title].value
    summary = wb[LAYOUT.summary.name]
    assert "项目16" in summary[f"B{LAYOUT.summary.first_row + 15}"].value
    assert len(sheet.data_validations.dataValidation) >= 4
    submission, findings = read_workbook(book_004)
    assert findings == [] and submission is not None and len(submission.projects) == 7


def test_new_project_sheet_shows_the_next_hidden_empty_sheet_first(tmp_path: Path) -> None:
    seed = sample("seed-001.json")
    path = tmp_path / "两个项目.xlsx"
    save_workbook(fill_workbook(dataclasses.replace(seed, projects=seed.projects[:2])), path)
    before = openpyxl.load_workbook(path)
    assert before["项目3"].sheet_state == "hidden"  # unused: it must not print
    book = FileBook(path)
    assert new_project_sheet(book) == "项目3"
    assert "已启用项目表“项目3”" in book.messages[-1]
    book.save()
    after = openpyxl.load_workbook(path)
    assert after["项目3"].sheet_state == "visible"
    first, last = P.print_area.split(":")
    assert after["项目3"].print_area == f"'项目3'!{absolute(first)}:{absolute(last)}"
    assert after.sheetnames == before.sheetnames  # nothing added
    after["项目3"][P.name] = "新项目"
    after.save(path)
    book = FileBook(path)
    assert new_project_sheet(book) == "项目4"  # the next hidden one; 项目3 is in use now


def test_new_project_sheet_keeps_withheld_numbers(book_004: Path) -> None:
    """004 withholds projects 6-13: their hidden sheets stay hidden; the new sheet is 项目16."""
    book = FileBook(book_004)
    assert book.is_hidden("项目6")
    assert new_project_sheet(book) == "项目16" and book.is_hidden("项目6")


def test_help_text_names_every_button() -> None:
    """帮助 is answered by the VBA module alone (from this text): it works without a workbook."""
    assert not BY_KEY["help"].python and BY_KEY["help"].needs is Needs.NOTHING
    for button in BUTTONS:
        if button.key != "help":
            assert button.label in HELP_TEXT, button.label


def test_consolidate_button_on_a_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "报送"
    inbox.mkdir()
    filled(inbox, "001")
    filled(inbox, "004")
    book = FileBook(filled(tmp_path, "000"))
    book.folder = inbox
    result = consolidate_button(book)
    assert result is not None and len(result.projects) == 16
    assert (tmp_path / "报送-汇总.xlsx").is_file()  # beside the folder: never read back as input
    assert "16 个项目" in book.messages[-1] and "报送-汇总.xlsx" in book.messages[-1]
    again = consolidate_button(book)  # the first summary is neither read nor overwritten
    assert again is not None and len(again.entries) == len(result.entries)
    assert (tmp_path / "报送-汇总（2）.xlsx").is_file()


def test_consolidate_button_on_department_sheets_refreshes_not_duplicates(tmp_path: Path) -> None:
    base = sample("seed-001.json")
    projects = tuple(
        dataclasses.replace(p, department="执行局" if i < 3 else None)
        for i, p in enumerate(base.projects)
    )
    path = tmp_path / "one.xlsx"
    save_workbook(fill_workbook(dataclasses.replace(base, projects=projects), min_projects=1), path)
    book = FileBook(path)
    consolidate_button(book)
    consolidate_button(book)
    book.save()
    wb = openpyxl.load_workbook(path)
    for name in SUMMARY_SHEETS:
        assert wb.sheetnames.count(name) == 1
    units = {row[0]: row[1] for row in wb["汇总-下属单位"].iter_rows(min_row=2, values_only=True)}
    assert units == {"执行局": 3, "天津市北辰区人民法院": 6}
    # The same column spec as the summary workbook, minus 文件 (it is this workbook).
    headings = {
        name: next(wb[name].iter_rows(max_row=1, values_only=True)) for name in SUMMARY_SHEETS
    }
    assert headings["汇总-下属单位"] == tuple(
        c.heading for c in in_unit(SUB_UNIT_COLUMNS, "万元") if c.key != "file"
    )
    assert headings["汇总-问题"] == tuple(c.heading for c in FINDINGS_COLUMNS if c.key != "file")
    budgets = {r[0]: r[2] for r in wb["汇总-下属单位"].iter_rows(min_row=2, values_only=True)}
    executive = sum((p.budget or Decimal(0) for p in projects[:3]), Decimal(0))
    assert budgets["执行局"] == pytest.approx(float(executive))
    plan = list(wb["汇总-支出计划"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in plan] == list(CHECKPOINTS)
    assert [r[3] for r in plan] == [None] * 4  # seed 001 has no plan: blank, never NaN or 0
    submission, _ = read_workbook(path)  # the added sheets do not disturb the reader
    assert submission is not None and len(submission.projects) == 9


# ---------------------------------------------------------------- a click: ribbon.press


def test_a_workbook_that_is_no_template_is_refused_before_the_handler(tmp_path: Path) -> None:
    path = tmp_path / "别的表.xlsx"
    openpyxl.Workbook().save(path)
    book = FileBook(path)
    for key in ("validate", "new_project", "clear_marks"):
        ribbon.press(BY_KEY[key], book)
        assert book.messages[-1] == not_template(BY_KEY[key])
    assert openpyxl.load_workbook(path).sheetnames == ["Sheet"]  # nothing touched
    book.folder = None
    consolidate_button(book)  # cancelled folder on a plain workbook: told, nothing written
    assert "不是 jixiao" in book.messages[-1]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ActionError("输出文件已存在"), "一键校验未完成：输出文件已存在"),
        (
            PermissionError(13, "Permission denied", "/x/汇总.xlsx"),
            "一键校验未完成：文件“/x/汇总.xlsx”没有写入权限",
        ),
        (KeyError("boom"), "一键校验未完成：程序出错（KeyError）"),
    ],
)
def test_whatever_a_handler_raises_reaches_the_clerk_in_chinese(
    book_004: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    error: Exception,
    expected: str,
) -> None:
    def broken(book: object) -> None:
        raise error

    monkeypatch.setitem(ribbon.HANDLERS, "validate", broken)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    book = FileBook(book_004)
    ribbon.press(BY_KEY["validate"], book)
    assert book.messages[-1].startswith(expected), book.messages[-1]
    assert "Traceback" not in book.messages[-1]
    log = tmp_path / "home" / ".jixiao" / ribbon.LOG_NAME
    if isinstance(error, KeyError):
        assert "KeyError" in log.read_text("utf-8") and str(log) in book.messages[-1]
    else:
        assert not log.exists()


def test_import_button_goes_through_the_service(tmp_path: Path) -> None:
    from conftest import seed_document

    document = tmp_path / "公开的绩效目标.txt"
    document.write_bytes(seed_document("004").read_bytes())
    book = FileBook(filled(tmp_path, "000"))
    book.document = document
    target = import_button(book)
    assert target == document.with_suffix(".xlsx") and target.is_file()
    assert "已导入" in book.messages[-1]
    assert import_button(book) == document.with_name(f"{document.stem}（导入2）.xlsx")


def _publishable(tmp_path: Path, name: str, submission: object) -> Path:
    path = tmp_path / f"{name}.xlsx"
    save_workbook(fill_workbook(submission, min_projects=1), path)  # type: ignore[arg-type]
    return path


def test_publish_button_writes_the_document_beside_the_workbook(tmp_path: Path) -> None:
    from docx import Document

    from jixiao.service.demo import sample

    seed = sample("seed-001.json")  # its projects 6 and 7 have errors (a 2023 deadline)
    clean = dataclasses.replace(seed, projects=seed.projects[:5])
    book = FileBook(_publishable(tmp_path, "法院", clean))
    target = publish_button(book)
    assert target == tmp_path / "法院-公开文本.docx" and target.is_file()
    assert book.questions == []  # nothing to ask: no errors
    assert "已生成公开文本" in book.messages[-1] and "5 个项目" in book.messages[-1]
    headings = [p.text for p in Document(str(target)).paragraphs if "绩效目标表" in p.text]
    assert headings == [f"{n}.{p.name}绩效目标表" for n, p in enumerate(clean.projects, 1)]
    assert publish_button(book) == tmp_path / "法院-公开文本（2）.docx"  # never over the first


def test_publish_button_asks_before_publishing_errors(tmp_path: Path) -> None:
    from jixiao.service.demo import planted_court

    book = FileBook(_publishable(tmp_path, "planted", planted_court()))
    assert publish_button(book) is None
    assert not list(tmp_path.glob("*.docx"))
    (question,) = book.questions
    errors = int(re.search(r"还有 (\d+) 个错误", question).group(1))  # type: ignore[union-attr]
    assert errors > 0 and book.messages[-1] == "没有生成公开文本。"
    book.answer = True
    target = publish_button(book)
    assert target is not None and target.is_file()
    said = book.messages[-1]
    assert f"仍有 {errors} 个错误" in said and "--allow-errors" not in said


def test_publish_button_wants_a_saved_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.service.demo import sample

    book = FileBook(_publishable(tmp_path, "新建", sample("seed-001.json")))
    monkeypatch.setattr(book, "location", lambda: None)
    assert publish_button(book) is None
    assert "请先把本工作簿保存到本机" in book.messages[-1] and not list(tmp_path.glob("*.docx"))


def test_publish_button_is_on_the_ribbon() -> None:
    assert ribbon.HANDLERS["publish"] is publish_button
    assert BY_KEY["publish"].needs is Needs.TEMPLATE and "生成公开文本" in HELP_TEXT


def test_new_project_sheet_in_a_application_workbook_adds_a_form(tmp_path: Path) -> None:
    """A 申报表 workbook gets 申报表N sheets, never the other layout's 项目N."""
    from jixiao.template.application import APPLICATION
    from jixiao.template.application_fill import fill_application
    from test_publish_application import imported

    path = tmp_path / "申报表.xlsx"
    save_workbook(fill_application(imported("105")), path)  # one form of ten; 2-10 hidden
    book = FileBook(path)
    assert new_project_sheet(book) == "申报表2" and not book.is_hidden("申报表2")
    assert "已启用申报表“申报表2”" in book.messages[-1]
    for number in range(3, 11):
        assert new_project_sheet(book) == f"申报表{number}"
    assert new_project_sheet(book) == "申报表11"  # every form in use: a new one
    assert "已新建申报表“申报表11”" in book.messages[-1]
    book.save()
    wb = openpyxl.load_workbook(path)
    assert not any(name.startswith(LAYOUT.project.prefix) for name in wb.sheetnames)
    added = wb["申报表11"]
    form = APPLICATION.project
    assert added.protection.sheet and '"11.' in added[form.title].value
    copied_from = wb["申报表1"]  # filled: unused 其他信息 rows hidden, indicator rows fitted
    assert any(copied_from.row_dimensions[r].hidden for r in form.extra_rows_range())
    assert not any(added.row_dimensions[r].hidden for r in form.extra_rows_range())
    assert all(added.row_dimensions[r].height is None for r in form.indicator_rows())
    assert wb.sheetnames[-2:] == [LAYOUT.lists.name, LAYOUT.meta.name]
    submission, findings = read_workbook(path)
    assert submission is not None and len(submission.projects) == 1
    assert [f.code for f in findings if f.severity.value == "error"] == []


def test_validate_and_clear_marks_in_a_application_workbook(tmp_path: Path) -> None:
    from jixiao.template.application_fill import fill_application
    from test_publish_application import imported

    path = tmp_path / "申报表.xlsx"
    save_workbook(fill_application(imported("104")), path)  # weights do not total 100
    book = FileBook(path)
    report = validate_book(book)
    (weights, *_) = [f for f in report.findings if f.code == "weight-sum"]
    assert weights.sheet == "申报表1" and weights.cell
    book.save()
    assert fill_of(path, weights.sheet, weights.cell) == MARK_COLOR
    assert any("weight-sum" in map(str, row) for row in results(path))
    assert clear_marks(book) > 0
    book.save()
    assert fill_of(path, weights.sheet, weights.cell) != MARK_COLOR
