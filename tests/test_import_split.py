"""jixiao import of a publication holding both layouts: each part goes into its own template,
so nothing the other template has no cell for (主管部门, weights…) is dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jixiao.cli import main
from jixiao.excel.book import FileBook
from jixiao.excel.handlers import import_button
from jixiao.outputs.publish import write_publication
from jixiao.readers.xlsx import read_workbook
from jixiao.service.demo import sample
from jixiao.service.import_export import forms_output, import_to_template
from jixiao.service.refusals import OutputExists
from test_import_mixed import form_submission


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 000 (one project and the department part) with 104's two forms after it."""
    folder = tmp_path_factory.mktemp("split")
    seed = sample("seed-000.json")
    forms = form_submission(folder, "104", seed.unit)
    document = folder / "两种版式.docx"
    write_publication([seed, forms], document)
    return document


def test_each_layout_goes_into_its_own_template(mixed: Path, tmp_path: Path) -> None:
    output = tmp_path / "今年.xlsx"
    imported = import_to_template(mixed, output)
    second = forms_output(output)
    assert second == tmp_path / "今年-申报表.xlsx"
    assert [(b.layout, b.path, b.projects, b.profile) for b in imported.written] == [
        ("绩效目标表", output, 1, "hebei"),
        ("申报表", second, 2, "national"),  # the 申报表's own profile, not the 绩效目标表's
    ]
    tables, _ = read_workbook(output)
    forms, _ = read_workbook(second)
    assert tables is not None and forms is not None
    assert [p.number for p in tables.projects] == [1] and tables.department is not None
    assert [p.number for p in forms.projects] == [1, 2]  # closed up: no fake withheld gap
    by_name = {p.name: p for p in imported.submission.projects} if imported.submission else {}
    for project in forms.projects:
        original = by_name[project.name]
        assert (project.supervisor, project.implementer) == (
            original.supervisor,
            original.implementer,
        )
        assert [i.weight for i in project.indicators] == [i.weight for i in original.indicators]
    assert forms.unit.name == tables.unit.name


def test_nothing_is_written_when_the_second_workbook_exists(mixed: Path, tmp_path: Path) -> None:
    output = tmp_path / "今年.xlsx"
    forms_output(output).write_bytes(b"the clerk's own")
    with pytest.raises(OutputExists):
        import_to_template(mixed, output)
    assert not output.exists() and forms_output(output).read_bytes() == b"the clerk's own"


def test_layout_given_writes_one_workbook(mixed: Path, tmp_path: Path) -> None:
    output = tmp_path / "一个.xlsx"
    imported = import_to_template(mixed, output, layout="绩效目标表")
    assert [book.path for book in imported.written] == [output]
    assert not forms_output(output).exists()


def test_the_command_line_names_both_workbooks(mixed: Path, tmp_path: Path) -> None:
    output = tmp_path / "今年.xlsx"
    result = CliRunner().invoke(main, ["import", str(mixed), "-o", str(output)])
    assert result.exit_code in (0, 1), result.output
    assert "今年.xlsx（绩效目标表，1 个项目" in result.output
    assert "今年-申报表.xlsx（申报表，2 个项目" in result.output
    assert "文档含两种版式" in result.output


