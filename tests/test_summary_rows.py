"""The summary's list rows written as XML (outputs/rowxml.py, issue #15): the same workbook as
XlsxWriter's own calls write, every value as the tables hold it in three independent readers
(openpyxl, python-calamine, LibreOffice), hostile texts kept as text."""

from __future__ import annotations

import dataclasses
import re
import zipfile
import zlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
import xlsxwriter.workbook
from hypothesis import given
from hypothesis import strategies as st
from xlsxwriter.worksheet import Worksheet

from jixiao.a1 import quote_sheet
from jixiao.consolidation.results import Entry
from jixiao.consolidation.table import Kind
from jixiao.consolidation.unit import Consolidation, consolidate
from jixiao.findings import Finding, Severity
from jixiao.outputs import book as summary_book
from jixiao.outputs import rowxml, sheets
from jixiao.outputs.summary import FIXED_DATE as FIXED
from jixiao.outputs.summary import LISTS, Links, _PortableUrl, write_summary
from jixiao.outputs.tables import cell_text, summary_tables
from jixiao.service.actions import run_demo
from jixiao.service.collect import collect
from jixiao.service.demo import planted_court
from jixiao.textwidth import LATIN_EM, column_points, text_height
from libreoffice import LibreOffice

LONG = "长" * 40_000
EMOJI = "😀" * 20_000  # 40,000 UTF-16 units: a cell holds 32,767
INJECTION = (  # XlsxWriter would write it as markup: a formula cell XFA1, a text cell XFA2
    '<r><t>x</t></r></is></c><c r="XFA1"><f>1+1</f></c>'
    '<c r="XFA2" t="inlineStr"><is><r><t>y</t></r>'
)
HOSTILE = (
    "=cmd|' /C calc'!A0",
    "<>&\"'",
    "<r>markup</r>",
    INJECTION,
    "a\x01b\x1fc\x0b",
    "_x0041_ stays as typed",
    "  spaces around  ",
    "第一行\n第二行\r\n第三行",
    "\t=1+1",
    "@SUM(A1)",
    "目标😀✓ ≥95%",
    LONG,
    EMOJI,
)


