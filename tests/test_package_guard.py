"""The package guard cannot be talked past: a far-away cell written any way XML allows, or a
sheet stored anywhere, is refused before python-calamine allocates the grid (issue 10).

Each hostile workbook is read in a child process under a 1 GB address-space limit, so a guard
that lets one through shows up as a crashed child (calamine aborts), never as a crashed suite.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import python_calamine

from jixiao.a1 import a1
from jixiao.readers import (
    cell_notes,
    package,
    part_measure,
    plain_scan,
    relationships,
    text_budget,
)
from jixiao.readers.package import BROKEN_PACKAGE, inspect, preflight
from jixiao.template.build import build_template, save_workbook

SHEET = "xl/worksheets/sheet2.xml"
Edit = Callable[[dict[str, bytes]], None]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guard") / "template.xlsx"
    save_workbook(build_template("hebei", 2), path)
    return path


def rewrite(source: Path, target: Path, edit: Edit) -> Path:
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    edit(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def add_to_sheet_data(xml: bytes, fragment: bytes) -> bytes:
    return xml.replace(b"</sheetData>", fragment + b"</sheetData>", 1)


def far_row(row: bytes) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        parts[SHEET] = add_to_sheet_data(parts[SHEET], row)

    return edit


def prefixed(parts: dict[str, bytes]) -> None:
    xml = parts[SHEET].replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=", 1)
    xml = re.sub(rb"<(/?)(?!x:)([A-Za-z])", rb"<\1x:\2", xml)
    parts[SHEET] = add_to_sheet_data(
        xml.replace(b"</x:sheetData>", b"</sheetData>"),
        b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
    ).replace(b"</sheetData>", b"</x:sheetData>")


def moved(parts: dict[str, bytes]) -> None:
    """The sheet stored under another name, its relationship and content type updated."""
    data = add_to_sheet_data(
        parts.pop(SHEET), b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    parts["xl/data/part.bin"] = data
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"worksheets/sheet2.xml", b"data/part.bin")
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(b"/xl/worksheets/sheet2.xml", b"/xl/data/part.bin")


def implicit(parts: dict[str, bytes]) -> None:
    """Cells without ``r`` continue from the last row: the far corner is implied, not written."""
    cells = b"<c><v>1</v></c>" * 3000
    parts[SHEET] = add_to_sheet_data(parts[SHEET], b'<row r="1000000">' + cells + b"</row>")


def doctype_in_moved_sheet(parts: dict[str, bytes]) -> None:
    moved(parts)
    parts["xl/data/part.bin"] = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]>' + parts["xl/data/part.bin"]
    )


FAR_ROW = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def after_junk(junk: bytes) -> Edit:
    """Bytes before the sheet's first tag: the guard took it for no XML and skipped it, while
    calamine skips the bytes and reads the cells (found by a hostile review)."""

    def edit(parts: dict[str, bytes]) -> None:
        parts[SHEET] = junk + add_to_sheet_data(parts[SHEET], FAR_ROW)

    return edit


def renamed_root(parts: dict[str, bytes]) -> None:
    xml = add_to_sheet_data(parts[SHEET], FAR_ROW)
    parts[SHEET] = xml.replace(b"<worksheet ", b"<notasheet ", 1).replace(
        b"</worksheet>", b"</notasheet>"
    )


def wrapped_root(parts: dict[str, bytes]) -> None:
    xml = add_to_sheet_data(parts[SHEET], FAR_ROW)
    start = xml.index(b"<worksheet")
    parts[SHEET] = xml[:start] + b"<foo>" + xml[start:] + b"</foo>"


FAR = "远离表格"
NOT_A_SHEET = "不是正常的工作表结构"
HOSTILE: list[tuple[str, Edit, str]] = [
    ("form feed before the sheet", after_junk(b"\x0c"), "不是有效的 XML"),
    ("text before the sheet", after_junk(b"junk"), "不是有效的 XML"),
    ("root renamed", renamed_root, NOT_A_SHEET),
    ("root wrapped", wrapped_root, NOT_A_SHEET),
    ("single quotes", far_row(b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"), FAR),
    (
        "spaces around =",
        far_row(b'<row r = "1048576"><c r = "XFD1048576"><v>1</v></c></row>'),
        FAR,
    ),
    ("namespace prefix", prefixed, FAR),
    ("four-letter column", far_row(b'<row r="30000"><c r="AAAA30000"><v>1</v></c></row>'), "超出"),
    ("eight-digit row", far_row(b'<row r="12345678"><c r="A12345678"><v>1</v></c></row>'), "超出"),
    ("ZZ70000", far_row(b'<row r="70000"><c r="ZZ70000"><v>1</v></c></row>'), "ZZ70000"),
    ("character reference", far_row(b'<row r="9"><c r="&#88;FD1048576"><v>1</v></c></row>'), FAR),
    ("sheet stored elsewhere", moved, FAR),
    ("cells without r", implicit, FAR),
    ("DTD in a sheet stored elsewhere", doctype_in_moved_sheet, "DTD"),
]


# --- found by this session's hostile review: each put a far cell past the guard, hid a note,
# --- or ended in 程序出错; every one is refused with a Chinese reason or noted now ---


def junk_sheet_with_case_changed_target(parts: dict[str, bytes]) -> None:
    """The relationship names the sheet in other letter case (python-calamine looks parts up
    case-insensitively) and the part starts with a byte that is not ``<``: the guard knew no
    tab for it and skipped it as not XML; calamine skipped the byte and read the far cell."""
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"worksheets/sheet2.xml", b"worksheets/SHEET2.xml")
    parts[SHEET] = b"x" + add_to_sheet_data(parts[SHEET], FAR_ROW)


def backslashed_junk_sheet(parts: dict[str, bytes]) -> None:
    data = b"\x00" + add_to_sheet_data(parts.pop(SHEET), FAR_ROW)
    parts[SHEET.replace("/", "\\")] = data


def many_sheets_each_within_the_limit(parts: dict[str, bytes]) -> None:
    """Each sheet is within MAX_SHEET_CELLS; together they are far more than a reader holds."""
    corner = b'<row r="1999"><c r="ZZ1999"><v>1</v></c></row>'
    sheet = add_to_sheet_data(parts[SHEET], corner)
    for number in range(20):
        parts[f"xl/worksheets/extra{number}.xml"] = sheet


MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def any_prefix(parts: dict[str, bytes], prefix: bytes) -> None:
    """A far cell whose tags carry a prefix (declared when XML allows one): quick-xml splits
    a name at its first ``:`` whatever stands before it."""
    xml = parts[SHEET]
    if prefix:
        xml = xml.replace(b"<worksheet ", b"<worksheet xmlns:" + prefix + b'="' + MAIN + b'" ', 1)
    tag = prefix + b":"
    parts[SHEET] = add_to_sheet_data(
        xml,
        b"<"
        + tag
        + b'row r="1048576"><'
        + tag
        + b'c r="XFD1048576"><'
        + tag
        + b"v>1</"
        + tag
        + b"v></"
        + tag
        + b"c></"
        + tag
        + b"row>",
    )


def chartsheet_root(parts: dict[str, bytes]) -> None:
    xml = add_to_sheet_data(parts[SHEET], FAR_ROW)
    xml = xml.replace(b"<worksheet ", '<chartsheet xmlns:é="'.encode() + MAIN + b'" ', 1)
    xml = xml.replace(b"</worksheet>", b"</chartsheet>").replace(
        b"<sheetData>", "<é:sheetData>".encode()
    )
    parts[SHEET] = xml.replace(b"</sheetData>", "</é:sheetData>".encode())


def huge_shared_strings(parts: dict[str, bytes]) -> None:
    """python-calamine reserves room for uniqueCount strings before reading one."""
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="' + MAIN + b'" count="1" uniqueCount="10000000000"><si><t>a</t></si></sst>'
    )


def unknown_encoding(parts: dict[str, bytes]) -> None:
    """expat raised LookupError (not an ExpatError): 程序出错."""
    parts[SHEET] = b'<?xml version="1.0" encoding="x-nope"?>' + parts[SHEET].split(b"?>", 1)[-1]


def shared_strings(
    strings: list[str], taken: list[int], cell: bytes = b"<v>%d</v>", wrap: bytes = b""
) -> Edit:
    """A shared-strings table holding ``strings`` (as Excel writes one, named by the
    workbook's relationships), and plainly written cells from row 300 on taking them."""
    table = b'<sst xmlns="' + MAIN + b'" count="%d" uniqueCount="%d">' % (len(taken), len(strings))
    table += b"".join(b"<si><t>" + text.encode() + b"</t></si>" for text in strings) + b"</sst>"
    rows: dict[int, list[bytes]] = {}
    for number, index in enumerate(taken):
        row, column = 300 + number // 52, 1 + number % 52
        ref = a1(row, column).encode()
        rows.setdefault(row, []).append(b'<c r="' + ref + b'" t="s">' + cell % index + b"</c>")
    cells = b"".join(b'<row r="%d">' % r + b"".join(c) + b"</row>" for r, c in rows.items())

    def edit(parts: dict[str, bytes]) -> None:
        parts["xl/sharedStrings.xml"] = b"<%s>" % wrap + table + b"</%s>" % wrap if wrap else table
        parts[SHEET] = add_to_sheet_data(parts[SHEET], cells)
        rels = "xl/_rels/workbook.xml.rels"
        parts[rels] = parts[rels].replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>",
        )
        types = "[Content_Types].xml"
        parts[types] = parts[types].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )

    return edit


