"""生成公开文本 for 申报表 workbooks (issue 14 item 4, the publish part).

A project of a 申报表 workbook is published in the 申报表 layout (outputs/publish_application.py):
its title and year, 绩效编制单位, the head table (主管部门/实施单位, 开始/结束日期, 资金情况 with
年度资金总额/其中：财政拨款/其他资金/上年结转/项目资金总额, the 其他信息 rows, 总体目标) and the
indicator table with 指标性质/指标值/度量单位/权重 in their own columns where the form keeps them.

* round trip: the other provinces' documents 101–105 imported, filled into the 申报表 template,
  published, and imported again (``jixiao import``) give what the workbook reads as, ``**``
  included (101's template hints ``( ≥**个 )``: a .docx's text is never read as Markdown);
* the document's make (A4, East Asian fonts, repeated header rows, merged 一级/二级, page
  numbers), a document holding both layouts, the numbering;
* LibreOffice renders the publications with nothing printed over anything and every word on
  its page (``pdftotext -bbox-layout``, as tests/test_print_lo.py does for the first layout).
"""

from __future__ import annotations

import dataclasses
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest

from conftest import FIXTURES, without_locations
from jixiao.model import Indicator, Project, Submission, Unit
from jixiao.outputs.publish import build_publication
from jixiao.outputs.publish_application import EN_SPACE, columns_of
from jixiao.readers.documents import import_document
from jixiao.readers.xlsx import read_workbook
from jixiao.service.demo import sample
from jixiao.service.publish import find_soffice, pdf_via_libreoffice, publish
from jixiao.template.application_fill import fill_application
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook

DOCUMENTS = FIXTURES / "documents" / "other"
FORMS = ("101", "102", "103", "104", "105")
"""The documents whose projects a 申报表 holds (106 is a 部门整体支出 table: no project)."""


def imported(number: str) -> Submission:
    (path,) = DOCUMENTS.glob(f"{number}-*.txt")
    submission, findings = import_document(path)
    assert submission is not None, findings
    return submission


def form_book(folder: Path, submission: Submission, name: str = "form") -> Path:
    path = folder / f"{name}.xlsx"
    save_workbook(fill_application(submission, min_projects=1), path)
    return path


def same_unit(submission: Submission, of: Submission) -> Submission:
    """``submission`` as a workbook of ``of``'s unit (a publication is one unit's)."""
    return dataclasses.replace(submission, unit=of.unit)


def published(folder: Path, books: list[Path], name: str = "公开") -> Path:
    document = folder / f"{name}.docx"
    result = publish(books, document, allow_errors=True)
    assert result.publication is not None and document.is_file(), result.refused
    return document


def comparable(submission: Submission) -> Submission:
    """No locations, template info, cut-off mark or source layout; a project numbered by its
    place (a document's forms carry no number, a workbook's sheets do)."""
    plain = without_locations(submission)
    projects = tuple(
        dataclasses.replace(p, cut_off=None, layout=None, number=n)
        for n, p in enumerate(plain.projects, start=1)
    )
    return dataclasses.replace(plain, projects=projects, rollups=())


def paragraphs(document: Path) -> list[str]:
    return [p.text for p in docx.Document(str(document)).paragraphs if p.text]


def rows(table: Any) -> list[list[str]]:
    """Each row's cells as the .docx reader sees them: a cell merged across columns once, a
    cell merged down from the row above blank."""
    out: list[list[str]] = []
    above: set[Any] = set()
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if cell._tc not in seen:
                seen.add(cell._tc)
                cells.append("" if cell._tc in above else cell.text)
        above |= seen
        out.append(cells)
    return out


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize("number", FORMS)
def test_publish_then_import_gives_the_same_submission(tmp_path: Path, number: str) -> None:
    book = form_book(tmp_path, imported(number))
    document = published(tmp_path, [book])
    back, findings = import_document(document)
    assert back is not None, findings
    assert [(f.code, f.message) for f in findings] == []  # every line understood
    read, _ = read_workbook(book)
    assert read is not None and read.projects
    assert comparable(back) == comparable(read)


