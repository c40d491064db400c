"""生成公开文本 (issue 13): checked workbooks → the published document, and back.

publish → ``jixiao import`` → the same submission, for the four seeds and a demo unit; what the
document is made of (fonts for Word and WPS, A4, page numbers, repeated headers, merged 一级
cells, a landscape 整体绩效目标表); refusing a workbook with errors; the PDF without LibreOffice.
What the document looks like printed: test_print_lo.py.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import docx
import pytest

from conftest import without_locations
from jixiao.model import Submission
from jixiao.readers.documents import import_document
from jixiao.readers.xlsx import read_workbook
from jixiao.service import publish as publishing
from jixiao.service.demo import planted_court, sample
from jixiao.service.publish import NO_LIBREOFFICE, publish
from jixiao.service.refusals import ActionError
from jixiao.template.build import save_workbook
from jixiao.template.fill import fill_workbook
from test_importers import cleaned

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def workbook(tmp_path: Path, name: str, submission: Submission) -> Path:
    path = tmp_path / f"{name}.xlsx"
    save_workbook(fill_workbook(submission, min_projects=1), path)
    return path


def round_trip(tmp_path: Path, name: str, submission: Submission) -> tuple[Submission, Path]:
    """Publish a filled workbook and import the document; return what the workbook reads as."""
    book = workbook(tmp_path, name, submission)
    document = tmp_path / f"{name}.docx"
    result = publish([book], document, allow_errors=True)
    assert result.publication is not None and document.is_file(), result.refused
    imported, findings = import_document(document)
    assert imported is not None, findings
    assert [f.code for f in findings] == []  # every line of the document was understood
    read, _ = read_workbook(book)
    assert read is not None
    assert without_locations(imported) == without_locations(cleaned(read))
    return read, document


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_publish_then_import_gives_the_same_submission(tmp_path: Path, number: str) -> None:
    read, _ = round_trip(tmp_path, f"seed-{number}", sample(f"seed-{number}.json"))
    assert read.projects or read.department  # something was published


def test_a_unit_without_a_name_comes_back_without_one(tmp_path: Path) -> None:
    """review17: seed 002 names no unit; its publication, titled “2023 年度预算绩效目标”,
    was imported again as a unit named “2023年度”."""
    court = sample("seed-002.json")
    nameless = dataclasses.replace(court, unit=dataclasses.replace(court.unit, name=""))
    read, _ = round_trip(tmp_path, "nameless", nameless)  # the same submission, name and all
    assert read.unit.name == ""


def test_a_demo_unit_round_trips(tmp_path: Path) -> None:
    read, _ = round_trip(tmp_path, "planted", planted_court())
    assert read.unit.name == "某区人民法院" and len(read.projects) == 1


def test_withheld_projects_are_noted_and_keep_their_numbers(tmp_path: Path) -> None:
    read, document = round_trip(tmp_path, "seed-004", sample("seed-004.json"))
    text = [p.text for p in docx.Document(str(document)).paragraphs]
    assert "6-13号项目绩效目标按规定暂不公开。" in text
    assert "14.人民调解绩效目标表" in text
    assert [p.number for p in read.projects] == [1, 2, 3, 4, 5, 14, 15]


def test_the_document_is_made_for_word_and_wps(tmp_path: Path) -> None:
    _, document = round_trip(tmp_path, "seed-000", sample("seed-000.json"))
    with zipfile.ZipFile(document) as package:
        styles = package.read("word/styles.xml").decode("utf-8")
        body = package.read("word/document.xml").decode("utf-8")
        footers = [package.read(n).decode() for n in package.namelist() if "footer" in n]
    for font in ("宋体", "仿宋", "黑体"):
        assert f'w:eastAsia="{font}"' in styles, font
    assert 'w:eastAsia="zh-CN"' in styles  # Chinese line breaking
    assert 'w:w="11906"' in body and 'w:h="16838"' in body  # A4 portrait, in twips
    assert "<w:tblHeader" in body  # the indicator header repeats on every page
    assert "<w:vMerge" in body  # 一级/二级 merged over their rows
    assert "<w:cantSplit" not in body  # rows may break across pages
    assert any("PAGE" in f and "NUMPAGES" in f for f in footers)
    paragraphs = [p.text for p in docx.Document(str(document)).paragraphs]
    assert paragraphs[:3] == [
        "石家庄高新技术产业开发区人民法院本级2024年度预算绩效目标",
        "第一部分 部门整体绩效目标",
        "一、总体绩效目标",
    ]
    assert "1.专项项目绩效目标表" in paragraphs
    assert "615001 石家庄高新技术产业开发区人民法院本级" in paragraphs
    assert "单位：万元" in paragraphs
    assert not any("$" in p or "\\geq" in p for p in paragraphs)  # residue printed as ≥


def test_the_overall_table_is_landscape(tmp_path: Path) -> None:
    _, document = round_trip(tmp_path, "seed-002", sample("seed-002.json"))
    opened = docx.Document(str(document))
    assert opened.sections[-1].page_width > opened.sections[-1].page_height
    (table,) = opened.tables
    assert len(table.columns) == 18
    header = [c.text for c in table.rows[0].cells]
    assert header[0] == "职责序号" and header[-1] == "对应科室"


def test_several_workbooks_make_one_document_numbered_on(tmp_path: Path) -> None:
    """One unit's projects in two workbooks (a unit may fill more than one)."""
    court = sample("seed-000.json")
    first = workbook(tmp_path, "a", court)
    second = workbook(tmp_path, "b", dataclasses.replace(planted_court(), unit=court.unit))
    document = tmp_path / "两本.docx"
    result = publish([first, second], document, allow_errors=True)
    assert result.publication is not None and result.publication.projects == 2
    titles = [p.text for p in docx.Document(str(document)).paragraphs if p.text.endswith("目标表")]
    assert titles == ["1.专项项目绩效目标表", "2.审判业务经费绩效目标表"]