LONGEST = "预算绩效目标" * 5461  # 32,766 characters: within Excel's own limit for a cell
"""A review made one such text taken by 12,012 cells (a 131 KB file) abort the reader: every
cell holds a copy of it."""


REVIEWED: list[tuple[str, Edit, str]] = [
    ("a second r", far_row(b'<row r="36"><c r="A36" r="XFD1048576"><v>1</v></c></row>'), "XML"),
    (
        "a glued second r",
        far_row(b'<row r="36"><c r="A36"r="XFD1048576"><v>1</v></c></row>'),
        "XML",
    ),
    ("a row's second r", far_row(b'<row r="36" r="1048576"><c r="A36"><v>1</v></c></row>'), "XML"),
    ("junk sheet named in other case", junk_sheet_with_case_changed_target, "XML"),
    ("junk sheet stored with backslashes", backslashed_junk_sheet, "XML"),
    ("many sheets within the limit", many_sheets_each_within_the_limit, "合计"),
    # a second review: prefixes the scan did not know, read as calamine reads them
    ("a non-ASCII prefix", lambda parts: any_prefix(parts, "é".encode()), FAR),
    ("a CJK prefix", lambda parts: any_prefix(parts, "表".encode()), FAR),
    ("an empty prefix", lambda parts: any_prefix(parts, b""), FAR),
    ("cells under a chartsheet root", chartsheet_root, NOT_A_SHEET),
    ("a shared-strings table of ten billion", huge_shared_strings, "共享字符串"),
    ("an unknown encoding", unknown_encoding, "XML"),
    # a third review: cells without r placed where python-calamine's own counters place them
    (
        "a bare cell after a far cell of row 1",
        far_row(b'<row r="1048576"><c r="XFC1"><v>1</v></c><c><v>1</v></c></row>'),
        FAR,
    ),
    (
        "the column of an empty cell outside the rows",
        far_row(b'<c r="XFC1" s="3"/><row r="100000"><c><v>1</v></c></row>'),
        FAR,
    ),
    (
        "rows counted at their ends",
        far_row(b'<row r="1">' * 20000 + b"</row>" * 20000 + b'<c r="XFC1"/><c><v>1</v></c>'),
        FAR,
    ),
    ("a bare cell past the last row", far_row(b'<row r="1048576"/><c><v>1</v></c>'), "超出"),
    ("one long text taken by many cells", shared_strings([LONGEST], [0] * 12012), "文字合计"),
    # a fourth review: the table under another root, a cell's last value
    (
        "the table under another root",
        shared_strings([LONGEST], [0] * 12012, wrap=b"w"),
        "共享字符串表，但不是正常的结构",
    ),
    (
        "a cell's second value takes the long text",
        shared_strings(["x", LONGEST], [1] * 12012, cell=b"<v>0</v><v>%d</v>"),
        "文字合计",
    ),
]
EVERY_WAY = HOSTILE + REVIEWED


@pytest.mark.parametrize(("name", "edit", "said"), EVERY_WAY, ids=[h[0] for h in EVERY_WAY])
def test_far_cells_are_refused_with_a_chinese_reason(
    template: Path, tmp_path: Path, name: str, edit: Edit, said: str
) -> None:
    path = rewrite(template, tmp_path / f"{name}.xlsx", edit)
    reason = preflight(path)
    assert reason is not None and said in reason, reason


def test_a_genuine_template_passes(template: Path) -> None:
    assert preflight(template) is None


READ_UNDER_LIMIT = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from jixiao.readers.xlsx import read_workbook
out = []
for name in sys.argv[1:]:
    submission, findings = read_workbook(Path(name))
    out.append([submission is None, [f.code for f in findings]])
