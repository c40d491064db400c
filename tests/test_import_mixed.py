"""Importing what ``jixiao publish`` prints (issue 14, the round-trip gaps).

* A document holding both layouts — a unit's 绩效目标表 workbook and its 申报表 workbook
  published together, in either order — comes back with both parts: each project as the
  document of its layout alone gives it (a form's amounts converted to the document's money
  unit, numbered as printed), the department part, the unit and budget year the titles state,
  nothing unparsed.  The same through a text extraction of the document.
* ``**`` is Markdown emphasis only when a pair of them wraps text in a Markdown-ish extraction;
  a template's placeholder (``( ≥**个 )``) stays, and a .docx's own text is never touched.
* 项目编码 and 资金用途 printed in a 申报表 form are read into the project's code and purpose.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from conftest import FIXTURES, seed_document, without_locations
from jixiao.findings import Finding
from jixiao.model import Indicator, Project, Submission, Unit
from jixiao.money import MoneyUnit
from jixiao.outputs.publish import write_publication
from jixiao.readers.documents import import_document, import_text
from jixiao.readers.documents.docx import document_blocks
from jixiao.readers.documents.lines import blocks_from_text, clean
from jixiao.readers.xlsx import read_workbook
from jixiao.service.demo import sample
from jixiao.template.application_fill import fill_application
from jixiao.template.build import save_workbook

OTHER = FIXTURES / "documents" / "other"


def form_submission(folder: Path, number: str, unit: Unit) -> Submission:
    """Document ``number`` of the other layouts as its 申报表 workbook reads (filled, saved,
    read back: what ``jixiao publish`` is given), submitted by ``unit`` in the money unit the
    document states."""
    (path,) = OTHER.glob(f"{number}-*.txt")
    document, findings = import_document(path)
    assert document is not None, findings
    book = folder / f"form-{number}.xlsx"
    save_workbook(fill_application(document, min_projects=1), book)
    read, _ = read_workbook(book)
    assert read is not None and read.projects
    own = dataclasses.replace(unit, money_unit=read.unit.money_unit)
    return dataclasses.replace(read, unit=own)


def round_trip(folder: Path, submissions: list[Submission], name: str) -> Submission:
    """Published by ``write_publication`` and imported back, every line understood."""
    path = folder / f"{name}.docx"
    write_publication(submissions, path)
    back, findings = import_document(path)
    assert back is not None, findings
    assert _said(findings) == []
    return back


def _said(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in findings]


def plain(project: Project) -> Project:
    """A project without its locations or number (the numbers are checked on their own)."""
    return dataclasses.replace(without_locations(project), number=None)


def in_wan(project: Project, unit: MoneyUnit) -> Project:
    """``project`` with its amounts (written in ``unit``) in 万元."""
    rate = unit.yuan / MoneyUnit.WAN.yuan

    def scaled(value: Decimal | None) -> Decimal | None:
        return None if value is None else value * rate

    return dataclasses.replace(
        project,
        budget=scaled(project.budget),
        fiscal=scaled(project.fiscal),
        other=scaled(project.other),
        carryover=scaled(project.carryover),
        total=scaled(project.total),
    )


# ---------------------------------------------------------------- both layouts in one document


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mixed")


@pytest.mark.parametrize("number", ["104", "105"])
@pytest.mark.parametrize("forms_first", [False, True], ids=["hebei-first", "forms-first"])
def test_a_document_of_both_layouts_comes_back_whole(
    folder: Path, number: str, *, forms_first: bool
) -> None:
    """seed 000 (one 绩效目标表 project and the department part, 万元) and a 申报表 workbook
    of the same unit (104: two projects in 元; 105: one in 万元)."""
    seed = sample("seed-000.json")
    forms = form_submission(folder, number, seed.unit)
    alone_seed = round_trip(folder, [seed], f"seed-{number}")
    alone_forms = round_trip(folder, [forms], f"forms-{number}")
    both = [forms, seed] if forms_first else [seed, forms]
    back = round_trip(folder, both, f"both-{number}-{forms_first}")

    hebei = [p for p in back.projects if p.layout is None]
    form = [p for p in back.projects if p.layout is not None]
    assert [plain(p) for p in hebei] == [plain(p) for p in alone_seed.projects]
    money = forms.unit.money_unit
    assert [plain(p) for p in form] == [plain(in_wan(p, money)) for p in alone_forms.projects]
    assert len(form) == len(forms.projects) and len(hebei) == len(seed.projects) == 1
    assert without_locations(back.department) == without_locations(alone_seed.department)

    expected_order = [*form, *hebei] if forms_first else [*hebei, *form]
    assert list(back.projects) == expected_order  # document order
    assert [p.number for p in back.projects] == list(range(1, len(back.projects) + 1))
    assert (back.unit.name, back.unit.code) == (seed.unit.name, seed.unit.code)
    assert (back.unit.year, back.unit.money_unit) == (2024, MoneyUnit.WAN)


def test_a_form_in_yuan_is_converted_exactly(folder: Path) -> None:
    """104's 3,309,840.00 元 beside a 万元 table: 330.984 万元, not 3309840 万元."""
    seed = sample("seed-000.json")
    forms = form_submission(folder, "104", seed.unit)
    back = round_trip(folder, [seed, forms], "converted")
    first = next(p for p in back.projects if p.layout is not None)
    assert first.name == "村组干部报酬" and first.budget == Decimal("330.984")