def test_every_field_of_the_form_comes_back(tmp_path: Path) -> None:
    """What 101–105 leave blank: 上年结转, 项目资金总额, 长期目标, 定性/定量, 备注, a 项目属性."""
    rows_ = (
        Indicator("产出指标", "数量指标", "培训人数", value="≥200人", symbol="≥", number="200",
                  unit="人", weight=Decimal(30), direction="正向", nature="定量"),
        Indicator("产出指标", "质量指标", "培训合格率", value="≥95%", symbol="≥", number="95",
                  unit="%", weight=Decimal("20.5"), direction="正向", nature="定量",
                  remark="按考试成绩"),
        Indicator("效益指标", "社会效益指标", "基层服务能力", value="明显提升", number="明显提升",
                  weight=Decimal("29.5"), direction="正向", nature="定性"),
        Indicator("满意度指标", "服务对象满意度指标", "学员满意度", value="≥90%", symbol="≥",
                  number="90", unit="%", weight=Decimal(20), direction="正向", nature="定量"),
    )  # fmt: skip
    project = Project(
        name="基层干部培训",
        budget=Decimal("120.00"),
        fiscal=Decimal("100.00"),
        other=Decimal("20.00"),
        carryover=Decimal("15.00"),
        total=Decimal("360.00"),
        long_term_goal="三年内完成全县基层干部轮训。",
        goal="完成年度培训 200 人次，学员合格率不低于 95%。",
        start="2024年1月1日",
        end="2026年12月31日",
        supervisor="[301]某县委组织部",
        implementer="[301001]某县干部学校",
        attributes={"项目属性": "延续项目", "项目负责人及电话": "某某1XXXXXXXXXX"},
        indicators=rows_,
    )
    unit = Unit("某县干部学校", code="301001", year=2024)
    book = form_book(tmp_path, Submission(unit, (project,)))
    document = published(tmp_path, [book])
    back, findings = import_document(document)
    assert back is not None and findings == []
    read, _ = read_workbook(book)
    assert read is not None
    (again,) = back.projects
    text_value = again.indicators[2]  # a 定性 text value: read back as the 指标值 cell
    assert (text_value.value, text_value.number) == ("明显提升", "明显提升")
    as_cell = dataclasses.replace(text_value, number=None)
    indicators = (*again.indicators[:2], as_cell, *again.indicators[3:])
    fixed = dataclasses.replace(again, indicators=indicators)
    assert comparable(dataclasses.replace(back, projects=(fixed,))) == comparable(read)
    assert (again.carryover, again.total) == (Decimal(15), Decimal(360))
    assert again.long_term_goal == "三年内完成全县基层干部轮训。"
    assert [i.nature for i in again.indicators] == ["定量", "定量", "定性", "定量"]
    assert [i.weight for i in again.indicators] == [30, Decimal("20.5"), Decimal("29.5"), 20]


def test_the_code_and_purpose_come_back_and_a_label_the_reader_does_not_know_is_reported(
    tmp_path: Path,
) -> None:
    """项目编码 and 资金用途 come back as the project's code and purpose; a clerk's own 其他信息
    label is printed too, and ``jixiao import``, which does not know it, says so instead of
    reading it into the name or the goal."""
    project = Project(
        name="甲项目",
        code="13000024P00000001",
        purpose="用于甲。",
        goal="完成甲。",
        attributes={"资金投向": "农村"},
        indicators=(Indicator("产出指标", "数量指标", "甲数量", value="≥1个"),),
    )
    book = form_book(tmp_path, Submission(Unit("某单位", year=2024), (project,)))
    document = published(tmp_path, [book])
    assert any("13000024P00000001" in " ".join(r) for t in docx.Document(str(document)).tables
               for r in rows(t))  # fmt: skip
    back, findings = import_document(document)
    assert back is not None
    (again,) = back.projects
    assert (again.name, again.goal) == ("甲项目", "完成甲。")
    assert (again.code, again.purpose) == ("13000024P00000001", "用于甲。")
    unparsed = [f.message for f in findings if f.code == "import-unparsed"]
    assert len(unparsed) == 1 and "农村" in unparsed[0]


# ---------------------------------------------------------------- the document