def packages(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def write_both(
    result: Consolidation, folder: Path, monkeypatch: pytest.MonkeyPatch, **options: Any
) -> tuple[Path, Path]:
    """The summary written by XlsxWriter's own calls and with the rows streamed as XML."""
    paths = []
    for streamed in (False, True):
        monkeypatch.setattr(sheets, "STREAMED", streamed)
        path = folder / f"{'streamed' if streamed else 'xlsxwriter'}.xlsx"
        write_summary(result, path, "演示单位", **options)
        paths.append(path)
    return paths[0], paths[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Consolidation:
    """The demo's inbox consolidated (five workbooks, findings with cells to link to)."""
    folder = tmp_path_factory.mktemp("demo")
    return consolidate(collect([run_demo(folder / "演示").inbox]))


def hostile_result(names: tuple[str, ...] = HOSTILE, unit: str = "<r>法院</r>") -> Consolidation:
    """A court whose projects carry hostile names, its unit named like rich-text markup."""
    court = planted_court()
    projects = tuple(
        dataclasses.replace(court.projects[0], name=name, code=f"130100230000000000{n:02d}")
        for n, name in enumerate(names)
    )
    named = dataclasses.replace(court.unit, name=unit)
    submission = dataclasses.replace(court, unit=named, projects=projects)
    return consolidate([Entry("hostile.json", submission)])


@pytest.mark.parametrize("limit", [10, sheets.ROW_LIMIT])
def test_streamed_rows_are_byte_for_byte_what_xlsxwriter_writes(
    demo: Consolidation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    plain, streamed = write_both(demo, tmp_path, monkeypatch, row_limit=limit)
    expected, got = packages(plain), packages(streamed)
    assert list(got) == list(expected)
    assert [n for n in expected if expected[n] != got[n]] == []
    sheet_xml = b"".join(v for n, v in got.items() if n.startswith("xl/worksheets/sheet"))
    assert sheet_xml.count(b"<hyperlink ") > 10 and b"<row " in sheet_xml  # links, rows


def test_hostile_texts_are_written_as_xlsxwriter_would_except_markup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without texts shaped like ``<r>…</r>`` the two writers agree byte for byte; those XlsxWriter
    writes as raw markup (a cell XFA1 with a formula, from a project's name)."""
    tame = tuple(n for n in HOSTILE if not n.startswith("<r>"))
    assert len(HOSTILE) - len(tame) == 2
    plain, streamed = write_both(hostile_result(tame, "法院"), tmp_path, monkeypatch)
    expected, got = packages(plain), packages(streamed)
    assert [n for n in expected if expected[n] != got[n]] == []
    for path in write_both(hostile_result(), tmp_path, monkeypatch):  # both keep markup as text
        sheet = openpyxl.load_workbook(path)["项目汇总"]
        column = [c.value for c in sheet[1]].index("项目名称")
        names = [unescaped(row[column].value) for row in sheet.iter_rows(min_row=2)]
        assert "<r>markup</r>" in names and INJECTION in names, path.name
        assert sheet["XFA1"].value is None and sheet["XFA2"].value is None


def deflated_sizes(data: bytes) -> dict[int, int]:
    """The raw deflate size of ``data`` at zlib levels 1 and 6."""
    sizes = {}
    for level in (1, 6):
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        sizes[level] = len(packer.compress(data) + packer.flush())
    return sizes


def test_the_package_is_deflated_at_the_fast_level_through_xlsxwriters_seam(
    demo: Consolidation, tmp_path: Path
) -> None:
    """The pinned XlsxWriter still stores its package through the name ``Book`` swaps; every
    part is deflated at level 1 (a level-6 part would have another size), the name is put back,
    and the file reads whole (its parts' checksums, openpyxl, calamine)."""
    assert summary_book.zip_seam_present() and summary_book.ZIP_LEVEL == 1
    path = tmp_path / "汇总.xlsx"
    write_summary(demo, path)
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        differs = 0
        for info in package.infolist():
            sizes = deflated_sizes(package.read(info))
            assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename
            assert info.compress_size == sizes[1], info.filename
            differs += sizes[1] != sizes[6]
        assert differs > 5  # the sheets' sizes tell the two levels apart
    assert "项目汇总" in openpyxl.load_workbook(path, read_only=True).sheetnames
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.get_sheet_by_name("项目汇总").to_python()[0][0] == "下属单位"


def test_without_the_seam_the_package_is_stored_as_xlsxwriter_stores_it(
    demo: Consolidation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another XlsxWriter (its ``ZipFile`` name not zipfile's): level 6, the same content."""
    fast = tmp_path / "fast.xlsx"
    write_summary(demo, fast)

    class Other(zipfile.ZipFile):
        pass

    monkeypatch.setattr(xlsxwriter.workbook, "ZipFile", Other)
    assert not summary_book.zip_seam_present()
    plain = tmp_path / "plain.xlsx"
    write_summary(demo, plain)
    assert xlsxwriter.workbook.ZipFile is Other
    with zipfile.ZipFile(plain) as package:
        for info in package.infolist():
            assert info.compress_size == deflated_sizes(package.read(info))[6], info.filename
    assert packages(plain) == packages(fast)
    assert plain.stat().st_size < fast.stat().st_size


def test_rows_copied_as_bytes_give_the_package_xlsxwriter_copies(
    demo: Consolidation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheets' rows copied into their XML as bytes (book._Sheet) make the same package as
    XlsxWriter's own copy, character by character; every list sheet went the fast way."""
    copies: list[object] = []
    real = summary_book.shutil.copyfileobj

    def counted(source: Any, target: Any, length: int = 0) -> None:
        if length == 1 << 20:  # the rows' copy (zipfile copies 8 KB at a time)
            copies.append(source)
        real(source, target, length)

    monkeypatch.setattr(summary_book.shutil, "copyfileobj", counted)
    fast = tmp_path / "fast.xlsx"
    write_summary(demo, fast, row_limit=10)
    assert len(copies) >= len(LISTS) + 2
    monkeypatch.setattr(
        summary_book._Sheet, "_write_optimized_sheet_data", Worksheet._write_optimized_sheet_data
    )
    copies.clear()
    plain = tmp_path / "plain.xlsx"
    write_summary(demo, plain, row_limit=10)
    assert copies == []
    expected, got = packages(plain), packages(fast)
    assert list(got) == list(expected) and got == expected
    assert sum(n.startswith("xl/worksheets/sheet") for n in got) > len(LISTS) + 2  # continued


@pytest.mark.parametrize(
    "target",
    [
        "external:报送/某单位.xlsx",
        "external:../报送 2024/a%25b [1].xlsx",
        "external:C:/Users/科员/报送/{x}^`.xlsx",
        "external:\\\\server/share/a b.xlsx",
    ],
)
def test_links_copied_per_file_are_what_xlsxwriter_parses(tmp_path: Path, target: str) -> None:
    """A file's later links are copies of its first with their own anchor: field for field
    what XlsxWriter's Url makes of the whole link (sheet names with spaces, quotes, # and /)."""
    links = Links(tmp_path)
    sheets_named = ["项目1", "项目 2", "It's", "a#b", "x/y", "项目汇总表", "A" * 31]
    for number, sheet in enumerate(sheets_named):
        anchor = f"{quote_sheet(sheet)}!F{number + 12}"
        fast = links._link(target, anchor)
        real = _PortableUrl(f"{target}#{anchor}")
        for url in (fast, real):
            url.text, url.tip = f"{sheet}!F{number + 12}", "打开源文件中的这个单元格"
        assert vars(fast) == vars(real), anchor
        assert fast._target() == real._target() and "\\" not in fast._target()
    assert links._parsed is not None and links._parsed[0] == target  # parsed once, kept


def test_links_written_in_one_piece_give_the_package_xlsxwriter_writes(
    demo: Consolidation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """问题清单's <hyperlinks> written by summary_book._Sheet are XlsxWriter's own, byte for byte
    (the links' relationships too); XlsxWriter's writer was not needed for any linked sheet."""
    real = Worksheet._write_hyperlinks
    handed_over: list[bool] = []

    def recorded(self: Worksheet) -> None:
        handed_over.append(bool(self.hyperlinks))
        real(self)

    monkeypatch.setattr(Worksheet, "_write_hyperlinks", recorded)
    fast = tmp_path / "fast.xlsx"
    write_summary(demo, fast, row_limit=10)
    assert handed_over and not any(handed_over)
    monkeypatch.setattr(summary_book._Sheet, "_write_hyperlinks", real)
    monkeypatch.setattr(summary_book._Sheet, "_write_url", Worksheet._write_url)  # XlsxWriter's Url
    plain = tmp_path / "plain.xlsx"
    write_summary(demo, plain, row_limit=10)
    expected, got = packages(plain), packages(fast)
    assert list(got) == list(expected) and got == expected
    sheet_xml = b"".join(v for n, v in got.items() if n.startswith("xl/worksheets/sheet"))
    assert sheet_xml.count(b"<hyperlink ") > 10 and b'tooltip="' in sheet_xml


def test_links_kept_small_give_the_package_xlsxwriter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """External links wait as small KeptLink records (issue #15: ~320 bytes instead of ~860 a
    link until the workbook is stored), also beside a link XlsxWriter keeps itself (a text
    address); the package is XlsxWriter's own, byte for byte, rows and relationships."""

    def build(path: Path) -> list[summary_book.KeptLink]:
        book = summary_book.Book(str(path), {"constant_memory": True})
        book.set_properties({"created": FIXED})
        sheet = book.add_worksheet("问题清单")
        for row in range(5):
            url = _PortableUrl(f"external:报送/单位{row // 2}.xlsx#'项目 1'!B{row + 3}")
            url.text, url.tip = f"项目 1!B{row + 3}", "打开源文件"
            sheet.write_url(row, 0, url)
        sheet.write_url(6, 1, "https://example.com/a", None, "网址")  # XlsxWriter keeps its own
        sheet.write_string(7, 0, "后")
        kept = list(sheet.kept_links)
        book.close()
        return kept

    kept = build(tmp_path / "kept.xlsx")
    assert [(k.row, k.column) for k in kept] == [(r, 0) for r in range(5)]
    assert all(type(k) is summary_book.KeptLink for k in kept)
    assert kept[0].target is kept[1].target and kept[1].target is not kept[2].target
    monkeypatch.setattr(summary_book._Sheet, "_write_url", Worksheet._write_url)
    monkeypatch.setattr(summary_book._Sheet, "_write_hyperlinks", Worksheet._write_hyperlinks)
    assert build(tmp_path / "plain.xlsx") == []
    plain, got = packages(tmp_path / "plain.xlsx"), packages(tmp_path / "kept.xlsx")
    assert got == plain
    sheet_xml = got["xl/worksheets/sheet1.xml"]
    assert (
        sheet_xml.count(b"<hyperlink ") == 6
        and b"example.com" in got["xl/worksheets/_rels/sheet1.xml.rels"]
    )


def test_a_link_longer_than_excel_keeps_is_left_out(tmp_path: Path) -> None:
    """A sheet name of 2,100 characters makes an anchor XlsxWriter refuses (ValueError): that
    finding gets no link, and the run goes on (review13: 汇总 stopped with 程序错误)."""
    (tmp_path / "a.xlsx").write_bytes(b"")
    links = Links(tmp_path)
    book = summary_book.Book(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet("问题清单")
    long = Finding("c", Severity.ERROR, "a.xlsx", "项" * 2100, "B3", None, None, "问题", "提示")
    short = dataclasses.replace(long, sheet="项目1")
    assert links.url(sheet, "a.xlsx", long) is None
    url = links.url(sheet, "a.xlsx", short)
    assert url is not None and url._anchor == "'项目1'!B3"
    assert links._count == {"问题清单": 1}  # only links made count against Excel's limit
    book.close()


def test_supported_only_for_constant_memory_sheets(tmp_path: Path) -> None:
    import xlsxwriter

    streaming = xlsxwriter.Workbook(tmp_path / "a.xlsx", {"constant_memory": True})
    ordinary = xlsxwriter.Workbook(tmp_path / "b.xlsx")
    assert rowxml.supported(streaming.add_worksheet())
    assert not rowxml.supported(ordinary.add_worksheet())
    streaming.close()
    ordinary.close()


def test_inline_text_escapes_as_excel_reads_it() -> None:
    assert rowxml.inline_text("a<b>&c") == "<t>a&lt;b&gt;&amp;c</t>"
    assert rowxml.inline_text("\"'") == "<t>\"'</t>"
    assert rowxml.inline_text("a\x01b") == "<t>a_x0001_b</t>"
    assert rowxml.inline_text("_x0041_") == "<t>_x005F_x0041_</t>"
    assert rowxml.inline_text(" a") == '<t xml:space="preserve"> a</t>'
    assert rowxml.inline_text("<r>x</r>") == "<t>&lt;r&gt;x&lt;/r&gt;</t>"
    assert rowxml.cut(LONG) == "长" * 32_767
    assert rowxml.cut(EMOJI) == "😀" * 16_383  # never half a character
    assert rowxml.cut("短") == "短"


def test_safe_text_keeps_markup_text_for_xlsxwriter(tmp_path: Path) -> None:
    assert sheets.safe_text("普通") == "普通"
    assert (
        sheets.safe_text("<r>x&y</r>")
        == '<r><t xml:space="preserve">&lt;r&gt;x&amp;y&lt;/r&gt;</t></r>'
    )
    huge = "<r>" + "<" * 32_000 + "</r>"
    run = sheets.safe_text(huge)
    assert rowxml.cut(run) == run and run.startswith("<r><t") and run.endswith("</t></r>")


ROW_TEXT = st.text(
    alphabet=st.sampled_from("绩效目标完成率≥≤“”—…，。%％ABCxyz0123456789 .,;:()-_/😀"),
    max_size=120,
)


@given(text=ROW_TEXT, width=st.sampled_from([6.0, 12.0, 18.0, 24.0, 30.0, 40.0]))
def test_row_height_shortcut_gives_the_wrapped_height(text: str, width: float) -> None:
    """A text taken as one line by its measured width is one line when wrapped too."""
    sheets.row_height.cache_clear()
    assert sheets.row_height(text, width) == text_height(text, [width], sheets.FONT_SIZE)


def test_row_height_shortcut_at_the_edge_of_a_line() -> None:
    points = column_points([12.0]) / sheets.FONT_SIZE  # ems a 12-wide column holds
    for count in range(int(points) - 2, int(points) + 3):
        for text in ("绩" * count, "a" * int(count / LATIN_EM), "绩a" * (count // 2)):
            sheets.row_height.cache_clear()
            assert sheets.row_height(text, 12.0) == text_height(text, [12.0], sheets.FONT_SIZE)


# ---------------------------------------------------------------- independent readers


def expected_rows(result: Consolidation, folder: Path, name: str) -> Iterator[list[str]]:
    """A list's rows as its sheet must show them (the CSV export's texts, unguarded), each
    text cut to what a cell holds."""
    table = summary_tables(result, folder)[name]
    kinds = [c.kind for c in table.columns]
    for row in table.rows():
        yield [
            rowxml.cut(v) if isinstance(v, str) else cell_text(v, k)
            for v, k in zip(row, kinds, strict=True)
        ]


def number_text(value: Any, kind: Kind) -> str:
    """What a reader's value shows, by the column's kind (money 0.01, …)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return cell_text(Decimal(repr(value)), kind)
    return str(value)


def unescaped(text: Any) -> Any:
    """A text as Excel reads it from the file: ``_xHHHH_`` is the character U+HHHH (openpyxl
    leaves these escapes in the text; calamine and LibreOffice decode them)."""
    if not isinstance(text, str):
        return text
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Consolidation]:
    folder = tmp_path_factory.mktemp("hostile")
    result = hostile_result()
    write_summary(result, folder / "汇总.xlsx", "演示单位", row_limit=7)
    return folder, result


def list_sheets(names: list[str], name: str) -> list[str]:
    return [name] + [n for n in names if n.startswith(f"{name}(")]


def test_openpyxl_and_calamine_read_every_cell_as_the_tables_hold_it(
    hostile: tuple[Path, Consolidation], demo: Consolidation, tmp_path: Path
) -> None:
    folder, result = hostile
    write_summary(demo, tmp_path / "demo.xlsx", "演示单位", row_limit=10)
    for path, consolidation, where in (
        (folder / "汇总.xlsx", result, folder),
        (tmp_path / "demo.xlsx", demo, tmp_path),
    ):
        book = openpyxl.load_workbook(path)
        calamine = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in LISTS:
            table = summary_tables(consolidation, where)[name]
            kinds = [c.kind for c in table.columns]
            by_openpyxl: list[list[str]] = []
            by_calamine: list[list[str]] = []
            for sheet in list_sheets(book.sheetnames, name):
                for row in book[sheet].iter_rows(min_row=2):
                    assert all(c.data_type != "f" for c in row), sheet  # never a formula
                    by_openpyxl.append(
                        [
                            number_text(unescaped(c.value), k)
                            for c, k in zip(row, kinds, strict=True)
                        ]
                    )
                rows = calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)[1:]
                by_calamine.extend(
                    [number_text(v, k) for v, k in zip(r, kinds, strict=False)]
                    + [""] * (len(kinds) - len(r))
                    for r in rows
                )
            expected = list(expected_rows(consolidation, where, name))
            assert by_openpyxl == expected, (path.name, name)
            if consolidation is demo and name != "部门整体":
                assert len(expected) > 10, name  # the demo fills these lists
            assert by_calamine == expected, (path.name, name)


def test_hostile_names_stay_text_and_add_no_cell(hostile: tuple[Path, Consolidation]) -> None:
    folder, _ = hostile
    book = openpyxl.load_workbook(folder / "汇总.xlsx")
    column = [c.value for c in book["项目汇总"][1]].index("项目名称")
    names = [
        unescaped(row[column].value)
        for sheet in list_sheets(book.sheetnames, "项目汇总")
        for row in book[sheet].iter_rows(min_row=2)
    ]
    assert names == [rowxml.cut(n) for n in HOSTILE]
    for sheet in book.worksheets:
        assert sheet["XFA1"].value is None and sheet["XFA2"].value is None, sheet.title
    plan = book["支出计划"]
    assert "<r>法院</r>" in [c.value for row in plan.iter_rows() for c in row]


def test_libreoffice_shows_the_hostile_names_as_text(
    hostile: tuple[Path, Consolidation], lo: LibreOffice
) -> None:
    folder, result = hostile
    doc = lo.open(folder / "汇总.xlsx")
    try:
        shown: list[list[str]] = []
        width = len(summary_tables(result, folder)["项目汇总"].columns)
        last = openpyxl.utils.get_column_letter(width)
        for sheet in list_sheets([s["name"] for s in lo.sheets(doc)], "项目汇总"):
            shown.extend(lo.get_range(doc, sheet, f"A2:{last}8"))
        shown = [row for row in shown if any(row)]
        expected = list(expected_rows(result, folder, "项目汇总"))
        assert len(shown) == len(expected) == len(HOSTILE)
        kinds = [c.kind for c in summary_tables(result, folder)["项目汇总"].columns]
        for got, want in zip(shown, expected, strict=True):
            for text, value, kind in zip(got, want, kinds, strict=True):
                if kind is Kind.MONEY:  # shown with thousands separators (#,##0.00)
                    text = text.replace(",", "")
                # a line break is shown as typed; CR LF is read as LF
                assert text == value.replace("\r\n", "\n"), (text[:40], value[:40])
        assert lo.get_range(doc, "项目汇总", "XFA1:XFA2") == [[""], [""]]
    finally:
        lo.close_doc(doc)