print(json.dumps(out))
"""


def test_no_hostile_workbook_crashes_a_reader_under_a_memory_limit(
    template: Path, tmp_path: Path
) -> None:
    paths = [str(rewrite(template, tmp_path / f"{i}.xlsx", h[1])) for i, h in enumerate(EVERY_WAY)]
    run = subprocess.run(
        [sys.executable, "-c", READ_UNDER_LIMIT, *paths],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(run.stdout)
    assert results == [[True, ["file-unreadable"]]] * len(EVERY_WAY)


# --- a part not as its header says: a damaged package, said in Chinese (never 程序出错) ---

CENTRAL = b"PK\x01\x02"


def central_entry(data: bytes, name: str) -> int:
    """Where ``name``'s central directory header starts in the package bytes."""
    end = data.rindex(b"PK\x05\x06")  # the end record: where the directory starts
    at = int.from_bytes(data[end + 16 : end + 20], "little")
    while data[at : at + 4] == CENTRAL:
        lengths = [int.from_bytes(data[at + i : at + i + 2], "little") for i in (28, 30, 32)]
        if data[at + 46 : at + 46 + lengths[0]] == name.encode():
            return at
        at += 46 + sum(lengths)
    raise AssertionError(f"{name} is not in the package")


def patched(source: Path, target: Path, offset_in_entry: int, value: bytes) -> Path:
    """``source`` with bytes of the sheet's central directory header replaced."""
    data = bytearray(source.read_bytes())
    at = central_entry(bytes(data), SHEET) + offset_in_entry
    data[at : at + len(value)] = value
    target.write_bytes(bytes(data))
    return target


def notes_of(path: Path) -> tuple[str | None, object, object, bool]:
    reason, notes = inspect(path)
    return reason, notes.errors, notes.outside, notes.external_links


def test_a_stored_package_reads_as_the_deflated_one(template: Path, tmp_path: Path) -> None:
    def outward(parts: dict[str, bytes]) -> None:
        parts[SHEET] = add_to_sheet_data(
            parts[SHEET],
            b'<row r="200"><c r="A200"><f>WEBSERVICE("http://x")</f><v></v></c>'
            b'<c r="B200" t="e"><v>#REF!</v></c></row>',
        )

    deflated = rewrite(template, tmp_path / "deflated.xlsx", outward)
    with zipfile.ZipFile(deflated) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    found = notes_of(deflated)
    assert found[0] is None
    assert found[1] and found[2], found  # the error value and the outward formula were noted
    assert notes_of(stored) == found


@pytest.mark.parametrize(
    ("name", "offset", "value"),
    [
        ("crc", 16, b"\x00\x00\x00\x00"),
        ("declared smaller", 24, (1000).to_bytes(4, "little")),
    ],
)
def test_a_part_not_matching_its_header_is_a_damaged_package(
    template: Path, tmp_path: Path, name: str, offset: int, value: bytes
) -> None:
    path = patched(template, tmp_path / f"{name}.xlsx", offset, value)
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile):
        archive.read(SHEET)  # zipfile says the same
    assert inspect(path)[0] == BROKEN_PACKAGE


def test_a_local_name_other_than_the_directory_s_is_a_damaged_package(
    template: Path, tmp_path: Path
) -> None:
    data = bytearray(template.read_bytes())
    assert data[:4] == b"PK\x03\x04"  # the first part's local header
    data[30] ^= 0x20  # the first letter of its name, in the other case
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile):
        archive.read(archive.namelist()[0])  # zipfile says the same
    assert inspect(path)[0] == BROKEN_PACKAGE


def test_an_encrypted_part_is_refused_in_chinese(template: Path, tmp_path: Path) -> None:
    data = bytearray(template.read_bytes())
    at = central_entry(bytes(data), SHEET)
    data[at + 8] |= 0x1  # the "encrypted" flag
    path = tmp_path / "encrypted.xlsx"
    path.write_bytes(bytes(data))
    reason = inspect(path)[0]
    assert reason is not None and "加密" in reason, reason


# --- notes: no way of writing a cell hides an error value or a formula reaching out ---

ODD_CELLS = [
    # (fragment, the cell, noted as an error value (its text) or as reaching out)
    (b'<row r="201"><c s="0" r="B201"><f>WEBSERVICE("http://x")</f></c></row>', "B201", None),
    (b'<row r="202"><c\tr="C202"><f>FILTERXML(A1,"//a")</f></c></row>', "C202", None),
    (b'<row r="203"><c r="D203"><f>WEB<!-- -->SERVICE("http://x")</f></c></row>', "D203", None),
    (b'<row r="204"><c r="E204"><f><![CDATA[HYPERLINK("http://x")]]></f></c></row>', "E204", None),
    (b"<row r='205'><c r='F205' t = 'e'><v>#DIV/0!</v></c></row>", "F205", "#DIV/0!"),
    (b'<row r="206"><c s="1" t="e" r="G206"><v>#REF!</v></c></row>', "G206", "#REF!"),
    (b'<row r="207"><c r="A207"/><c t="e"><v>#NAME?</v></c></row>', "B207", "#NAME?"),
    (b'<row r="208"><c r="H208"><f>&#87;EBSERVICE("http://x")</f></c></row>', "H208", None),
    # placed by the row counter, not by the r of the cell before (a review: noted at B1)
    (b'<row r="209"><c r="A1"/><c t="e"><v>#REF!</v></c></row>', "B209", "#REF!"),
    (b'<row r="210"><c r="C1"></c><c><f>WEBSERVICE("http://x")</f></c></row>', "D210", None),
]


@pytest.mark.parametrize(("fragment", "cell", "error"), ODD_CELLS, ids=[c[1] for c in ODD_CELLS])
def test_an_oddly_written_cell_is_noted_where_it_is(
    template: Path, tmp_path: Path, fragment: bytes, cell: str, error: str | None
) -> None:
    path = rewrite(template, tmp_path / "odd.xlsx", far_row(fragment))
    reason, notes = inspect(path)
    assert reason is None
    (sheet,) = set(notes.errors) | set(notes.outside)
    if error is None:
        assert "http://x" in notes.outside[sheet][cell][0] or "//a" in notes.outside[sheet][cell][0]
    else:
        assert notes.errors[sheet] == {cell: error}


@pytest.mark.parametrize(
    ("formula", "kind"),
    [
        ('HYPERLINK("#\'项目1\'!A1","项目1")', None),
        ('hyperlink( "#项目2!A1")', None),
        ('HYPERLINK("#"&A1)', None),  # an address starting with # stays in the workbook
        ('HYPERLINK("#项目1!A1")&HYPERLINK("http://x")', "超链接"),
        ("HYPERLINK(A1)", "超链接"),  # A1 may hold a web address
        ('HYPERLINK(("#x"))', "超链接"),
        ('HYPERLINK("http://x/#a")', "超链接"),
        ('HYPERLINK("#x")&WEBSERVICE("http://x")', "网络函数"),
    ],
)
def test_a_link_within_the_workbook_reaches_nothing(formula: str, kind: str | None) -> None:
    assert cell_notes.reach(formula) == kind