def test_the_json_report_lists_every_workbook_written(mixed: Path, tmp_path: Path) -> None:
    output = tmp_path / "今年.xlsx"
    result = CliRunner().invoke(main, ["import", str(mixed), "-o", str(output), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert [(w["path"], w["layout"], w["projects"]) for w in data["written"]] == [
        (str(output), "绩效目标表", 1),
        (str(forms_output(output)), "申报表", 2),
    ]
    assert data["written"][1]["profile"] == "national" and data["files"][0]["projects"] == 3


def test_the_ribbon_never_writes_over_an_earlier_import(mixed: Path, tmp_path: Path) -> None:
    from test_workbook import filled

    document = tmp_path / mixed.name
    document.write_bytes(mixed.read_bytes())
    forms_output(document.with_suffix(".xlsx")).write_bytes(b"earlier")
    book = FileBook(filled(tmp_path, "000"))
    book.document = document
    target = import_button(book)
    assert target == document.with_name(f"{document.stem}（导入2）.xlsx")
    assert forms_output(target).is_file() and "2 个项目" in book.messages[-1]


# ---------------------------------------------------------------- what a template has no cells for

OTHER = Path(__file__).parent / "fixtures" / "documents" / "other"


def _not_carried(document: Path, output: Path, layout: str | None = None) -> list[str]:
    imported = import_to_template(document, output, layout=layout)
    return [f.message for f in imported.report.findings if f.code == "import-not-carried"]


def test_the_department_spending_table_goes_into_the_application_workbook(tmp_path: Path) -> None:
    """106 (a 部门整体支出绩效目标表) goes into the 申报表 workbook, whose 部门整体支出 sheet
    holds its totals, 履职目标 amounts, indicators and the roll-up row: nothing is left out."""
    document = next(OTHER.glob("106-*.txt"))
    assert _not_carried(document, tmp_path / "106.xlsx") == []
    assert import_to_template(document, tmp_path / "again.xlsx").layout == "申报表"


def test_the_department_spending_table_says_what_the_workbook_cannot_hold(tmp_path: Path) -> None:
    """Written into the 绩效目标表 (--layout), 106 loses its totals, its 履职目标 amounts, its
    indicators and its roll-up row: the import says so."""
    (said,) = _not_carried(next(OTHER.glob("106-*.txt")), tmp_path / "106.xlsx", "绩效目标表")
    parts = ("资金总额、项目支出和基本支出", "履职目标的支出项目和金额", "绩效指标（6 条）")
    for what in (*parts, "汇总行（1 行）"):
        assert what in said, said
    assert "绩效目标表模板中没有对应的格子" in said


def test_forms_written_into_the_first_layout_say_what_they_lose(tmp_path: Path) -> None:
    (said,) = _not_carried(next(OTHER.glob("104-*.txt")), tmp_path / "104.xlsx", "绩效目标表")
    assert "指标权重" in said and "实施单位" in said


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_nothing_is_said_when_the_template_holds_everything(number: str, tmp_path: Path) -> None:
    from conftest import seed_document

    assert _not_carried(seed_document(number), tmp_path / f"{number}.xlsx") == []


def test_the_form_part_checks_out_on_its_own(mixed: Path, tmp_path: Path) -> None:
    """The 申报表 part is made for its own profile: validated alone it asks for no spending
    plan, 依据 or 项目编码 that the form has no cells for."""
    output = tmp_path / "今年.xlsx"
    import_to_template(mixed, output)
    _, findings = read_workbook(forms_output(output))
    from jixiao.service.collect import validate_path

    codes = {f.code for f in validate_path(forms_output(output)).findings}
    assert not codes & {"plan-checkpoint-missing", "project-code-invalid", "basis-missing"}
    assert findings == []


def test_a_application_workbook_and_its_json_import_into_the_application_form(
    tmp_path: Path,
) -> None:
    from jixiao.service.import_export import export_submission

    first = tmp_path / "a.xlsx"
    import_to_template(next(OTHER.glob("105-*.txt")), first)
    exported = tmp_path / "a.json"
    export_submission(first, exported)
    for source, name in ((first, "b.xlsx"), (exported, "c.xlsx")):
        imported = import_to_template(source, tmp_path / name)
        assert imported.layout == "申报表", source
        assert _not_carried(source, tmp_path / f"again-{name}") == []


@pytest.mark.parametrize("name", ["out.json", "out", "out.xls"])
def test_import_writes_only_xlsx(mixed: Path, tmp_path: Path, name: str) -> None:
    from jixiao.service.refusals import ActionError

    with pytest.raises(ActionError, match=r"\.xlsx 结尾"):
        import_to_template(mixed, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_the_two_workbooks_consolidate_as_one_unit(mixed: Path, tmp_path: Path) -> None:
    """The 绩效目标表 and the 申报表 of one unit are no duplicate submission; two 绩效目标表
    workbooks of it still are."""
    from jixiao.service.actions import consolidate_submissions

    inbox = tmp_path / "报送"
    inbox.mkdir()
    import_to_template(mixed, inbox / "今年.xlsx")
    result = consolidate_submissions([inbox], tmp_path / "汇总.xlsx")
    assert len(result.entries) == 2 and len(result.projects) == 3
    codes = {f.code for e in result.entries for f in e.findings}
    assert "submission-duplicate" not in codes
    (inbox / "再一份.xlsx").write_bytes((inbox / "今年.xlsx").read_bytes())
    again = consolidate_submissions([inbox], tmp_path / "汇总2.xlsx")
    twice = sorted(
        Path(e.file).name
        for e in again.entries
        for f in e.findings
        if f.code == "submission-duplicate"
    )
    assert twice == ["今年.xlsx", "再一份.xlsx"]


def test_a_publication_in_the_inbox_is_not_counted_again(tmp_path: Path) -> None:
    """生成公开文本 writes beside the workbook, often in the folder the unit consolidates: the
    next 汇总 passes jixiao's own publication over (named, it is still read)."""
    from jixiao.filekinds import is_publication
    from jixiao.service.actions import consolidate_submissions
    from jixiao.service.collect import validate_path
    from jixiao.service.publish import publish
    from jixiao.template.build import save_workbook
    from jixiao.template.fill import fill_workbook

    inbox = tmp_path / "报送"
    inbox.mkdir()
    book = inbox / "法院.xlsx"
    save_workbook(fill_workbook(sample("seed-000.json"), min_projects=1), book)
    before = consolidate_submissions([inbox], tmp_path / "汇总1.xlsx")
    document = inbox / "法院-公开文本.docx"
    assert publish([book], document, allow_errors=True).publication is not None
    assert is_publication(document) and not is_publication(book)
    after = consolidate_submissions([inbox], tmp_path / "汇总2.xlsx")
    assert [e.file for e in after.entries] == [e.file for e in before.entries]
    assert len(after.projects) == len(before.projects)
    named = validate_path(document)
    assert named.projects == len(before.projects)  # named on its own, it is read
    other = inbox / "别人的.docx"
    other.write_bytes(b"not a zip")
    assert not is_publication(other)


def test_tables_dir_inside_the_scanned_folder_is_refused(tmp_path: Path) -> None:
    inbox = tmp_path / "报送"
    inbox.mkdir()
    result = CliRunner().invoke(
        main,
        [
            "consolidate",
            str(inbox),
            "-o",
            str(tmp_path / "汇总.xlsx"),
            "--tables-dir",
            str(inbox / "表"),
        ],
    )
    assert result.exit_code == 2 and "--tables-dir" in result.output and "之内" in result.output
    assert list(tmp_path.iterdir()) == [inbox] and list(inbox.iterdir()) == []


def test_a_department_table_too_long_for_the_form_says_why_it_went_elsewhere(
    tmp_path: Path,
) -> None:
    """106 with 14 履职目标 rows does not fit the 部门整体支出 sheet (12 rows): it goes into the
    绩效目标表, and the warning says both what was left out and why the 申报表 did not take it."""
    text = next(OTHER.glob("106-*.txt")).read_text("utf-8")
    row = "确保本室各人员工资及福利的发放 按时发放2019年人员福利 地情、市志编纂与年鉴出版经费 11"
    assert row in text
    extra = "\n".join(f"职能{n} 任务{n} 项目{n} 1" for n in range(11))
    document = tmp_path / "106-长.txt"
    document.write_text(text.replace(row, f"{row}\n{extra}"), "utf-8")
    imported = import_to_template(document, tmp_path / "长.xlsx")
    assert imported.layout == "绩效目标表"
    (said,) = [f.message for f in imported.report.findings if f.code == "import-not-carried"]
    assert "资金总额、项目支出和基本支出" in said
    assert "没有写入申报表，因为" in said and "最多 12 行" in said, said