def test_the_department_part_with_forms_only(folder: Path) -> None:
    """A unit whose projects are all in 申报表 but whose department part is the first
    layout's: the forms are not lost in the department part."""
    seed = sample("seed-000.json")
    department = dataclasses.replace(seed, projects=())
    forms = form_submission(folder, "105", seed.unit)
    back = round_trip(folder, [department, forms], "department-forms")
    assert [p.name for p in back.projects] == ["再生资源回收市场管理经费"]
    assert back.department is not None and not back.department.is_empty
    assert back.unit.year == 2024


def test_the_year_is_the_one_the_document_title_states(folder: Path) -> None:
    """Workbooks of two years published together: the document is titled with the first
    one's year, and that is the year read — never a year from the narrative or the other
    part's tables."""
    seed = sample("seed-000.json")
    forms = form_submission(folder, "104", dataclasses.replace(seed.unit, year=2023))
    for order, year in (([seed, forms], 2024), ([forms, seed], 2023)):
        back = round_trip(folder, order, f"years-{year}")
        assert back.unit.year == year
        assert len(back.projects) == 3


def test_a_text_extraction_of_a_mixed_document(folder: Path) -> None:
    """The same document as a converter's text (a tab between cells, a row a line)."""
    seed = sample("seed-000.json")
    forms = form_submission(folder, "105", seed.unit)
    document = folder / "extracted.docx"
    write_publication([forms, seed], document)
    lines = []
    for block in document_blocks(docx.Document(str(document))):
        cells = [c.text.replace("\n", " ") for c in block.cells]
        lines.append("\t".join(cells) if block.is_row else block.text)
    text, _ = import_text("\n".join(lines), "公开.txt")
    whole, _ = import_document(document)
    assert text is not None and whole is not None
    assert [plain(p) for p in text.projects] == [plain(p) for p in whole.projects]
    assert [p.number for p in text.projects] == [1, 2]
    assert text.unit.year == 2024


FORM = (
    "项目支出绩效目标表\n(2024年度)\n绩效编制单位: 某法院\n"
    "项目名称 乙项目 项目编码 13000024P00000002\n"
    "主管部门 某局 实施单位 某中心\n"
    "资金情况(万元) 年度资金总额: 10\n其中:财政拨款 10\n其他资金 0\n"
    "资金用途\n用于乙项目的\n"
    "总体目标 年度目标\n完成乙。\n"
    "绩效指标 一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 乙数量 >=2个\n"
)
"""A 申报表 as another province's page writes it: space-joined cells, an unnumbered title."""


def test_a_form_after_a_table_of_the_first_layout_in_a_text_extraction() -> None:
    """Seed 000's published text with a form after its last table: the form's title, year and
    unit lines are the form's, not lines the 绩效目标表 cannot read."""
    text = seed_document("000", FIXTURES / "documents").read_text("utf-8")
    alone, alone_findings = import_text(text, "公开.txt")
    both, findings = import_text(text.rstrip("\n") + "\n\n" + FORM, "公开.txt")
    assert alone is not None and both is not None
    assert _said(findings) == _said(alone_findings)
    assert both.projects[:-1] == alone.projects
    added = both.projects[-1]
    assert (added.name, added.code) == ("乙项目", "13000024P00000002")
    assert added.purpose == "用于乙项目的"
    assert (added.budget, added.layout, len(added.indicators)) == (10, "申报表", 1)
    assert alone.unit.year is None  # the captured text states no budget year: the form does
    assert both.unit == dataclasses.replace(alone.unit, year=2024)


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_a_document_of_the_first_layout_has_no_forms(number: str) -> None:
    from jixiao.readers.documents.mixed import split_parts

    text = seed_document(number, FIXTURES / "documents").read_text("utf-8")
    assert split_parts(blocks_from_text(text))[1] == []