def test_the_form_layout_of_a_split_table(tmp_path: Path) -> None:
    """104: symbol, number, unit, weight and direction in their own columns; two projects,
    each on its own page, numbered in order."""
    document = published(tmp_path, [form_book(tmp_path, imported("104"))])
    text = paragraphs(document)
    assert text[:5] == [
        "井研县马踏镇人民政府2023年度项目支出绩效目标申报表",
        "1.村组干部报酬项目支出绩效目标申报表",
        "（2023年度）",
        "绩效编制单位：[820001]井研县马踏镇人民政府",
        "单位：元",
    ]
    assert "2.基层组织活动经费项目支出绩效目标申报表" in text
    opened = docx.Document(str(document))
    head, indicators = (rows(t) for t in opened.tables[:2])
    assert head[0] == ["项目名称", "村组干部报酬"]
    assert head[1] == ["主管部门", "", "实施单位", "820001-井研县马踏镇人民政府"]
    assert head[2] == [
        "资金情况",
        "年度资金总额",
        "3309840.00",
        "其中：财政拨款",
        "",
        "其他资金",
        "",
    ]
    assert head[-1] == ["总体目标", "年度目标", "按时发放村组干部报酬"]
    assert indicators[0] == ["绩效指标"]
    assert indicators[1] == [
        "一级指标", "二级指标", "三级指标", "指标方向", "指标性质", "指标值", "度量单位", "权重",
    ]  # fmt: skip
    assert indicators[2] == [
        "效益指标", "社会效益指标", "维护社会稳定", "正向指标", "≥", "95", "%", "10",
    ]  # fmt: skip
    breaks = [p.text for p in opened.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == ["2.基层组织活动经费项目支出绩效目标申报表"]


def test_one_value_column_when_the_form_keeps_the_value_whole(tmp_path: Path) -> None:
    """101: the value as written (``>=20平方米``) in one 指标值 column, 一级/二级 merged."""
    document = published(tmp_path, [form_book(tmp_path, imported("101"))])
    opened = docx.Document(str(document))
    head, indicators = (rows(t) for t in opened.tables[:2])
    assert [
        "主管部门",
        "南岳镇政府",
        "实施单位",
        "[610001]湖南省润山润水生态农业发展有限公司",
    ] in head
    assert ["项目负责人及电话", "某某1XXXXXXXXXX"] in head
    assert indicators[1] == ["一级指标", "二级指标", "三级指标", "指标值"]
    assert indicators[2] == ["产出指标", "数量指标", "贫困地区旅游基础设施建设工程", ">=20平方米"]
    assert indicators[3] == ["", "", "贫困地区旅游景点开发数量( ≥**个 )", ">=4个"]  # merged


def test_the_weight_note_heads_the_indicators_and_dates_stay_as_written(tmp_path: Path) -> None:
    """105: the 绩效指标 note over the table; 44,561 as the form has it; spaces in the goal
    between Chinese characters printed as en spaces (the reader would drop plain ones)."""
    document = published(tmp_path, [form_book(tmp_path, imported("105"))])
    opened = docx.Document(str(document))
    head, indicators = (rows(t) for t in opened.tables[:2])
    assert indicators[0] == [
        "绩效指标（权重分值90分,其中产出指标权重分值50分,效益指标权重分值30分,满意度指标权重分值10分）"
    ]
    assert indicators[1][3:5] == ["指标方向", "指标性质"]
    dated = ["", "时效指标", "项目财政资金到位时间", "正向", "=", "44,561", "44,561", "10"]
    assert dated in indicators
    assert indicators[2] == ["产出指标", "数量指标", "出差人数", "正向", "=", "8", "", "4"]
    goal = head[-1][-1]
    assert f"出差8人{EN_SPACE}目标2" in goal and "达成以下目标: 目标1" in goal


def test_the_document_is_made_for_word_and_wps(tmp_path: Path) -> None:
    document = published(tmp_path, [form_book(tmp_path, imported("104"))])
    with zipfile.ZipFile(document) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
        body = package.read("word/document.xml").decode("utf-8")
        footers = [package.read(n).decode() for n in package.namelist() if "footer" in n]
    for font in ("宋体", "黑体"):
        assert f'w:eastAsia="{font}"' in styles, font
    assert 'w:w="11906"' in body and 'w:h="16838"' in body  # A4 portrait
    assert "<w:cantSplit" not in body  # rows may break across pages
    assert any("PAGE" in f and "NUMPAGES" in f for f in footers)
    opened = docx.Document(str(document))
    table = opened.tables[1]
    repeated = [r._tr.trPr is not None and r._tr.trPr.find(_w("tblHeader")) is not None
                for r in table.rows]  # fmt: skip
    assert repeated[:3] == [True, True, False]  # 绩效指标 and the header on every page
    assert "<w:vMerge" in body


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def test_columns_follow_what_the_indicators_hold() -> None:
    whole = Indicator("产出指标", "数量指标", "x", value="≥1个")
    noted = dataclasses.replace(whole, remark="说明")
    split = Indicator("产出指标", "数量指标", "y", value="≥1个", symbol="≥", number="1", unit="个")
    assert [h for _, h, _ in columns_of([whole])] == ["指标值"]
    assert [h for _, h, _ in columns_of([whole, noted])] == ["指标值", "备注"]
    assert [h for _, h, _ in columns_of([split])] == ["指标性质", "指标值", "度量单位", "权重"]
    weighted = dataclasses.replace(whole, weight=Decimal(10), nature="定量")
    heads = [h for _, h, _ in columns_of([weighted, noted])]
    assert heads == ["定性/定量", "指标性质", "指标值", "度量单位", "权重", "备注"]


def test_a_whole_value_in_a_split_table_is_printed_in_its_parts() -> None:
    """A row read from a one-cell 指标值 beside rows with parts: ``>=95%`` in 指标性质 /
    指标值 / 度量单位, as the form would hold it."""
    whole = Indicator("产出指标", "质量指标", "合格率", value="≥95%", written=">=95%")
    split = Indicator("产出指标", "数量指标", "y", value="≥1个", symbol="≥", number="1", unit="个")
    unit = Unit("某单位", year=2024)
    submission = Submission(unit, (Project(name="甲", indicators=(split, whole)),), None,
                            {"id": "jixiao-sbb"})  # fmt: skip
    document, result = build_publication([submission])
    assert result.forms == 1
    assert rows(document.tables[1])[3] == ["", "质量指标", "合格率", ">=", "95", "%", ""]


def test_both_layouts_in_one_document(tmp_path: Path) -> None:
    """A unit with a 绩效目标表 workbook and a 申报表 workbook: each project in its own layout,
    numbered on through the document."""
    first = tmp_path / "seed-000.xlsx"
    save_workbook(fill_workbook(sample("seed-000.json"), min_projects=1), first)
    second = form_book(tmp_path, same_unit(imported("105"), sample("seed-000.json")))
    document = tmp_path / "两种.docx"
    result = publish([first, second], document, allow_errors=True)
    assert result.publication is not None
    assert (result.publication.projects, result.publication.forms) == (2, 1)
    text = paragraphs(document)
    assert text[0].endswith("预算绩效目标")  # the first layout's title
    titles = [t for t in text if t.endswith(("绩效目标表", "绩效目标申报表"))]
    assert titles[0].startswith("1.") and titles[0].endswith("绩效目标表")
    assert titles[1] == "2.再生资源回收市场管理经费项目支出绩效目标申报表"
    headers = [rows(t)[0] for t in docx.Document(str(document)).tables]
    assert [
        "绩效指标（权重分值90分,其中产出指标权重分值50分,效益指标权重分值30分,满意度指标权重分值10分）"
    ] in headers


# ---------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The publications of 101, 104 (two projects), 105 and a document of both layouts, as
    PDF (one LibreOffice run)."""
    from libreoffice import require_libreoffice
    from test_print_lo import require_writer

    require_libreoffice()
    soffice = find_soffice()
    assert soffice is not None
    require_writer(soffice)
    folder = tmp_path_factory.mktemp("print-forms")
    sources: dict[str, Path] = {}
    for number in ("101", "104", "105"):
        book = form_book(folder, imported(number), f"form-{number}")
        sources[number] = published(folder, [book], f"公开-{number}")
    seed = folder / "seed-000.xlsx"
    court = sample("seed-000.json")
    save_workbook(fill_workbook(court, min_projects=1), seed)
    mixed = form_book(folder, same_unit(imported("104"), court), "form-104-court")
    sources["mixed"] = published(folder, [seed, mixed], "公开-两种")
    pdfs = pdf_via_libreoffice(
        list(sources.values()), folder / "pdf", soffice, folder / "profile", timeout=120
    )
    return dict(zip(sources, pdfs, strict=True))


@pytest.mark.libreoffice
def test_nothing_overprints_and_nothing_leaves_the_page(printed: dict[str, Path]) -> None:
    from pdfcheck import problems

    for name, pdf in printed.items():
        assert problems(pdf) == [], name


@pytest.mark.libreoffice
@pytest.mark.parametrize(("name", "count"), [("101", 1), ("104", 2), ("105", 1)])
def test_one_page_a_form(printed: dict[str, Path], name: str, count: int) -> None:
    from pdfcheck import pages

    found = pages(printed[name])
    assert len(found) == count
    last = found[-1].text.replace(" ", "")
    assert f"第{count}页，共{count}页" in last


@pytest.mark.libreoffice
def test_the_whole_texts_are_on_the_page(printed: dict[str, Path]) -> None:
    from pdfcheck import raw_text

    page = raw_text(printed["105"], 1).replace(" ", "").replace("\n", "")
    for text in ("再生资源回收市场管理经费", "年度预算总成本", "权重分值90分", "44,561"):
        assert text in page, text
    from pdfcheck import pages

    mixed = pages(printed["mixed"])
    assert "2.村组干部报酬项目支出绩效目标申报表" in mixed[-2].text.replace(" ", "")
    assert "3.基层组织活动经费项目支出绩效目标申报表" in mixed[-1].text.replace(" ", "")