@pytest.mark.parametrize(
    ("formula", "kind"),
    [
        ("SUM(表1[金额])", None),
        ("表1[[#This Row],[金额]]*2", None),
        ('IF(A1="","[待填]",A1)', None),
        ("[1]项目1!F11", "外部工作簿"),
        ("'C:\\报表\\[去年.xlsx]项目1'!C5", "外部工作簿"),
        ("[1]!预算合计", "外部工作簿"),
        ("SUMIFS(表1[金额],表1[项目],单位信息!B15)", None),  # (a fifth review's false warning)
        ("'[1]Sheet (2)'!A1", "外部工作簿"),
        ("'C:\\x\\[b.xlsx]S 1'!A1", "外部工作簿"),
    ],
)
def test_another_workbook_is_a_bracket_before_a_sheet(formula: str, kind: str | None) -> None:
    assert cell_notes.reach(formula) == kind


def test_the_template_s_own_links_are_no_note(template: Path) -> None:
    """总览 links every project sheet: none of them is a note (each was, and the sheet was
    read cell by cell on every read)."""
    with zipfile.ZipFile(template) as archive:
        assert b"HYPERLINK(" in archive.read(SHEET)
    reason, notes = inspect(template)
    assert reason is None and notes.outside == {} and notes.errors == {}


def expat_text(written: bytes) -> str:
    """A formula's text as an XML parser reads it (the oracle for ``_unescaped``)."""
    from xml.parsers import expat

    pieces: list[str] = []
    parser = expat.ParserCreate()
    parser.CharacterDataHandler = pieces.append
    parser.Parse(b"<f>" + written + b"</f>", True)
    return "".join(pieces)


@pytest.mark.parametrize(
    "written",
    [
        b"SUM(A1:A9)",
        b'&#87;EBSERVICE("http://x")',
        b"&#x5B;1]Sheet1!A1",
        b"A1&amp;&quot;|&quot;&lt;&gt;&apos;",
        "&#39033;目&#30446;1".encode(),
        b"&#0087;&#x7c;&#x0005B;",
        b"no references at all",
    ],
)
def test_a_scanned_formula_is_read_as_xml_reads_it(written: bytes) -> None:
    assert cell_notes.unescaped(written) == expat_text(written)


def test_a_genuine_200_project_workbook_is_within_the_budget() -> None:
    assert 210 * plain_scan.NEAR_CELLS < part_measure.MAX_BOOK_CELLS


PROJECT_SHEET = "xl/worksheets/sheet5.xml"
"""项目1 of the template (:data:`SHEET` is 总览)."""
HIDDEN_NOTES = [
    # (fragment, the cell, its error value or None for a formula reaching out)
    (b'<row r="210"><c r="B210" ph="a>b" t="e"><v>#REF!</v></c></row>', "B210", "#REF!"),
    (b'<row r="211"><c r="C211" foo="&gt;" t="e"><v>#N/A</v></c></row>', "C211", "#N/A"),
    (b'<row r="212"><c r="D212"><f>&#x00000057;EBSERVICE("http://x")</f></c></row>', "D212", None),
    (b'<row r="213"><c r="E213"><f>&#x0000005B;1]S!A1</f></c></row>', "E213", None),
    (b'<row r="214"><c r="F214"><f>cmd&#000000124;x!A1</f></c></row>', "F214", None),
    # a third review: a formula filled down (Excel writes its first cell only), newer functions
    (
        b'<row r="215"><c r="G215"><f t="shared" ref="G215:G216" si="7">'
        b'WEBSERVICE("http://x")</f></c></row><row r="216"><c r="G216"><f t="shared" si="7"/>'
        b"</c></row>",
        "G216",
        None,
    ),
    (b'<row r="217"><c r="H217"><f>_xlfn.IMAGE("http://x/a.png")</f></c></row>', "H217", None),
    (b'<row r="218"><c r="I218"><f>_xlfn.STOCKHISTORY("X",1)</f></c></row>', "I218", None),
]


@pytest.mark.parametrize(
    ("fragment", "cell", "error"), HIDDEN_NOTES, ids=[h[1] for h in HIDDEN_NOTES]
)
def test_what_the_review_hid_from_the_notes_is_noted(
    template: Path, tmp_path: Path, fragment: bytes, cell: str, error: str | None
) -> None:
    def edit(parts: dict[str, bytes]) -> None:  # a project sheet: no formula there reaches out
        parts[PROJECT_SHEET] = add_to_sheet_data(parts[PROJECT_SHEET], fragment)

    reason, notes = inspect(rewrite(template, tmp_path / "hidden.xlsx", edit))
    assert reason is None
    if error is None:
        assert cell in notes.outside.get("项目1", {}), notes.outside
    else:
        assert notes.errors.get("项目1") == {cell: error}, notes.errors


@pytest.mark.parametrize("written", ["²", "١٢", "１２", "1234567890"])
def test_a_row_number_in_other_digits_is_named_invalid(
    template: Path, tmp_path: Path, written: str
) -> None:
    """Digits Python calls digits but int() or a reader does not take: the row is named
    invalid (they ended as "不是有效的 XML")."""
    row = f'<row r="{written}"><c><v>1</v></c></row>'.encode()
    reason = preflight(rewrite(template, tmp_path / "digits.xlsx", far_row(row)))
    assert reason is not None and f"行号“{written}”无效" in reason, reason


def test_a_formula_using_a_defined_name_that_reaches_out_is_noted(
    template: Path, tmp_path: Path
) -> None:
    """A review hid WEBSERVICE behind a defined name (``=JX_FEED``): a cell using a name whose
    formula reaches outside reaches outside too; a longer name holding it does not."""
    cells = (
        b'<row r="220"><c r="B220"><f>jx_feed&amp;""</f></c><c r="C220"><f>JX_FEED2</f></c>'
        b"<c r=\"D220\"><f>'&#39033;1'!JX_FEED</f></c></row>"
    )

    def edit(parts: dict[str, bytes]) -> None:
        book = "xl/workbook.xml"
        assert b"<definedNames>" in parts[book]
        parts[book] = parts[book].replace(
            b"<definedNames>",
            b'<definedNames><definedName name="JX_FEED">WEBSERVICE("http://x")</definedName>'
            b'<definedName name="JX_FEED2">1</definedName>',
            1,
        )
        parts[PROJECT_SHEET] = add_to_sheet_data(parts[PROJECT_SHEET], cells)

    reason, notes = inspect(rewrite(template, tmp_path / "name.xlsx", edit))
    assert reason is None
    found = {cell: kind for cell, (_, kind) in notes.outside.get("项目1", {}).items()}
    assert found == {"B220": "网络函数", "D220": "网络函数"}, notes.outside