@pytest.mark.parametrize("number", ["101", "102", "103", "104", "105", "106"])
def test_documents_of_the_other_layouts_read_as_before(number: str) -> None:
    """A document of forms only is not a mixed one: it is read whole by the other layouts'
    reader, as its reviewed fixture says (tests/test_other_formats.py checks the contents)."""
    (path,) = OTHER.glob(f"{number}-*.txt")
    submission, _ = import_document(path)
    assert submission is not None and all(p.layout for p in submission.projects)


# ---------------------------------------------------------------- ``**``


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("**一、总体绩效目标**", "一、总体绩效目标"),
        ("**绩效指标**：**≥95%**", "绩效指标：≥95%"),
        ("中文**加粗**中文", "中文加粗中文"),
        ("__项目名称__", "项目名称"),
        ("贫困地区旅游景点开发数量( ≥**个 )", "贫困地区旅游景点开发数量( ≥**个 )"),
        ("受益人口(≥**人)和满意度(≥**%)", "受益人口(≥**人)和满意度(≥**%)"),
        ("a ** b ** c", "a ** b ** c"),
        ("** 重点**", "** 重点**"),
        ("联系人：______", "联系人：______"),
        ("snake__case__name", "snake__case__name"),
    ],
)
def test_only_paired_emphasis_is_stripped_from_markdown(written: str, kept: str) -> None:
    assert clean(written) == kept
    assert clean(written, markdown=False) == written  # Word's own text


def test_a_docx_keeps_its_stars(folder: Path) -> None:
    """Word text has no Markdown: ``**`` in a .docx is what the clerk typed, paired or not."""
    indicators = (
        Indicator("产出指标", "数量指标", "开发数量( ≥**个 )", value="≥4个"),
        Indicator("产出指标", "质量指标", "**达标率**", value="≥98%"),
    )
    project = Project(name="**重点**项目", goal="完成**甲**。", indicators=indicators)
    submission = Submission(Unit("某单位", year=2024), (project,), None, {"id": "jixiao-sbb"})
    back = round_trip(folder, [submission], "stars")
    (again,) = back.projects
    assert (again.name, again.goal) == ("**重点**项目", "完成**甲**。")
    assert [i.level3 for i in again.indicators] == ["开发数量( ≥**个 )", "**达标率**"]


def test_markdown_emphasis_is_stripped_from_a_text_extraction() -> None:
    """Seed 000's text with its title and a label in bold and a placeholder in an indicator's
    name: the same submission but the placeholder, which is kept."""
    text = seed_document("000", FIXTURES / "documents").read_text("utf-8")
    changed = _replace_once(text, "\n1.专项项目绩效目标表\n", "\n**1.专项项目绩效目标表**\n")
    changed = _replace_once(changed, "\t办理案件数\t办理案件数\t", "\t办理案件数\t办理**件数\t")
    changed = _replace_once(changed, "项目编码\t", "**项目编码**\t")
    before, _ = import_text(text, "公开.md")
    after, findings = import_text(changed, "公开.md")
    assert before is not None and after is not None, findings
    project = after.projects[0]
    assert project.name == "专项项目" and project.code == before.projects[0].code
    assert project.indicators[0].description == "办理**件数"
    undone = dataclasses.replace(project.indicators[0], description="办理案件数")
    fixed = dataclasses.replace(project, indicators=(undone, *project.indicators[1:]))
    assert dataclasses.replace(after, projects=(fixed, *after.projects[1:])) == before


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# ---------------------------------------------------------------- 项目编码, 资金用途


def test_the_code_and_purpose_of_a_form_come_back(folder: Path) -> None:
    project = Project(
        name="甲项目",
        code="13000024P00000001",
        purpose="用于甲项目的设备购置。",
        goal="完成甲。",
        indicators=(Indicator("产出指标", "数量指标", "甲数量", value="≥1个"),),
    )
    submission = Submission(Unit("某单位", year=2024), (project,), None, {"id": "jixiao-sbb"})
    back = round_trip(folder, [submission], "code-purpose")
    (again,) = back.projects
    assert (again.code, again.purpose) == ("13000024P00000001", "用于甲项目的设备购置。")
    assert (again.name, again.goal) == ("甲项目", "完成甲。")
    assert again.at("code").line is not None and again.at("purpose").line is not None


def test_a_form_code_and_purpose_in_a_text_extraction() -> None:
    """The labels in a 申报表 as another province's page writes them (space-joined cells),
    the purpose on the line under its label."""
    submission, findings = import_text(FORM, "乙.txt")
    assert submission is not None and _said(findings) == []
    (project,) = submission.projects
    assert (project.code, project.purpose, project.goal) == (
        "13000024P00000002",
        "用于乙项目的",
        "完成乙。",
    )
