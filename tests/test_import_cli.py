"""导入 end to end: document → filled template → read back; the CLI and the ribbon handler."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import seed_document, without_locations
from jixiao.cli import main
from jixiao.excel.book import FileBook
from jixiao.excel.handlers import import_button
from jixiao.readers.documents import import_document
from jixiao.readers.xlsx import read_workbook
from jixiao.service.scan import find_submissions
from jixiao.template.build import build_template, save_workbook
from jixiao.template.fill import fill_workbook


@pytest.mark.parametrize("number", ["000", "001", "002", "004"])
def test_import_then_workbook_then_read_back_is_the_same_model(tmp_path: Path, number: str) -> None:
    submission, _ = import_document(seed_document(number))
    assert submission is not None
    path = tmp_path / "imported.xlsx"
    save_workbook(fill_workbook(submission, min_projects=1), path)
    again, findings = read_workbook(path)
    assert again is not None
    # a document that names no year (000) fills a workbook the clerk still has to date
    assert [f.code for f in findings] == ([] if submission.unit.year else ["year-missing"])
    assert without_locations(again) == without_locations(submission)


def test_import_command_writes_a_filled_template_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "玉田.xlsx"
    result = CliRunner().invoke(
        main, ["import", str(seed_document("004")), "-o", str(out), "--format", "json"]
    )
    assert result.exit_code == 1, result.output  # the document has real errors
    report = json.loads(result.stdout)
    codes = {f["code"] for f in report["files"][0]["findings"]}
    assert {"cost-exceeds-budget", "narrative-table-conflict"} <= codes
    submission, findings = read_workbook(out)
    assert findings == [] and submission is not None and len(submission.projects) == 7
    assert [p.number for p in submission.projects] == [1, 2, 3, 4, 5, 14, 15]


def test_profile_is_detected_and_can_be_overridden(tmp_path: Path) -> None:
    out = tmp_path / "tj.xlsx"
    result = CliRunner().invoke(main, ["import", str(seed_document("001")), "-o", str(out)])
    assert result.exit_code == 1, result.output  # the published tables have real errors
    assert f"已生成填好的模板：{out}（9 个项目，规则配置 tianjin）" in result.output
    result = CliRunner().invoke(
        main, ["import", str(seed_document("001")), "-o", str(out), "--profile", "hebei", "--force"]
    )
    assert result.exit_code == 1, result.output
    assert f"已生成填好的模板：{out}（9 个项目，规则配置 hebei）" in result.output
    submission, _ = read_workbook(out)
    assert submission is not None and submission.unit.profile == "hebei"


def test_validate_takes_documents_but_folders_skip_text_notes(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(seed_document("001")), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["files"][0]["projects"] == 9
    shutil.copy(seed_document("001"), tmp_path / "说明.txt")
    save_workbook(build_template("hebei", 1), tmp_path / "a.xlsx")
    assert [p.name for p in find_submissions([tmp_path])] == ["a.xlsx"]


def test_unreadable_document(tmp_path: Path) -> None:
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"\x00\x01garbage")
    result = CliRunner().invoke(main, ["import", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "file-unreadable" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_ribbon_import_button_never_overwrites(tmp_path: Path) -> None:
    document = tmp_path / "北辰法院.txt"
    shutil.copy(seed_document("001"), document)
    book = FileBook(_blank_book(tmp_path))
    book.document = document
    first = import_button(book)
    second = import_button(book)
    assert first == tmp_path / "北辰法院.xlsx" and second == tmp_path / "北辰法院（导入2）.xlsx"
    assert "已导入 9 个项目" in book.messages[-1]
    book.document = None
    assert import_button(book) is None


def _blank_book(folder: Path) -> Path:
    path = folder / "当前.xlsx"
    save_workbook(build_template("hebei", 1), path)
    return path


def as_markdown_tables(text: str) -> str:
    """The same document as a markdown converter writes it: ``| a | b |`` rows, a rule line."""
    out = []
    previous_row = False
    for line in text.splitlines():
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            out.append("| " + " | ".join(cells) + " |")
            if not previous_row:
                out.append("|" + "---|" * len(cells))
            previous_row = True
        else:
            out.append(line)
            previous_row = False
    return "\n".join(out)


def as_html_tables(text: str) -> str:
    """The same document as an HTML converter writes it: one ``<tr>`` per row, in ``<table>``."""
    out, in_table = [], False
    for line in text.splitlines():
        if "\t" in line:
            if not in_table:
                out.append("<table>")
                in_table = True
            cells = "".join(f"<td>{c.strip()}</td>" for c in line.split("\t"))
            out.append(f"<tr>{cells}</tr>")
        else:
            if in_table:
                out.append("</table>")
                in_table = False
            out.append(f"<p>{line}</p>" if line.strip() else line)
    return "\n".join(out)


CONVERTERS = {"markdown": (as_markdown_tables, ".md"), "html": (as_html_tables, ".txt")}


@pytest.mark.parametrize("number", ["000", "002"])
@pytest.mark.parametrize("style", sorted(CONVERTERS))
def test_other_converters_import_like_tab_rows(tmp_path: Path, number: str, style: str) -> None:
    convert, suffix = CONVERTERS[style]
    original, _ = import_document(seed_document(number))
    page = tmp_path / f"converted{suffix}"
    page.write_text(convert(seed_document(number).read_text("utf-8")), "utf-8")
    converted, findings = import_document(page)
    assert converted is not None
    assert not [f for f in findings if f.code == "import-unparsed"], findings
    assert without_locations(converted.projects) == without_locations(original.projects)
    assert without_locations(converted.department) == without_locations(original.department)


def test_overall_table_cells_that_fit_no_column_are_reported() -> None:
    from jixiao.readers.documents import import_text

    text = seed_document("002").read_text("utf-8")
    line = next(x for x in text.splitlines() if x.startswith("5\t"))
    crowded = text.replace(line, line + "\t多余1\t多余2\t多余3\t多余4")
    submission, findings = import_text(crowded, "002.txt")
    assert submission is not None
    leftovers = [f for f in findings if f.code == "import-unparsed"]
    assert leftovers and all("整体绩效目标表" in f.message for f in leftovers)


def docx_from_text(text: str, path: Path) -> Path:
    """A Word document with the same content: prose lines as paragraphs, runs of tab rows as
    tables (what a clerk's published .docx holds)."""
    import docx  # python-docx: a dependency, never skipped

    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, values in enumerate(rows):
                for c, value in enumerate(values):
                    table.cell(r, c).text = value.strip()
            rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
        else:
            flush()
            if line.strip():
                document.add_paragraph(line.strip())
    flush()
    document.save(str(path))
    return path


@pytest.mark.parametrize("number", ["000", "002"])
def test_docx_narrative_and_overall_table_import_like_the_text(tmp_path: Path, number: str) -> None:
    original, _ = import_document(seed_document(number))
    assert original is not None and original.department is not None
    path = docx_from_text(seed_document(number).read_text("utf-8"), tmp_path / f"{number}.docx")
    converted, findings = import_document(path)
    assert converted is not None, findings
    assert without_locations(converted.department) == without_locations(original.department)
    assert without_locations(converted.projects) == without_locations(original.projects)