def notes_with(template: Path, path: Path, edit: Edit, cells: bytes) -> dict[str, str]:
    """The outward notes of 项目1 (by cell: what it reaches with) once ``edit`` and ``cells``
    are made (cells on 项目1, where no formula of the template reaches out)."""

    def both(parts: dict[str, bytes]) -> None:
        edit(parts)
        parts[PROJECT_SHEET] = add_to_sheet_data(parts[PROJECT_SHEET], cells)

    reason, notes = inspect(rewrite(template, path, both))
    assert reason is None, reason
    return {cell: kind for cell, (_, kind) in notes.outside.get("项目1", {}).items()}


def defining(*names: bytes) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        book = "xl/workbook.xml"
        parts[book] = parts[book].replace(b"<definedNames>", b"<definedNames>" + b"".join(names))

    return edit


WEB = b'<definedName name="FEEDS">WEBSERVICE("http://x")</definedName>'


@pytest.mark.parametrize(
    ("names", "formula"),
    [
        # through a name using it (a review's chain)
        ((WEB, b'<definedName name="VIA">FEEDS&amp;""</definedName>'), b"VIA"),
        # a sheet's own name reaching out, a workbook's of the same name not
        (
            (
                b'<definedName name="LOCAL" localSheetId="3">WEBSERVICE("http://x")</definedName>',
                b'<definedName name="LOCAL">1</definedName>',
            ),
            b"LOCAL",
        ),
        ((WEB,), "FEEDſ".encode()),  # (re.I matched it, the lookup raised KeyError: 程序出错)
    ],
    ids=["chain", "scoped", "long s"],
)
def test_every_way_to_a_name_that_reaches_out_is_noted(
    template: Path, tmp_path: Path, names: tuple[bytes, ...], formula: bytes
) -> None:
    cells = b'<row r="221"><c r="B221"><f>' + formula + b"</f></c></row>"
    assert notes_with(template, tmp_path / "n.xlsx", defining(*names), cells) == {
        "B221": "网络函数"
    }


def test_an_array_formula_is_noted_on_every_cell_it_fills(template: Path, tmp_path: Path) -> None:
    """Written on its first cell only (a review put a label's array formula over an input)."""
    cells = (
        b'<row r="222"><c r="A222"><f t="array" ref="A222:C222">'
        b'IF({1,0,1},"x",WEBSERVICE("http://x"))</f><v>x</v></c></row>'
        b'<row r="223"><c r="B223"><f t="shared" ref="B223:B224" si="4">'
        b'CUBEMEMBER("OLAP","x")</f></c></row>'
        b'<row r="224"><c r="B224"><f t="shared" si="04"/></c></row>'
    )
    found = notes_with(template, tmp_path / "a.xlsx", lambda parts: None, cells)
    assert found == {
        "A222": "网络函数",
        "B222": "网络函数",
        "C222": "网络函数",
        "B223": "网络函数",
        "B224": "网络函数",  # si="04" is group 4, as LibreOffice reads it
    }


STRICT = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def strict(parts: dict[str, bytes]) -> None:
    """The workbook part in Strict Open XML (Excel's own spelling; LibreOffice opens it)."""
    book = "xl/workbook.xml"
    parts[book] = (
        parts[book]
        .replace(MAIN, STRICT)
        .replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        )
    )


def two_workbooks(parts: dict[str, bytes]) -> None:
    """Two relationships to a workbook part: python-calamine takes the last."""
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b"<Relationship ",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="xl/nothing.xml" Id="rId99"/><Relationship ',
        1,
    )


@pytest.mark.parametrize("edit", [strict, two_workbooks], ids=["strict", "two workbooks"])
def test_the_notes_know_the_sheets_however_the_workbook_is_written(
    template: Path, tmp_path: Path, edit: Edit
) -> None:
    """A review made the notes lose every sheet (so say nothing) with workbook parts python-
    calamine reads all the same."""
    cells = b'<row r="225"><c r="B225"><f>WEBSERVICE("http://x")</f></c></row>'
    assert notes_with(template, tmp_path / "w.xlsx", edit, cells) == {"B225": "网络函数"}


def test_a_workbook_part_that_is_not_xml_is_refused(template: Path, tmp_path: Path) -> None:
    def broken(parts: dict[str, bytes]) -> None:
        book = "xl/workbook.xml"
        parts[book] = parts[book].replace(b"</sheets>", b"</sheetsX>", 1)

    reason = preflight(rewrite(template, tmp_path / "broken.xlsx", broken))
    assert reason is not None and "结构部分不是有效的 XML" in reason, reason