def test_workbooks_of_two_units_or_two_years_make_no_one_document(tmp_path: Path) -> None:
    """review14: 石家庄高新区法院 (no year) and 玉田县司法局 (2025) published together came out
    titled 石家庄…2025 年度, 玉田's projects renumbered; now refused, naming what differs."""
    court = sample("seed-000.json")
    first = workbook(tmp_path, "a", court)
    other = workbook(tmp_path, "b", planted_court())  # 某区人民法院, 615002
    document = tmp_path / "两家.docx"
    refused = publish([first, other], document, allow_errors=True)
    assert refused.publication is None and not document.exists()
    assert refused.refused is not None and "不同单位" in refused.refused
    assert f"“{court.unit.name}”" in refused.refused
    assert "“某区人民法院”（615002）" in refused.refused

    def as_unit(name: str, code: str | None) -> Submission:
        unit = dataclasses.replace(court.unit, name=name, code=code)
        return dataclasses.replace(court, unit=unit)

    # one unit: brackets written full- and half-width, one workbook without its code
    books = [workbook(tmp_path, "e", as_unit("某法院（本级）", None))]
    books.append(workbook(tmp_path, "f", as_unit("某法院(本级) ", "615001")))
    together = publish(books, tmp_path / "一家.docx", allow_errors=True)
    assert together.refused is None and together.publication is not None
    # the files' order never decides (review15): no code, then two different codes
    codes = (None, "1", "2")
    books = [workbook(tmp_path, f"o{i}", as_unit("某法院", c)) for i, c in enumerate(codes)]
    for order in (books, books[::-1]):
        refused = publish(order, tmp_path / "顺序.docx", allow_errors=True)
        assert refused.refused is not None and "“某法院”（1）" in refused.refused
    unit = dataclasses.replace(court.unit, year=2024)
    later = dataclasses.replace(court, unit=dataclasses.replace(unit, year=2025))
    books = [workbook(tmp_path, "c", dataclasses.replace(court, unit=unit))]
    books.append(workbook(tmp_path, "d", later))
    refused = publish(books, document, allow_errors=True)
    assert refused.refused is not None and "预算年度不同（2024、2025）" in refused.refused
    assert not document.exists()


def test_a_workbook_with_errors_is_refused_unless_allowed(tmp_path: Path) -> None:
    book = workbook(tmp_path, "planted", planted_court())
    document = tmp_path / "公开.docx"
    refused = publish([book], document)
    assert refused.publication is None and not document.exists()
    assert refused.errors > 0 and refused.refused is not None
    assert (
        f"发现 {refused.errors} 个错误" in refused.refused and "--allow-errors" in refused.refused
    )
    allowed = publish([book], document, allow_errors=True)
    assert allowed.publication is not None and document.is_file()
    assert allowed.errors == refused.errors
    with pytest.raises(ActionError, match="已存在"):
        publish([book], document, allow_errors=True)


def test_pdf_without_libreoffice_is_refused_in_chinese_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = workbook(tmp_path, "seed-001", sample("seed-001.json"))
    monkeypatch.setattr(publishing, "find_soffice", lambda: None)
    document = tmp_path / "公开.docx"
    with pytest.raises(ActionError) as refused:
        publish([book], document, pdf=True, allow_errors=True)
    assert str(refused.value) == NO_LIBREOFFICE and "LibreOffice" in NO_LIBREOFFICE
    assert not document.exists() and not document.with_suffix(".pdf").exists()


def test_the_output_is_a_docx(tmp_path: Path) -> None:
    book = workbook(tmp_path, "seed-001", sample("seed-001.json"))
    with pytest.raises(ActionError, match=r"\.docx"):
        publish([book], tmp_path / "公开.pdf")


def test_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from jixiao.cli import main

    book = workbook(tmp_path, "planted", planted_court())
    document = tmp_path / "公开.docx"
    runner = CliRunner()
    refused = runner.invoke(main, ["publish", str(book), "-o", str(document)])
    assert refused.exit_code == 1 and not document.exists()
    assert "个错误，没有生成公开文本" in refused.output and "--allow-errors" in refused.output
    allowed = runner.invoke(main, ["publish", str(book), "-o", str(document), "--allow-errors"])
    assert allowed.exit_code == 1 and document.is_file()
    assert "已生成公开文本" in allowed.output and "仍有" in allowed.output
    clean = workbook(tmp_path, "seed-001", sample("seed-001.json"))
    again = runner.invoke(main, ["publish", str(clean), "-o", str(document)])
    assert again.exit_code == 2 and "已存在" in again.output  # never overwritten silently


def test_the_console_says_how_many_projects_are_forms(tmp_path: Path) -> None:
    from jixiao.outputs.publish import Publication
    from jixiao.service.publish import Published, published_text

    said = published_text(
        Published([], tmp_path / "公开.docx", 0, publication=Publication(projects=3, forms=2))
    )
    assert "3 个项目（其中 2 个按申报表版式）" in said
    plain = published_text(
        Published([], tmp_path / "公开.docx", 0, publication=Publication(projects=3))
    )
    assert "3 个项目" in plain and "申报表" not in plain