def test_a_prefixed_sheet_s_notes_are_read(template: Path, tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        prefixed(parts)  # a far cell too: take it out again, keep the prefixes
        xml = parts[SHEET].replace(
            b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
            b'<x:row r="215"><x:c r="G215" t="e"><x:v>#DIV/0!</x:v></x:c></x:row>',
        )
        parts[SHEET] = xml

    path = rewrite(template, tmp_path / "prefixed.xlsx", edit)
    reason, notes = inspect(path)
    assert reason is None
    assert any(found.get("G215") == "#DIV/0!" for found in notes.errors.values()), notes.errors


def test_a_sheet_that_is_not_xml_where_the_notes_read_it_is_refused_in_chinese(
    template: Path, tmp_path: Path
) -> None:
    fragment = b'<row r="216"><c r="H216" t="e"><v>#REF!</v></c></row></x>'  # a stray end tag
    path = rewrite(template, tmp_path / "stray.xlsx", far_row(fragment))
    reason = preflight(path)
    assert reason is not None and "不是有效的 XML" in reason, reason


def test_a_damaged_deflate_stream_is_a_damaged_package(template: Path, tmp_path: Path) -> None:
    data = bytearray(template.read_bytes())
    at = central_entry(bytes(data), SHEET)
    offset = int.from_bytes(data[at + 42 : at + 46], "little")
    start = offset + 30 + int.from_bytes(data[offset + 26 : offset + 28], "little")
    start += int.from_bytes(data[offset + 28 : offset + 30], "little")
    data[start] = 0xFF  # a deflate block of the reserved type
    path = tmp_path / "inflate.xlsx"
    path.write_bytes(bytes(data))
    assert inspect(path)[0] == BROKEN_PACKAGE


def test_many_unclosed_formula_tags_are_settled_in_one_pass(template: Path, tmp_path: Path) -> None:
    """Not timed: the scan must not walk to the end of the part from every ``<f `` (it did,
    quadratically); with the repetition stopping at the next ``<``, each match is short."""
    data = b"<f a " * 50_000
    matches = plain_scan._SCAN.findall(b"<sheetData>" + data + b"</sheetData>")
    assert len(matches) == 50_000


def test_a_panic_in_the_engine_is_the_file_s_finding(
    template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """python-calamine raises a Rust panic (an allocation that failed) as a BaseException:
    it is this file's finding, never the end of the run; Ctrl+C still ends it."""
    from jixiao.readers import workbook, xlsx

    class PanicException(BaseException):  # pyo3's, by name: it is not importable
        pass

    def panics(_: object) -> object:
        raise PanicException("memory allocation failed")

    monkeypatch.setattr(workbook.CalamineBook, "__init__", lambda self, path: panics(path))
    submission, findings = xlsx.read_workbook(template)
    assert submission is None and [f.code for f in findings] == ["file-unreadable"]
    assert workbook.engine_failed(PanicException())
    assert not workbook.engine_failed(KeyboardInterrupt())


def test_a_far_cell_is_named_where_it_is(template: Path, tmp_path: Path) -> None:
    """The reason names the far cell itself (it named a column the row did not have:
    "M1048576"; a row tag no longer counts, only a cell holding something)."""
    path = rewrite(template, tmp_path / "row.xlsx", far_row(FAR_ROW))
    reason = preflight(path)
    assert reason is not None and "最远到 XFD1048576 附近" in reason, reason


EMPTY_FAR_AWAY: list[tuple[str, Edit]] = [
    ("a styled empty cell", far_row(b'<row r="200000"><c r="M200000" s="3"/></row>')),
    ("an empty cell written open", far_row(b'<row r="200000"><c r="XFD200000" s="3"></c></row>')),
    ("a row height on the last row", far_row(b'<row r="1048576" ht="20" customHeight="1"/>')),
    (
        "a dimension far out",
        lambda parts: parts.update(
            {
                SHEET: re.sub(
                    rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:M200000"/>', parts[SHEET]
                )
            }
        ),
    ),
]
"""What a spreadsheet reader places but holds nothing for: the guard refused each as far
cells (a review's false positives), while python-calamine reads them in a few kilobytes."""


@pytest.mark.parametrize(("name", "edit"), EMPTY_FAR_AWAY, ids=[e[0] for e in EMPTY_FAR_AWAY])
def test_what_holds_nothing_far_away_passes(
    template: Path, tmp_path: Path, name: str, edit: Edit
) -> None:
    path = rewrite(template, tmp_path / f"{name}.xlsx", edit)
    assert preflight(path) is None
    with zipfile.ZipFile(path) as archive:  # the edit is there (the dimension's too)
        assert b"200000" in archive.read(SHEET) or b"1048576" in archive.read(SHEET)


def test_empty_far_cells_read_under_a_memory_limit(template: Path, tmp_path: Path) -> None:
    """And the reader reads them as it reads the template itself (under 1 GB, as every
    hostile workbook above is read)."""
    paths = [str(rewrite(template, tmp_path / f"{n}.xlsx", e)) for n, e in EMPTY_FAR_AWAY]
    run = subprocess.run(
        [sys.executable, "-c", READ_UNDER_LIMIT, str(template), *paths],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(run.stdout)
    assert results[1:] == [results[0]] * len(EMPTY_FAR_AWAY)
    assert results[0][0] is False  # the template itself is read


def test_an_empty_cell_still_places_the_one_after_it(template: Path, tmp_path: Path) -> None:
    """A cell written without ``r`` follows the cell before it, empty or not: a far empty
    cell followed by one holding a value is refused."""
    row = b'<row r="1048576"><c r="XFC1048576" s="3"/><c><v>1</v></c></row>'
    reason = preflight(rewrite(template, tmp_path / "after.xlsx", far_row(row)))
    assert reason is not None and "最远到 XFD1048576 附近" in reason, reason


def test_many_cells_taking_short_texts_beside_one_long_text_pass(
    template: Path, tmp_path: Path
) -> None:
    """12,000 cells each taking one of 100 short texts, one cell the long text: within the
    budget once each cell is counted with its own text (the cheaper bounds cannot tell)."""
    strings = [f"指标{i}" for i in range(100)] + [LONGEST]
    edit = shared_strings(strings, [i % 100 for i in range(12000)] + [100])
    path = rewrite(template, tmp_path / "texts.xlsx", edit)
    assert preflight(path) is None
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("总览")
    assert LONGEST in rows.to_python()[300 + 12000 // 52 - 1]


def test_a_shared_strings_table_not_xml_is_refused_in_chinese(
    template: Path, tmp_path: Path
) -> None:
    def broken(parts: dict[str, bytes]) -> None:
        shared_strings([LONGEST], [0] * 2000)(parts)
        parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b"</si>", b"", 1)

    reason = preflight(rewrite(template, tmp_path / "broken.xlsx", broken))
    assert reason == "共享字符串表不是有效的 XML，工作簿已损坏"


def test_a_string_nested_in_another_is_taken_at_its_longest(template: Path, tmp_path: Path) -> None:
    """Positions cannot be trusted when a string holds another (a reader may count it apart):
    every cell is then counted with the longest."""
    strings = [f"指标{i}" for i in range(100)] + [LONGEST]
    edit = shared_strings(strings, [i % 100 for i in range(12000)] + [100])

    def nested(parts: dict[str, bytes]) -> None:
        edit(parts)
        parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
            b"<si><t>\xe6\x8c\x87\xe6\xa0\x870</t></si>", b"<si><si><t>x</t></si></si>", 1
        )

    reason = preflight(rewrite(template, tmp_path / "nested.xlsx", nested))
    assert reason is not None and "文字合计" in reason, reason


def test_the_sheets_own_texts_count_too(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inline texts are no shared strings but cost as much (a review: seven sheets of 60 MB
    texts starting with an emoji): a sheet's bytes count at what a reader may hold for them."""
    text = "\U0001f600" + "预算" * 20000
    cell = f'<row r="300"><c r="A300" t="inlineStr"><is><t>{text}</t></is></c></row>'.encode()
    path = rewrite(template, tmp_path / "inline.xlsx", far_row(cell))
    assert preflight(path) is None
    monkeypatch.setattr(text_budget, "MAX_STRING_BYTES", 5 * path.stat().st_size)
    reason = preflight(path)
    assert reason is not None and "文字合计" in reason, reason


def test_a_shared_string_is_read_as_utf_8_whatever_the_table_declares(tmp_path: Path) -> None:
    """python-calamine reads UTF-8 whatever the declaration says (a review declared Latin-1,
    so an emoji cost like four narrow characters): a string costs what it is as UTF-8."""
    text = "\U0001f600" + "a" * 99
    table = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?><sst xmlns="'
        + MAIN
        + b'"><si><t>'
        + text.encode()
        + b"</t></si></sst>"
    )
    path = tmp_path / "table.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", table)
    with zipfile.ZipFile(path) as archive:
        found = text_budget.string_costs([archive.read("xl/sharedStrings.xml")])
    assert found == ([len(text.encode()) + 4 * len(text)], True)


def test_cells_holding_something_are_counted_over_all_sheets(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader holds ~120 bytes for a cell with a value, a pointer for an empty one: a review
    filled six sheets with 2 M one-character cells each (12 M, within the cells the sheets may
    span) and the reader aborted."""
    cells = b'<row r="1000">' + b"<c><v>1</v></c>" * 2000 + b"</row>"
    path = rewrite(template, tmp_path / "filled.xlsx", far_row(cells))
    assert preflight(path) is None
    monkeypatch.setattr(package, "MAX_FILLED_CELLS", 1500)
    reason = preflight(path)
    assert reason is not None and "填写了内容的单元格" in reason, reason


def test_a_sheet_not_plainly_written_counts_each_cell_with_its_own_string(
    template: Path, tmp_path: Path
) -> None:
    """The review's false positive: one cell far out sent the sheet to the slower path, where
    every string cell counted at the longest string (refused, "约 515 MB")."""
    strings = [f"指标{i}" for i in range(100)] + [LONGEST]
    taken = [i % 100 for i in range(12000)] + [100]

    def edit(parts: dict[str, bytes]) -> None:
        shared_strings(strings, taken)(parts)
        parts[SHEET] = add_to_sheet_data(parts[SHEET], b'<row r="1200"><c r="A1200" t="e"/></row>')

    path = rewrite(template, tmp_path / "slow.xlsx", edit)
    assert plain_scan.plain_scan(zipfile.ZipFile(path).read(SHEET)) is None
    assert preflight(path) is None


@pytest.mark.parametrize(
    "table",
    [
        b"<si><t>a<si></si>b</t></si><si><t>c</t></si>",  # a </si> inside a text
        b'<si><r><t q="</si>">ab</t></r></si>',  # a </si> inside a quoted value
        b"<si><t>a</t><!-- </si> --></si>",
        b"<si/><si><t>a</t></si>",
    ],
)
def test_a_table_not_plainly_written_is_parsed(table: bytes) -> None:
    """The cheap bound takes the bytes between two ``</si>`` for a string's most: only where
    every ``</si>`` ends a string for python-calamine (a fifth review hid an 8 MB string in
    1,000-byte pieces so)."""
    written = b'<sst xmlns="' + MAIN + b'">' + table + b"</sst>"
    assert text_budget._longest_written(written) is None
    plain = b'<sst xmlns="' + MAIN + b'"><si><t>ab</t></si><si><r><t>c</t></r></si></sst>'
    assert text_budget._longest_written(plain) == len(b"<si><r><t>c</t></r>")


@pytest.mark.parametrize(
    ("value", "taken"),
    [
        (b"<v>1</v>", [1]),
        (b"<v> 1</v>", [-1]),
        (b"<v>1&#48;</v>", [-1]),
        (b"<v>1<!--x-->0</v>", [-1]),
    ],
)
def test_a_cell_s_string_is_known_only_as_calamine_reads_it(value: bytes, taken: list[int]) -> None:
    """python-calamine takes a value's first piece of text and falls back to the first string
    when it is no number: anything else is counted at the longest (a fifth review)."""
    sheet = b"<worksheet><sheetData><row><c t='s'>" + value + b"</c></row></sheetData></worksheet>"
    assert text_budget._taken(sheet, plain=False) == taken


def test_an_entry_with_a_second_name_is_refused(template: Path, tmp_path: Path) -> None:
    """python-calamine's zip reader names an entry by its Info-ZIP Unicode Path field, Python's
    by its header (a fifth review made a sheet the shared-strings table for calamine only)."""
    path = tmp_path / "second.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == SHEET:
                name = b"\x01" + (0).to_bytes(4, "little") + b"xl/sharedStrings.xml"
                info.extra = (0x7075).to_bytes(2, "little") + len(name).to_bytes(2, "little") + name
            target.writestr(info, data)
    reason = preflight(path)
    assert reason is not None and "另有一个名称" in reason, reason


def renamed_workbook(parts: dict[str, bytes]) -> None:
    parts["xl/book.xml"] = parts.pop("xl/workbook.xml")
    parts["xl/_rels/book.xml.rels"] = parts.pop("xl/_rels/workbook.xml.rels")
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/book.xml")


def sheet_target(written: bytes) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        rels = "xl/_rels/workbook.xml.rels"
        parts[rels] = parts[rels].replace(b"/xl/worksheets/sheet2.xml", written, 1)
        assert written in parts[rels]

    return edit


@pytest.mark.parametrize(
    "edit",
    [
        renamed_workbook,
        sheet_target(b"../xl/worksheets/sheet2.xml"),
        sheet_target(b"worksheets\\sheet2.xml"),
    ],
    ids=["workbook renamed", "dot dot", "backslash"],
)
def test_a_package_calamine_may_read_otherwise_is_refused(
    template: Path, tmp_path: Path, edit: Edit
) -> None:
    """python-calamine reads workbook.xml whatever the relationship names, and looks a sheet's
    path up as written: a fifth review had the notes taken from a decoy sheet so."""
    reason = preflight(rewrite(template, tmp_path / "odd.xlsx", edit))
    assert reason is not None and "文件布局不是 Excel/WPS 的写法" in reason, reason


@pytest.mark.parametrize("name", ["FEE\u0301D", "FEED·X", "预算·合计"])
def test_a_name_is_one_word_whatever_its_letters(name: str) -> None:
    outward = cell_notes.Outward.of([(name, 'WEBSERVICE("http://x")')])
    assert outward is not None and outward.reach(f'{name}&""') == "网络函数"


def tabs(*extra: bytes) -> Edit:
    """More tabs in the workbook part (after its first)."""

    def edit(parts: dict[str, bytes]) -> None:
        book = "xl/workbook.xml"
        parts[book] = re.sub(
            rb"(<sheet [^>]*/>)", lambda m: m.group(1) + b"".join(extra), parts[book], count=1
        )

    return edit


R = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (tabs(b'<sheet name="spare" sheetId="99" ' + R + b' r:id="rId1"/>'), "文件布局"),
        (
            tabs(
                *(
                    b'<sheet name="t%d" sheetId="%d" ' % (i, i + 100) + R + b' r:id="rId1"/>'
                    for i in range(1001)
                )
            ),
            "张工作表",
        ),
        (sheet_target(b"/xl/worksheets//sheet2.xml"), "文件布局"),
        (sheet_target(b"/xl/worksheets/" + b"a" * 1100 + b".xml"), "文件布局"),
        (
            lambda parts: parts.update(
                {
                    "_rels/.rels": parts["_rels/.rels"].replace(
                        b"xl/workbook.xml", b"xl//workbook.xml"
                    )
                }
            ),
            "文件布局",
        ),
    ],
    ids=[
        "two tabs one sheet",
        "1,001 more tabs",
        "double slash",
        "a long path",
        "workbook double slash",
    ],
)
def test_tabs_and_paths_calamine_reads_otherwise_are_refused(
    template: Path, tmp_path: Path, edit: Edit, said: str
) -> None:
    """A sixth review: two tabs naming one sheet (read and kept twice; the notes filed under
    the last tab), 1,100 tabs copying one 1 MB path, a // python-calamine looks up as written."""
    reason = preflight(rewrite(template, tmp_path / "tabs.xlsx", edit))
    assert reason is not None and said in reason, reason


def test_a_workbook_part_too_large_is_refused_before_it_is_read(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook part is read before the parts are measured (a review's 400 MB defined
    name ended in 程序出错); and running out of memory anywhere is the file's reason."""
    monkeypatch.setattr(relationships, "MAX_STRUCTURE", 1000)
    reason = preflight(template)
    assert reason is not None and "不是正常的工作簿" in reason, reason

    def exhausted(*_: object) -> None:
        raise MemoryError

    monkeypatch.setattr(package, "_package_reason", exhausted)
    assert preflight(template) == "工作簿内容过大，读取会耗尽内存：请删除多余的内容后重新报送"


def styled(styles: bytes) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        parts["xl/styles.xml"] = styles

    return edit


@pytest.mark.parametrize(
    ("styles", "said"),
    [
        (
            b'<styleSheet xmlns="'
            + MAIN
            + b'"><numFmts count="1"><numFmt numFmtId="200" formatCode="'
            + b"0" * 2100
            + b'"/></numFmts></styleSheet>',
            "数字格式过长",
        ),
        (
            b'<styleSheet xmlns="'
            + MAIN
            + b'"><cellXfs>'
            + b'<xf numFmtId="0"/>' * 65001
            + b"</cellXfs></styleSheet>",
            "单元格格式超过",
        ),
    ],
    ids=["long format", "many formats"],
)
def test_styles_calamine_takes_too_long_over_are_refused(
    template: Path, tmp_path: Path, styles: bytes, said: str
) -> None:
    """python-calamine reads a number format's code again for every cell format using it (a
    review's 50,000 formats of a 1 MB code took 303 s)."""
    reason = preflight(rewrite(template, tmp_path / "styles.xlsx", styled(styles)))
    assert reason is not None and said in reason, reason


EXTERNAL_LINK = (
    b'<externalLink xmlns="' + MAIN + b'"><externalBook r:id="rId1" xmlns:r="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships"><sheetNames><sheetName val="S"/>'
    b'</sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>5</v></cell>'
    b"</row></sheetData></sheetDataSet></externalBook></externalLink>"
)
"""What Excel keeps of another workbook a formula links: its last values, under sheetData."""


def test_a_link_to_another_workbook_is_read_and_warned_about(
    template: Path, tmp_path: Path
) -> None:
    """A review found every workbook linking another refused as cells under another root."""

    def linked(parts: dict[str, bytes]) -> None:
        parts["xl/externalLinks/externalLink1.xml"] = EXTERNAL_LINK

    reason, notes = inspect(rewrite(template, tmp_path / "linked.xlsx", linked))
    assert reason is None and notes.external_links


def test_a_tab_on_another_workbook_s_values_is_measured(template: Path, tmp_path: Path) -> None:
    """Cells under an externalLink root a tab names are read as a sheet: measured as before."""

    def tabbed(parts: dict[str, bytes]) -> None:
        parts[SHEET] = EXTERNAL_LINK.replace(b'<row r="1">', FAR_ROW + b'<row r="2">')

    reason = preflight(rewrite(template, tmp_path / "tabbed.xlsx", tabbed))
    assert reason is not None and NOT_A_SHEET in reason, reason


def test_genuine_styles_and_string_counts_pass(template: Path, tmp_path: Path) -> None:
    """A review's false refusals: an 87-character status format (its quotes escaped, its
    characters 3 bytes each), a list of over a million cells taking 100 strings."""
    status = '[=1]"已完成：按计划完成全部任务";[=2]"部分完成：已完成主要任务";"未完成：尚未开始"'
    written = status.replace('"', "&quot;").encode()
    styles = (
        b'<styleSheet xmlns="' + MAIN + b'"><numFmts count="1"><numFmt numFmtId="200" '
        b'formatCode="' + written + b'"/></numFmts></styleSheet>'
    )
    path = rewrite(template, tmp_path / "styles.xlsx", styled(styles))
    assert preflight(path) is None
    assert text_budget.strings_counted({"count": "1050000", "uniqueCount": "100"}) is None


@pytest.mark.parametrize(
    "formula",
    [
        'A1&"|"&B1',
        'TEXTJOIN("|",TRUE,A1:B1)',
        'IF(A1="","[提示]请填写!","")',
        'IF(A1,"IMAGE (1)","")',
    ],
)
def test_a_text_inside_a_formula_reaches_nothing(formula: str) -> None:
    """A review's false warnings: a bar, a bracketed label before a !, a function's name, all
    inside a formula's text."""
    assert cell_notes.reach(formula) is None
    assert cell_notes.reach(f"INDIRECT(\"'[去年.xlsx]项目1'!C5\")&{formula}") is not None


def test_an_opendocument_spreadsheet_named_xlsx_is_refused(tmp_path: Path) -> None:
    """python-calamine opens .ods (and .xlsb) whatever the name: a review's 806-byte .ods asked
    for 1.6 GB; such a package is refused by what it holds."""
    path = tmp_path / "表.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    reason = preflight(path)
    assert reason is not None and "另存为 .xlsx" in reason, reason


def test_a_sheet_with_a_non_ascii_prefix_is_noted(template: Path, tmp_path: Path) -> None:
    def edit(parts: dict[str, bytes]) -> None:
        xml = parts[PROJECT_SHEET].replace(
            b"<worksheet ", '<worksheet xmlns:表="'.encode() + MAIN + b'" ', 1
        )
        fragment = '<表:row r="217"><表:c r="B217" t="e"><表:v>#REF!</表:v></表:c></表:row>'
        parts[PROJECT_SHEET] = add_to_sheet_data(xml, fragment.encode())

    reason, notes = inspect(rewrite(template, tmp_path / "cjk.xlsx", edit))
    assert reason is None and notes.errors.get("项目1") == {"B217": "#REF!"}, (reason, notes)
